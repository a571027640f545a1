// Idle memory of the daemon on the demo bundle, for variants that differ in Node flags,
// environment or checkout, interleaved in rounds so load lands on every variant alike.
// Prints figures, never fails.
//   node bench/idle-rss.ts [--rounds 3] [--idle 20] --variant= --variant=MALLOC_ARENA_MAX= --variant=--max-opt=2
//   node bench/idle-rss.ts --tree /tmp/base --tree .     (two builds of Gatehouse, side by side)
// A variant is words: NAME=value sets the daemon's environment (NAME= unsets it), anything
// else is a Node flag. Each variant's daemon gets the environment and flags this checkout's
// CLI starts the daemon with (DAEMON_ENV, DAEMON_NODE_FLAGS; an older tree may not have
// them) plus its own, is started through the tree's bin/gatehouse.js as the CLI and the
// desktop app start it (which runs the tree's build when it is fresh), idles
// `--idle` seconds after it printed its ready line, and is measured from /proc (VmRSS,
// RssAnon, RssFile).
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { DAEMON_ENV, DAEMON_NODE_FLAGS } from '../gateway/cli/stdio-bridge.ts';
import { firstLine, memoryMb, ROOT, start, stopAll, variantWords } from './harness.ts';
import { runInterleaved, type BenchCase } from './interleave.ts';

const { values: opts } = parseArgs({
  options: {
    rounds: { type: 'string', default: '3' },
    idle: { type: 'string', default: '20' },
    variant: { type: 'string', multiple: true, default: [''] },
    tree: { type: 'string', multiple: true, default: [ROOT] },
  },
});

/** The CLI as a tree's users run it: bin/gatehouse.js, which runs its build (the bundle, where there is one) when that is fresh. */
function cliOf(tree: string): string {
  return join(tree, 'bin', 'gatehouse.js');
}

/** What bin/gatehouse.js runs in a tree, for the labels. */
function runs(tree: string): string {
  if (!existsSync(join(tree, 'dist', '.build-stamp'))) return 'sources';
  return existsSync(join(tree, 'dist', 'bundle', 'main.js')) ? 'dist/bundle' : 'dist/';
}

function variant(tree: string, words: string): BenchCase {
  const own = variantWords(words.split(/\s+/).filter((f) => f !== ''));
  const env = { ...DAEMON_ENV, ...own.env };
  const { flags } = own;
  const cli = cliOf(tree);
  const label = [...Object.entries(env).map(([k, v]) => `${k}=${v ?? '(unset)'}`), ...DAEMON_NODE_FLAGS, ...flags].join(' ');
  return {
    name: `${opts.tree.length > 1 ? `${tree} ` : ''}(${runs(tree)}) daemon ${label}`,
    round: async () => {
      const p = start(
        process.execPath,
        [...DAEMON_NODE_FLAGS, ...flags, cli, 'daemon', '--data-dir', mkdtempSync(join(tmpdir(), 'gh-idle-')), '--port', '0'],
        env,
      );
      try {
        await firstLine(p);
        await new Promise((r) => setTimeout(r, Number(opts.idle) * 1000));
        const m = memoryMb(p.pid!);
        return { 'RSS MB': m.rss, 'anon MB': m.anon, 'file MB': m.file };
      } finally {
        process.kill(-p.pid!, 'SIGTERM');
        await new Promise((r) => p.once('exit', r));
      }
    },
  };
}

const trees = opts.tree.map((t) => resolve(t));
console.log(`Idle daemon memory, demo bundle, ${opts.idle} s idle; trees: ${trees.map((t) => `${t} (${runs(t)})`).join(', ')}`);
try {
  await runInterleaved(
    'Idle RSS, interleaved',
    trees.flatMap((t) => opts.variant.map((v) => variant(t, v))),
    Number(opts.rounds),
    1,
  );
} finally {
  stopAll();
}
process.exit(0);
