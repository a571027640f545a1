// Empties dist/ before a build, but for dist/bundle/. A daemon that is still running
// imports its lazy chunks by the content-hashed names of the build it started from, so a
// rebuild (a `git pull` followed by any command, or an update) must leave those files in
// place; scripts/bundle-cli.mjs prunes the ones no build has written for a long time.
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const dist = join(resolve(process.argv[2] ?? join(dirname(fileURLToPath(import.meta.url)), '..')), 'dist');
mkdirSync(dist, { recursive: true });
for (const entry of readdirSync(dist)) if (entry !== 'bundle') rmSync(join(dist, entry), { recursive: true, force: true });
