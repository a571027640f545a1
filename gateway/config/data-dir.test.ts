import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { ensureDataDir } from './data-dir.ts';

const mode = (path: string) => statSync(path).mode & 0o777;

describe('ensureDataDir', { skip: process.platform === 'win32' && 'POSIX modes' }, () => {
  const root = mkdtempSync(join(tmpdir(), 'gh-datadir-'));
  after(() => rmSync(root, { recursive: true, force: true }));

  it('narrows a data dir (and its logs) that already existed world-readable to 0700', () => {
    const dir = join(root, 'existing');
    mkdirSync(join(dir, 'logs'), { recursive: true, mode: 0o755 });
    ensureDataDir(dir);
    assert.equal(mode(dir), 0o700);
    assert.equal(mode(join(dir, 'logs')), 0o700);
  });

  it('creates a new one 0700 whatever the umask', () => {
    const old = process.umask(0);
    try {
      const dir = join(root, 'fresh', 'nested');
      ensureDataDir(dir);
      assert.equal(mode(dir), 0o700);
    } finally {
      process.umask(old);
    }
  });
});
