import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { RotatingLog } from './stderr-log.ts';

describe('RotatingLog', () => {
  it('rotates by size, keeps N files, and remembers the last lines', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'gh-log-')), 'logs', 'srv.log');
    const log = new RotatingLog(path, 100, 2, 3);
    for (let i = 0; i < 20; i++) log.write(`line ${i} ${'x'.repeat(20)}\n`);
    await log.close();
    assert.ok(existsSync(path) && existsSync(`${path}.1`) && existsSync(`${path}.2`));
    assert.ok(!existsSync(`${path}.3`), 'only two rotated files are kept');
    assert.ok(statSync(path).size <= 100);
    assert.match(readFileSync(path, 'utf8'), /line 19/);
    assert.deepEqual(
      log.tail.map((l) => l.split(' ').slice(0, 2).join(' ')),
      ['line 17', 'line 18', 'line 19'],
    );
    assert.equal(statSync(path).mode & 0o077, 0, 'logs are private to the user');
  });
});
