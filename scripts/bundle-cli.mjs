// Bundles the compiled CLI (dist/gateway/cli/main.js) into dist/bundle/: one module and
// the chunks of its lazy imports, minified. An idle daemon then resolves and compiles
// some 30 modules instead of 250 and keeps less source text, and V8's optimising
// compiler (5 MB of the Node binary's pages) stays asleep until there is work
// (docs/performance.md, "Idle RSS, one bundle"). bin/gatehouse.js runs the bundle. The
// tsc output stays beside it for what runs on its own (the scan worker, the sandbox's
// forwarder and preload) and for every file a module finds from its own location.
import { build } from 'esbuild';
import { readdirSync, statSync, unlinkSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

// A project folder may be named (the packaging test builds one); by default, this checkout.
const root = resolve(process.argv[2] ?? join(dirname(fileURLToPath(import.meta.url)), '..'));
const outdir = join(root, 'dist', 'bundle');

/** import.meta.url in a bundled module would name the bundle: each keeps naming its own compiled file. */
const ownImportMetaUrl = {
  name: 'own-import-meta-url',
  setup(b) {
    b.onLoad({ filter: /[\\/]dist[\\/].*\.js$/ }, async (args) => {
      const text = await readFile(args.path, 'utf8');
      if (!text.includes('import.meta.url')) return undefined;
      const own = relative(outdir, args.path).split('\\').join('/');
      return { contents: text.replaceAll('import.meta.url', `new URL(${JSON.stringify(own)}, import.meta.url).href`), loader: 'js' };
    });
  },
};

/** Chunks of earlier builds stay this long: a daemon started from one of them may still import them. */
const KEEP_OLD_CHUNKS_MS = 90 * 24 * 3600 * 1000;

const result = await build({
  entryPoints: [join(root, 'dist', 'gateway', 'cli', 'main.js')],
  absWorkingDir: root,
  outdir,
  bundle: true,
  // Without chunks, every lazy import's source would sit in the idle heap (+5 MB).
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node22',
  mainFields: ['module', 'main'],
  // Native: loaded by name at run time.
  external: ['@napi-rs/keyring'],
  minify: true,
  // Not keepNames: its thousands of __name() calls at start woke V8's optimising compiler
  // (+5 MB resident). Stack traces name minified functions; the .map beside each file
  // (node --enable-source-maps) names them again. No code here reads a class's name.
  sourcemap: 'linked',
  plugins: [ownImportMetaUrl],
  logLevel: 'warning',
  metafile: true,
});

// Chunk names carry a hash of their content, so a rebuild writes new names beside the old
// ones (scripts/clean-dist.mjs keeps this folder). Old files go once no daemon can need them.
const written = new Set(Object.keys(result.metafile.outputs).map((f) => resolve(root, f)));
for (const name of readdirSync(outdir)) {
  const file = join(outdir, name);
  if (!written.has(file) && Date.now() - statSync(file).mtimeMs > KEEP_OLD_CHUNKS_MS) unlinkSync(file);
}
