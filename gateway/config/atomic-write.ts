import { renameSync, rmSync, writeFileSync } from 'node:fs';

/**
 * Writes a file only its owner can read, whole or not at all: the text goes to a
 * temporary file beside it (named per process, so two processes never share one),
 * which is then renamed over the target. A crash mid-write leaves the old file.
 */
export function writePrivateFileAtomic(path: string, text: string): void {
  const tmp = `${path}.${process.pid}.tmp`;
  try {
    writeFileSync(tmp, text, { mode: 0o600 });
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}
