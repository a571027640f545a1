// The scanner's fast path: the work on one piece of text that depends on nothing
// but that text (undoing hiding tricks, the pattern rules, the detectors that read
// the text alone) is done once per distinct text and replayed for every repeat. Real
// catalogues repeat much of their text ("The ID of the issue", enum values, parameter
// names): in 781 captured and corpus tools, 59% of the text pieces are repeats.
//
// Safe by default: a detector is memoised only where scan.ts registers it as reading
// the text alone; anything else runs afresh for every tool. The fast path must not
// change one finding: test/scanner/fast-path.test.ts scans every corpus both ways.

/** Texts longer than this are not kept: long texts rarely repeat, and the memo must stay small. */
const MAX_TEXT = 4096;
/** Characters of text kept per memo before it starts over (about 4 MB), whatever a catalogue's size. */
const MAX_CHARS = 2_000_000;

/** Weakly: a memo of a bundle's own rule set goes with that rule set. */
const every = new Set<WeakRef<TextMemo<unknown>>>();

/** Empties every memo: a benchmark's round starts from nothing, as a daemon's first sight does. */
export function forgetTexts(): void {
  for (const ref of every) {
    const memo = ref.deref();
    if (memo) memo.clear();
    else every.delete(ref);
  }
}

/** A bounded map from a text (and a key naming what was computed) to what was computed from it alone. */
export class TextMemo<V> {
  private readonly map = new Map<string, V>();
  private chars = 0;

  constructor() {
    every.add(new WeakRef(this));
  }

  clear(): void {
    this.map.clear();
    this.chars = 0;
  }

  /** `key` must name everything `compute` reads besides constants: the text, and the unit's role where it matters. */
  get(key: string, text: string, compute: () => V): V {
    if (text.length > MAX_TEXT) return compute();
    const found = this.map.get(key);
    if (found !== undefined) return found;
    const value = compute();
    if (this.chars + key.length > MAX_CHARS) this.clear();
    this.map.set(key, value);
    this.chars += key.length;
    return value;
  }
}

/** A detector that reads only its text, memoised per text; `fresh` runs it without the memo (the reference the fast path is tested against). */
export function textOnly<F>(detector: (text: string) => F[]): (text: string, fresh: boolean) => readonly F[] {
  const memo = new TextMemo<readonly F[]>();
  return (text, fresh) => (fresh ? detector(text) : memo.get(text, text, () => detector(text)));
}
