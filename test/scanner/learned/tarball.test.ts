// The in-memory tar reader that lets training use the held-out archives: real archives made by
// the system's tar in each of its header formats (long names are where readers go wrong).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { jsonlIn, readTarGz } from './tarball.ts';

const dir = mkdtempSync(join(tmpdir(), 'gh-tarball-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const deep = `set/${'a-rather-long-folder-name/'.repeat(5)}poisoned.jsonl`;
const lines = [
  { id: 'x-1', tool: { name: 'tool', description: 'Größe 🙂 of a file' } },
  { id: 'x-2', tool: { name: 'other' } },
];
mkdirSync(join(dir, 'src', deep, '..'), { recursive: true });
writeFileSync(join(dir, 'src', deep), lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
writeFileSync(join(dir, 'src', 'set', 'README.md'), '# notes\n');

describe('readTarGz', () => {
  for (const format of ['gnu', 'pax', 'ustar']) {
    it(`reads a ${format} archive with a path over 100 characters and UTF-8 text`, () => {
      const file = join(dir, `${format}.tar.gz`);
      execFileSync('tar', ['-czf', file, `--format=${format}`, '-C', join(dir, 'src'), 'set']);
      const files = readTarGz(file);
      assert.ok(deep.length > 100);
      assert.deepEqual([...files.keys()].sort(), [deep, 'set/README.md'].sort());
      assert.deepEqual(jsonlIn(files, 'poisoned.jsonl'), lines);
      assert.equal(files.get('set/README.md'), '# notes\n');
    });
  }

  it('says which file is missing rather than returning nothing', () => {
    const files = readTarGz(join(dir, 'gnu.tar.gz'));
    assert.throws(() => jsonlIn(files, 'benign.jsonl'), /no benign\.jsonl in the archive/);
  });
});
