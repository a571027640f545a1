// Reads the text files of a .tar.gz in memory, so training can use the spent held-out sets
// straight from their archives in the repo (no unpacking into the tree, no tar binary).
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';

const BLOCK = 512;
const text = (b: Buffer, from: number, len: number) => b.toString('utf8', from, from + len).replace(/\0.*$/s, '');

/** Every regular file of the archive by its path (ustar, with GNU long names and pax paths). */
export function readTarGz(file: string): Map<string, string> {
  const tar = gunzipSync(readFileSync(file));
  const files = new Map<string, string>();
  let longName: string | undefined;
  for (let at = 0; at + BLOCK <= tar.length;) {
    if (tar[at] === 0) break;
    const size = parseInt(text(tar, at + 124, 12).trim() || '0', 8);
    const type = String.fromCharCode(tar[at + 156] ?? 48);
    const prefix = text(tar, at + 345, 155);
    const body = tar.subarray(at + BLOCK, at + BLOCK + size);
    if (type === 'L') longName = body.toString('utf8').replace(/\0.*$/s, '');
    else if (type === 'x') longName = /(?:^|\n)\d+ path=([^\n]*)\n/.exec(body.toString('utf8'))?.[1] ?? longName;
    else if (type === '0' || type === '\0') {
      files.set(longName ?? (prefix ? `${prefix}/` : '') + text(tar, at, 100), body.toString('utf8'));
      longName = undefined;
    } else longName = undefined;
    at += BLOCK + Math.ceil(size / BLOCK) * BLOCK;
  }
  return files;
}

/** The JSON lines of the archive's file whose path ends with `suffix`. */
export function jsonlIn(files: Map<string, string>, suffix: string): unknown[] {
  const hit = [...files].find(([path]) => path.endsWith(suffix));
  if (!hit) throw new Error(`no ${suffix} in the archive`);
  return hit[1]
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as unknown);
}
