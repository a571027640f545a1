// The learned second opinion beside the hand-written rules: a linear model over
// hashed words, word pairs, character n-grams and structural counts, trained in
// the repo (test/scanner/learned/train.ts) on the tool-poisoning corpora and
// real servers' tools. It judges how much a definition reads like orders to
// the model rather than a description of a tool; its thresholds were chosen on
// out-of-fold scores of real servers' tools (about 1% of them reach medium).
import type { Finding } from '../scan.ts';
import { accumulate, clear, STRUCT, STRUCT_BASE, valueAt, type WordSite } from './features.ts';
import { decodeWeights, margin, sigmoid } from './model.ts';
import { MODEL } from './weights.ts';

let weights: Float32Array | undefined;
const w = () => (weights ??= decodeWeights(MODEL));

/**
 * Probability-like score in [0, 1] that the definition is poisoned. `siblings` are the names of
 * the other tools of its server: naming them is normal, naming outsiders is not.
 */
export function learnedScore(tool: Record<string, unknown>, siblings?: readonly string[]): number {
  return sigmoid(margin(tool, w(), MODEL.bias, siblings));
}

export type LearnedBand = 'none' | 'medium' | 'high';
export function bandOf(score: number): LearnedBand {
  return score > MODEL.thresholds.high ? 'high' : score > MODEL.thresholds.medium ? 'medium' : 'none';
}

const STRUCT_WORDS: Record<(typeof STRUCT)[number], string> = {
  'imperative-opening': 'sentences that open with an order',
  'second-person': 'speaks to "you"',
  'other-tool-reference': 'names other tools',
  address: 'a URL or address',
  sequencing: 'before/after/instead sequencing',
  'hidden-characters': 'hidden characters',
  'prose-in-schema-values': 'sentences in defaults, enums or titles',
  modal: 'must/always/never',
  'tag-block': 'a tag block',
  shouting: 'words in capitals',
  'description-length': "the description's length",
  parameters: 'its parameters',
  'secret-words': 'words about secrets',
  'speaker-words': 'words about the user, system or model',
  'no-parameters': 'takes no input',
  'long-parameter-name': 'a parameter name that is a sentence',
  'sensitive-path': 'a home or dotfile path',
  'own-reference': 'names its own parameters',
  'sibling-reference': "names its server's other tools",
  'code-block': 'code examples',
  caution: 'warns about its own effect',
};

/** Signals that only measure size: true of every tool, no reason a user can act on. */
const SIZE_ONLY = new Set<string>(['description-length', 'parameters']);

/**
 * What pushed a tool's score up: the words that weighed most, each shown in its place with a
 * word either side ("do not tell"), the path of the strongest, and the structural signals.
 */
export function explain(tool: Record<string, unknown>, siblings?: readonly string[], top = 5): { words: string[]; signals: string[]; path: string } {
  const weightsNow = w();
  const sites: WordSite[] = [];
  accumulate(tool, sites, siblings);
  const byWord = new Map<string, { indices: Set<number>; at: number }>();
  sites.forEach((s, at) => {
    const entry = byWord.get(s.word) ?? { indices: new Set<number>(), at };
    entry.indices.add(s.indices[0]).add(s.indices[1]);
    byWord.set(s.word, entry);
  });
  const ranked = [...byWord]
    .map(([word, e]) => ({ word, at: e.at, c: [...e.indices].reduce((sum, i) => sum + weightsNow[i]! * valueAt(i), 0) }))
    .filter((x) => x.c > 0)
    .sort((a, b) => b.c - a.c || a.word.localeCompare(b.word));
  const signals = STRUCT.map((name, k) => ({ name, c: weightsNow[STRUCT_BASE + k]! * valueAt(STRUCT_BASE + k) }))
    .filter((x) => x.c > 0.05 && !SIZE_ONLY.has(x.name))
    .sort((a, b) => b.c - a.c)
    .slice(0, 3)
    .map((x) => STRUCT_WORDS[x.name]);
  clear();
  const phrases: string[] = [];
  const covered = new Set<number>();
  for (const x of ranked) {
    if (phrases.length === top) break;
    if (covered.has(x.at)) continue;
    const near = (k: number) => (sites[k]?.path === sites[x.at]!.path ? k : -1);
    const window = [near(x.at - 1), x.at, near(x.at + 1)].filter((k) => k >= 0);
    for (const k of window) covered.add(k);
    phrases.push(window.map((k) => sites[k]!.word).join(' '));
  }
  return { words: phrases, signals, path: ranked[0] ? sites[ranked[0].at]!.path : '/description' };
}

/** Findings of the learned model: none below the medium band; rule `learned/poisoning`. */
export function learnedFindings(tool: Record<string, unknown>, siblings?: readonly string[]): Finding[] {
  const score = learnedScore(tool, siblings);
  const band = bandOf(score);
  if (band === 'none') return [];
  const { words, signals, path } = explain(tool, siblings);
  // Two decimals, rounded down: a score just under 1 must not read as certainty.
  const shown = (Math.floor(score * 100) / 100).toFixed(2);
  const evidence = [
    words.length ? `words that weighed most: ${words.map((p) => `"${p}"`).join(', ')}` : '',
    signals.length ? `signals: ${signals.join('; ')}` : '',
  ]
    .filter(Boolean)
    .join(' — ');
  return [
    {
      rule: 'learned/poisoning',
      family: 'learned',
      severity: band,
      path,
      message: `Reads like instructions to the model rather than a description of the tool (learned model, score ${shown})`,
      evidence,
    },
  ];
}
