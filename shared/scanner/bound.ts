import { cutText } from '../text/cut.ts';
import { escapeKey } from './extract.ts';
import type { Finding } from './scan.ts';

// A hostile server can send one tool with megabytes of text (the default message limit is
// 16 MB), and the scanner's cost grows faster than the text where patterns match often: a
// 4.8 MB description of a repeated order took 208 s to judge, with the daemon waiting.
// The largest real tool seen (108 captured servers) is 77 KB in all and 35 KB of
// description, so the scanner reads at most 64 K characters of any one string and 256 K in
// all; a tool that carries more is itself a finding, and so never trusted unseen.

export const TEXT_LIMIT = 64 * 1024;
export const TOTAL_LIMIT = 256 * 1024;

export interface Bounded {
  tool: Record<string, unknown>;
  /** Strings cut or dropped, with their JSON paths and full lengths. */
  cuts: { path: string; chars: number }[];
  /** Characters of every string in the definition, keys included. */
  total: number;
}

function measure(value: unknown): { total: number; longest: number } {
  let total = 0;
  let longest = 0;
  const walk = (v: unknown): void => {
    if (typeof v === 'string') {
      total += v.length;
      if (v.length > longest) longest = v.length;
    } else if (Array.isArray(v)) for (const x of v) walk(x);
    else if (v && typeof v === 'object')
      for (const [k, x] of Object.entries(v)) {
        total += k.length;
        if (k.length > longest) longest = k.length;
        walk(x);
      }
  };
  walk(value);
  return { total, longest };
}

/** The tool as the scanner reads it: itself when it is within the limits, else a copy cut to them. */
export function boundTool(tool: Record<string, unknown>): Bounded {
  const { total, longest } = measure(tool);
  if (total <= TOTAL_LIMIT && longest <= TEXT_LIMIT) return { tool, cuts: [], total };
  const cuts: Bounded['cuts'] = [];
  let budget = TOTAL_LIMIT;
  const take = (text: string, path: string): string => {
    const keep = cutText(text, Math.max(0, Math.min(TEXT_LIMIT, budget)));
    budget -= keep.length;
    if (keep.length < text.length) cuts.push({ path, chars: text.length });
    return keep;
  };
  const copy = (v: unknown, path: string): unknown => {
    if (typeof v === 'string') return take(v, path);
    if (Array.isArray(v)) return v.map((x, i) => copy(x, `${path}/${i}`));
    if (v && typeof v === 'object')
      // fromEntries makes own properties, so a key named "__proto__" stays a key.
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [take(k, `${path}/${escapeKey(k)} (name)`), copy(x, `${path}/${escapeKey(k)}`)]));
    return v;
  };
  return { tool: copy(tool, '') as Record<string, unknown>, cuts, total };
}

const kb = (chars: number) => `${Math.round(chars / 1024).toLocaleString('en')} K characters`;

/** The finding for a tool that carried more text than the scanner reads. */
export function oversizedFinding(b: Bounded): Finding | undefined {
  const first = b.cuts[0];
  if (!first) return undefined;
  return {
    rule: 'oversized-text',
    family: 'hidden-text',
    severity: 'medium',
    path: first.path.replace(/ \(name\)$/, '') || '/',
    message: `Carries ${kb(b.total)} of text, far more than any real tool (the largest seen is 77 K): the scanner read ${kb(TEXT_LIMIT)} of each text and ${kb(TOTAL_LIMIT)} in all, so what lies beyond was not judged`,
    evidence: b.cuts
      .slice(0, 3)
      .map((c) => `${c.path}: ${c.chars.toLocaleString('en')} characters`)
      .join('; '),
  };
}
