// Where the scanner's regular-expression time goes, and what a literal prefilter could save: every
// execution during a scan of the captured real servers and the corpus is counted and timed, and each
// pattern's required literals are derived from its syntax tree (RE2-style: strings one of which every
// match must contain). An execution on a text that holds none of them cannot match and would be skipped.
// Prints, never asserts; "matches among skipped" must be 0, or the derivation is wrong.
//   node test/scanner/regex-census.ts
// This process replaces RegExp.prototype.exec with a timed wrapper (every regex builtin goes through it):
// timings are slower than a real scan's; the shares are what it is for.
import { RegExpParser } from '@eslint-community/regexpp';
import type { Alternative, Element } from '@eslint-community/regexpp/ast';
import { BENIGN_SERVERS_2_DIR, loadBenignServers, loadJsonl } from './evaluate.ts';

const parser = new RegExpParser({ ecmaVersion: 2025 });
const derived = new Map<string, string[] | null>();

/** Lower-case strings one of which every match of re contains, or null when the syntax promises none. */
export function requiredLiterals(re: RegExp): string[] | null {
  const key = `${re.source}/${re.flags}`;
  if (derived.has(key)) return derived.get(key)!;
  // The more selective set: longer strings first, then fewer of them.
  const better = (a: string[] | null, b: string[] | null) => {
    if (!a) return b;
    if (!b) return a;
    const score = (s: string[]) => Math.min(...s.map((x) => x.length)) * 10 - s.length;
    return score(b) > score(a) ? b : a;
  };
  const ascii = (cp: number) => cp < 128;
  const element = (e: Element): string[] | null => {
    if (e.type === 'Character') return ascii(e.value) ? [String.fromCodePoint(e.value).toLowerCase()] : null;
    if (e.type === 'Quantifier') return e.min >= 1 ? element(e.element) : null;
    if (e.type === 'Group' || e.type === 'CapturingGroup') return anyOf(e.alternatives);
    return null;
  };
  const sequence = (a: Alternative): string[] | null => {
    let best: string[] | null = null;
    let run = '';
    const flush = () => {
      if (run) best = better(best, [run]);
      run = '';
    };
    for (const e of a.elements) {
      if (e.type === 'Character' && ascii(e.value)) {
        run += String.fromCodePoint(e.value).toLowerCase();
        continue;
      }
      flush();
      best = better(best, element(e));
    }
    flush();
    return best;
  };
  const anyOf = (alternatives: Alternative[]): string[] | null => {
    const out = new Set<string>();
    for (const a of alternatives) {
      const s = sequence(a);
      if (!s) return null;
      for (const x of s) out.add(x);
    }
    return [...out];
  };
  let result: string[] | null = null;
  try {
    const ast = parser.parsePattern(re.source, 0, re.source.length, { unicode: re.flags.includes('u'), unicodeSets: re.flags.includes('v') });
    result = anyOf(ast.alternatives);
    if (result?.some((s) => s.length === 0)) result = null;
  } catch {
    result = null;
  }
  derived.set(key, result);
  return result;
}

/** Case-folded for the literal test: with the u flag, ſ matches s and the Kelvin sign k. */
const folded = new Map<string, string>();
function fold(text: string): string {
  let f = folded.get(text);
  if (f === undefined) {
    f = text
      .toLowerCase()
      .replace(/\u017f/g, 's')
      .replace(/\u212a/g, 'k');
    if (folded.size > 5000) folded.clear();
    folded.set(text, f);
  }
  return f;
}

interface Count {
  runs: number;
  ms: number;
  skippable: number;
  skippableMs: number;
  wrong: number;
  literals: string[] | null;
}

if (import.meta.main) {
  const counts = new Map<string, Count>();
  const exec = RegExp.prototype.exec;
  let inside = false;
  RegExp.prototype.exec = function (this: RegExp, input: string) {
    if (inside) return exec.call(this, input);
    inside = true;
    const literals = requiredLiterals(this);
    const text = String(input);
    const skip = literals !== null && !literals.some((w) => fold(text).includes(w));
    inside = false;
    const t = performance.now();
    const m = exec.call(this, input);
    const ms = performance.now() - t;
    const key = `/${this.source.slice(0, 70)}/${this.flags}`;
    let c = counts.get(key);
    if (!c) counts.set(key, (c = { runs: 0, ms: 0, skippable: 0, skippableMs: 0, wrong: 0, literals }));
    c.runs++;
    c.ms += ms;
    if (skip) {
      c.skippable++;
      c.skippableMs += ms;
      if (m) c.wrong++;
    }
    return m;
  };
  const { scanTool } = await import('../../shared/scanner/scan.ts');
  const tools = [
    ...[...loadBenignServers(), ...loadBenignServers(BENIGN_SERVERS_2_DIR)].flatMap((s) => s.tools),
    ...['benign.dev.jsonl', 'poisoned.dev.jsonl', 'poisoned.extra.jsonl'].flatMap((f) => loadJsonl(f).map((e) => e.tool)),
  ];
  for (const t of tools) scanTool(t, { learned: false });
  counts.clear();
  for (const t of tools) scanTool(t, { learned: false });
  const all = [...counts.values()];
  const sum = (f: (c: Count) => number) => all.reduce((n, c) => n + f(c), 0);
  const ms = sum((c) => c.ms);
  console.log(
    `${tools.length} tools: ${counts.size} patterns, ${sum((c) => c.runs)} executions (${(sum((c) => c.runs) / tools.length).toFixed(0)} a tool), ${ms.toFixed(0)} ms in them`,
  );
  console.log(
    `a literal prefilter would skip ${sum((c) => c.skippable)} executions (${((100 * sum((c) => c.skippable)) / sum((c) => c.runs)).toFixed(0)}%), ${((100 * sum((c) => c.skippableMs)) / ms).toFixed(0)}% of the time; matches among skipped (must be 0): ${sum((c) => c.wrong)}`,
  );
  console.log(
    `patterns with no required literal: ${all.filter((c) => !c.literals).length}, ${((100 * sum((c) => (c.literals ? 0 : c.ms))) / ms).toFixed(0)}% of the time`,
  );
  const ranked = [...counts].sort((a, b) => b[1].skippableMs - a[1].skippableMs);
  let running = 0;
  ranked.forEach(([, c], i) => {
    running += c.skippableMs;
    if ([10, 40, 160].includes(i + 1)) console.log(`the ${i + 1} patterns with most to skip: ${((100 * running) / ms).toFixed(0)}% of the time`);
  });
  console.log('\nmost time not skippable:');
  for (const [key, c] of [...counts].sort((a, b) => b[1].ms - b[1].skippableMs - (a[1].ms - a[1].skippableMs)).slice(0, 10))
    console.log(`${(c.ms - c.skippableMs).toFixed(0).padStart(6)} ms ${String(c.runs).padStart(8)} runs  ${key}`);
}
