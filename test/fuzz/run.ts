// `npm run fuzz -- --seconds N [--seed S] [--paths socket,stdio,http,upstream]`: drives a
// real daemon as a hostile agent and upstream for N seconds and ends with a one-line
// summary. Exits 1 when an invariant broke (a crash, a hang, a leak, a lost record).
import { parseArgs } from 'node:util';
import { fuzz, PATHS, type PathName } from './harness.ts';
import { verdict } from './verdict.ts';

const { values } = parseArgs({ options: { seconds: { type: 'string', default: '60' }, seed: { type: 'string' }, paths: { type: 'string' } } });
const seconds = Number(values.seconds);
if (!Number.isFinite(seconds) || seconds <= 0) {
  process.stderr.write('--seconds takes a positive number\n');
  process.exit(2);
}
const paths = values.paths ? (values.paths.split(',') as PathName[]) : PATHS;
for (const p of paths)
  if (!PATHS.includes(p)) {
    process.stderr.write(`unknown path "${p}"; use ${PATHS.join(', ')}\n`);
    process.exit(2);
  }
const report = await fuzz({ seconds, paths, ...(values.seed ? { seed: Number(values.seed) } : {}), log: (line) => process.stderr.write(`fuzz: ${line}\n`) });
const problems = verdict(report);
const frames = report.paths.reduce((n, p) => n + p.frames, 0);
const hangs = report.paths.reduce((n, p) => n + p.hangs, 0);
process.stdout.write(
  `fuzz: ${frames} frames (${report.paths.map((p) => `${p.path} ${p.frames} in ${p.seconds.toFixed(0)} s`).join(', ')}), ${report.crashed ? 1 : 0} crashes, ${hangs} hangs, ` +
    `records ${report.callRecords}/${report.upstreamCalls} calls, RSS ${report.rssBeforeMb.toFixed(0)} → ${report.rssAfterMb.toFixed(0)} MB (max ${report.rssMaxMb.toFixed(0)}), seed ${report.seed}: ${problems.length ? `FAILED: ${problems.join('; ')}` : 'ok'}\n`,
);
if (problems.length) process.stderr.write(`fuzz: the daemon's data dir is kept in ${report.dataDir}; the upstream's call log in ${report.upstreamLog}\n`);
process.exit(problems.length ? 1 : 0);
