// The interleaved benchmark runner. Cases run in rounds, A B C A B C …, so a load
// spike on this shared 2-core machine lands on every case alike instead of flipping
// one comparison; each figure is reported as its median with the spread (min–max)
// over rounds, and the machine's load average is printed before and after.
import { cpus, loadavg } from 'node:os';

/** One round's figures of a case: name → value (milliseconds unless the name says otherwise). */
export type Figures = Record<string, number>;

export interface BenchCase {
  name: string;
  /** Runs once, before the first round (start servers, build data). */
  setup?: () => Promise<void> | void;
  /** One sample of every figure of the case. */
  round: () => Promise<Figures> | Figures;
  teardown?: () => Promise<void> | void;
}

export interface Summary {
  median: number;
  min: number;
  max: number;
  n: number;
}

export function summarize(samples: readonly number[]): Summary {
  const s = [...samples].sort((a, b) => a - b);
  const mid = s.length >> 1;
  const median = s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
  return { median, min: s[0]!, max: s.at(-1)!, n: s.length };
}

export function percentile(samples: readonly number[], p: number): number {
  const s = [...samples].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
}

/** One round of a latency case: `calls` sequential awaits of `call`, as p50 and p99 in milliseconds. */
export async function timeCalls(call: () => Promise<unknown>, calls: number): Promise<Figures> {
  const samples: number[] = [];
  for (let i = 0; i < calls; i++) {
    const t = performance.now();
    await call();
    samples.push(performance.now() - t);
  }
  return { 'p50 ms': percentile(samples, 50), 'p99 ms': percentile(samples, 99) };
}

export const load = (): string => {
  const [one, five, fifteen] = loadavg();
  return `load average ${one!.toFixed(2)} / ${five!.toFixed(2)} / ${fifteen!.toFixed(2)} (1/5/15 min) on ${cpus().length} cores`;
};

const figure = (s: Summary, digits: number) => `${s.median.toFixed(digits)} (${s.min.toFixed(digits)}–${s.max.toFixed(digits)})`;

/**
 * Runs the cases interleaved for `rounds` rounds and prints a Markdown table:
 * one row per case and figure, median (min–max). Never throws for a failing
 * case: its row says so, and the other cases go on.
 */
export async function runInterleaved(title: string, cases: BenchCase[], rounds: number, digits = 2): Promise<Map<string, Map<string, Summary>>> {
  const before = load();
  const samples = new Map<string, Map<string, number[]>>();
  const failed = new Map<string, string>();
  for (const c of cases) {
    try {
      await c.setup?.();
    } catch (err) {
      failed.set(c.name, (err as Error).message);
    }
    samples.set(c.name, new Map());
  }
  for (let r = 0; r < rounds; r++) {
    for (const c of cases) {
      if (failed.has(c.name)) continue;
      try {
        const figures = await c.round();
        for (const [k, v] of Object.entries(figures)) {
          const list = samples.get(c.name)!.get(k) ?? [];
          list.push(v);
          samples.get(c.name)!.set(k, list);
        }
      } catch (err) {
        failed.set(c.name, (err as Error).message);
      }
      process.stderr.write('.');
    }
  }
  process.stderr.write('\n');
  for (const c of cases) {
    try {
      await c.teardown?.();
    } catch {
      /* best effort */
    }
  }
  const after = load();
  const out = new Map<string, Map<string, Summary>>();
  console.log(`\n${title} — Node ${process.version}, ${rounds} interleaved rounds, median (min–max)`);
  console.log(`before: ${before}\nafter:  ${after}\n`);
  console.log('| case | figure | median (min–max) |');
  console.log('|---|---|---|');
  for (const c of cases) {
    const fail = failed.get(c.name);
    if (fail) {
      console.log(`| ${c.name} | failed | ${fail.slice(0, 100).replace(/\|/g, '/')} |`);
      continue;
    }
    const sums = new Map<string, Summary>();
    for (const [k, v] of samples.get(c.name)!) {
      const s = summarize(v);
      sums.set(k, s);
      console.log(`| ${c.name} | ${k} | ${figure(s, digits)} |`);
    }
    out.set(c.name, sums);
  }
  return out;
}
