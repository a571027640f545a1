// Idle memory of the daemon on the demo bundle, for variants that differ only in Node
// flags, interleaved in rounds so load lands on every variant alike. Prints figures,
// never fails.
//   node bench/idle-rss.ts [--rounds 3] [--idle 20] --variant= --variant=--max-opt=2
// Each variant's daemon gets the daemon's own flags (DAEMON_NODE_FLAGS) plus its own,
// runs from dist/ when it is built (as users run it), idles `--idle` seconds after it
// printed its ready line, and is measured from /proc (VmRSS, RssAnon, RssFile).
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DAEMON_NODE_FLAGS } from '../gateway/cli/stdio-bridge.ts';
import { firstLine, memoryMb, ROOT, start, stopAll } from './harness.ts';
import { runInterleaved, type BenchCase } from './interleave.ts';

const { values: opts } = parseArgs({
  options: { rounds: { type: 'string', default: '3' }, idle: { type: 'string', default: '20' }, variant: { type: 'string', multiple: true, default: [''] } },
});
const compiled = join(ROOT, 'dist', 'gateway', 'cli', 'main.js');
const cli = existsSync(join(ROOT, 'dist', '.build-stamp')) ? compiled : join(ROOT, 'bin', 'gatehouse.js');

function variant(flags: string): BenchCase {
  const extra = flags.split(/\s+/).filter((f) => f !== '');
  return {
    name: `daemon ${[...DAEMON_NODE_FLAGS, ...extra].join(' ')}`,
    round: async () => {
      const p = start(process.execPath, [...DAEMON_NODE_FLAGS, ...extra, cli, 'daemon', '--data-dir', mkdtempSync(join(tmpdir(), 'gh-idle-')), '--port', '0']);
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

console.log(`Idle daemon memory, demo bundle, ${cli === compiled ? 'compiled dist/' : 'TypeScript sources'}, ${opts.idle} s idle`);
try {
  await runInterleaved('Idle RSS, interleaved', opts.variant.map(variant), Number(opts.rounds), 1);
} finally {
  stopAll();
}
process.exit(0);
