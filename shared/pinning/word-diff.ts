import { makeVisible } from '../scanner/decode.ts';

// A word-level diff of two texts, for a person deciding whether a changed tool
// description is safe: the usual poisoning is a sentence appended to a long
// description, which a side-by-side excerpt of the first characters hides.

export interface DiffPart {
  op: 'same' | 'add' | 'del';
  text: string;
}

/** Past this many cells the middle of the two texts is shown as one replacement. */
const MAX_CELLS = 4_000_000;
const TAG_START = 0xe0000;
const TAG_END = 0xe007f;

/** Invisible characters are tokens of their own, so one glued to a word shows as the edit it is. */
const HIDDEN = '\\u200b-\\u200f\\u202a-\\u202e\\u2060-\\u2064\\u2066-\\u2069\\ufeff\\ufe00-\\ufe0f\\u{e0000}-\\u{e007f}\\u{e0100}-\\u{e01ef}';
const TOKEN = new RegExp(`[${HIDDEN}]+|\\s+|[^\\s${HIDDEN}]+`, 'gu');
const tokens = (text: string): string[] => text.match(TOKEN) ?? [];

/** Word and whitespace runs that differ, longest common subsequence in between. */
export function wordDiff(before: string, after: string): DiffPart[] {
  const a = tokens(before);
  const b = tokens(after);
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const parts: DiffPart[] = [];
  const push = (op: DiffPart['op'], text: string) => {
    if (!text) return;
    const last = parts.at(-1);
    if (last?.op === op) last.text += text;
    else parts.push({ op, text });
  };
  push('same', a.slice(0, start).join(''));
  const midA = a.slice(start, endA);
  const midB = b.slice(start, endB);
  if (midA.length * midB.length > MAX_CELLS) {
    push('del', midA.join(''));
    push('add', midB.join(''));
  } else {
    for (const p of lcsParts(midA, midB)) push(p.op, p.text);
  }
  push('same', a.slice(endA).join(''));
  return parts;
}

function lcsParts(a: string[], b: string[]): DiffPart[] {
  const n = a.length;
  const m = b.length;
  // lengths[i][j]: LCS of a[i..] and b[j..], one flat array.
  const lengths = new Uint32Array((n + 1) * (m + 1));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lengths[i * (m + 1) + j] =
        a[i] === b[j] ? lengths[(i + 1) * (m + 1) + j + 1]! + 1 : Math.max(lengths[(i + 1) * (m + 1) + j]!, lengths[i * (m + 1) + j + 1]!);
    }
  }
  const out: DiffPart[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) {
      out.push({ op: 'same', text: a[i]! });
      i++;
      j++;
    }
    // Deletions first, as a reader expects: [-old-]{+new+}.
    else if (i < n && (j >= m || lengths[(i + 1) * (m + 1) + j]! >= lengths[i * (m + 1) + j + 1]!)) out.push({ op: 'del', text: a[i++]! });
    else out.push({ op: 'add', text: b[j++]! });
  }
  return out;
}

/**
 * Text as a person should read it in a prompt: invisible and control characters
 * shown by code point, Unicode tag runs decoded to the ASCII they smuggle, line
 * breaks shown as ⏎ so a change stays on one readable line.
 */
export function reveal(text: string): string {
  let out = '';
  let tags = '';
  const flush = () => {
    if (tags) {
      out += `⟦hidden text: "${tags}"⟧`;
      tags = '';
    }
  };
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    if (cp >= TAG_START && cp <= TAG_END) {
      const ascii = cp - TAG_START;
      tags += ascii >= 0x20 && ascii < 0x7f ? String.fromCharCode(ascii) : `⟦U+${cp.toString(16).toUpperCase()}⟧`;
      continue;
    }
    flush();
    out += ch === '\n' ? '⏎ ' : ch === '\r' || ch === '\t' ? ' ' : makeVisible(ch);
  }
  flush();
  return out;
}

/** Cuts on code-point boundaries, marking the cut. */
export function clip(text: string, max: number): string {
  const cps = Array.from(text);
  return cps.length <= max ? text : `${cps.slice(0, max).join('')}…`;
}

/**
 * One line: unchanged text shortened to `context` words around each edit,
 * deletions as [-…-] and additions as {+…+}, everything revealed.
 */
export function renderWordDiff(parts: readonly DiffPart[], context = 8): string {
  let out = '';
  parts.forEach((p, index) => {
    if (p.op === 'del') {
      out += `[-${reveal(p.text)}-]`;
      return;
    }
    if (p.op === 'add') {
      out += `{+${reveal(p.text)}+}`;
      return;
    }
    const words = tokens(p.text);
    const keepHead = index === 0 ? 0 : context * 2; // words and the spaces between them
    const keepTail = index === parts.length - 1 ? 0 : context * 2;
    if (words.length <= keepHead + keepTail + 2) {
      out += reveal(p.text);
      return;
    }
    out += `${reveal(words.slice(0, keepHead).join(''))}…${reveal(words.slice(words.length - keepTail).join(''))}`;
  });
  return out;
}

/** How much a diff changed, in words: for a line too long to show. */
export function diffSize(parts: readonly DiffPart[]): { added: number; removed: number } {
  const count = (op: DiffPart['op']) => parts.filter((p) => p.op === op).reduce((n, p) => n + tokens(p.text).filter((t) => t.trim()).length, 0);
  return { added: count('add'), removed: count('del') };
}
