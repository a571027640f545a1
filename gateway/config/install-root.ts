import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The folder Gatehouse is installed in (holds package.json, bin/, resources/), from source or from dist/. */
function findRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'resources', 'demo-bundle.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('cannot find the Gatehouse install folder (resources/demo-bundle.json)');
    dir = parent;
  }
  return dir;
}

export const INSTALL_ROOT = findRoot();

/** The embedded demo bundle: the bundle every command uses without --bundle. */
export const DEMO_BUNDLE_PATH = join(INSTALL_ROOT, 'resources', 'demo-bundle.json');
