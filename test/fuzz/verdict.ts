import type { FuzzReport } from './harness.ts';

/**
 * RSS may grow this much over a run before it counts as unbounded. V8 collects lazily, so
 * RSS overstates what is live; the daemon runs with a 192 MB heap limit, so a real leak
 * ends in a crash that the run reports.
 */
export const RSS_GROWTH_LIMIT_MB = 300;

/** The invariants a fuzz run must hold; an empty list means it held them all. */
export function verdict(r: FuzzReport): string[] {
  const problems: string[] = [];
  if (r.crashed) problems.push(r.crashed);
  for (const p of r.paths) {
    if (p.hangs) problems.push(`${p.path}: ${p.hangs} requests never answered`);
    for (const l of p.leaks) problems.push(`${p.path}: an error text carried ${l}`);
  }
  if (!r.crashed && r.callRecords !== r.upstreamCalls) problems.push(`${r.upstreamCalls} calls reached the upstream but ${r.callRecords} were recorded`);
  if (r.rssMaxMb - r.rssBeforeMb > RSS_GROWTH_LIMIT_MB) problems.push(`RSS grew from ${r.rssBeforeMb.toFixed(0)} to ${r.rssMaxMb.toFixed(0)} MB`);
  return problems;
}
