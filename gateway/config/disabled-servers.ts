import { readFileSync, statSync, type Stats } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { writePrivateFileAtomic } from './atomic-write.ts';

/**
 * Servers the user switched off on this desktop. Disabling only ever narrows what
 * the bundle allows, so it is the user's own choice and needs no org approval; it
 * lives in the data dir so it survives restarts and bundle updates.
 */
const FileSchema = z.strictObject({ servers: z.array(z.string().regex(/^[a-z0-9-]{1,32}$/)).max(1000) });
/** A thousand ids of 32 characters, with room for formatting. */
const MAX_FILE_BYTES = 64 * 1024;

export interface DisabledServersFile {
  readonly ids: ReadonlySet<string>;
  /** Why the file could not be read, if it could not: the set is then empty and the status says so. */
  readonly problem: string | undefined;
  set(id: string, disabled: boolean): void;
}

export function openDisabledServers(dataDir: string): DisabledServersFile {
  const path = join(dataDir, 'disabled-servers.json');
  const ids = new Set<string>();
  let problem: string | undefined;
  let stat: Stats | undefined;
  try {
    stat = statSync(path);
  } catch {
    /* none yet (or a dangling link): nothing is switched off */
  }
  // Read only a regular file of sane size: a FIFO would block the daemon's start for ever, /dev/zero fill its memory.
  if (stat && (!stat.isFile() || stat.size > MAX_FILE_BYTES)) {
    problem = `${path} is not a small regular file; every server is enabled until it is replaced`;
  } else if (stat) {
    try {
      const parsed = FileSchema.safeParse(JSON.parse(readFileSync(path, 'utf8')));
      if (parsed.success) for (const id of parsed.data.servers) ids.add(id);
      else problem = `${path} is not a list of server ids; every server is enabled until it is fixed or rewritten`;
    } catch {
      problem = `${path} is not valid JSON; every server is enabled until it is fixed or rewritten`;
    }
  }
  return {
    ids,
    get problem() {
      return problem;
    },
    set(id, disabled) {
      const next = new Set(ids);
      if (disabled) next.add(id);
      else next.delete(id);
      // Written whole and renamed, so a crash mid-write never leaves half a list; the
      // set changes only once the file did, so a failed write leaves both as they were.
      writePrivateFileAtomic(path, `${JSON.stringify({ servers: [...next].sort() }, null, 2)}\n`);
      if (disabled) ids.add(id);
      else ids.delete(id);
      problem = undefined;
    },
  };
}
