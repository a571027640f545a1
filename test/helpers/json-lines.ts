// Records a fixture appends to a file while a test reads it.
import { existsSync, readFileSync } from 'node:fs';

/**
 * The complete JSON lines of a file (none when it does not exist yet). A writer may be
 * mid-append, so what follows the last newline is not a record yet.
 */
export function readJsonLines<T>(path: string): T[] {
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8')
    .split('\n')
    .slice(0, -1)
    .filter(Boolean)
    .map((l) => JSON.parse(l) as T);
}
