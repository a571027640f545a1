// Splits text into plain runs and invisible or control characters, so a reviewer
// can be shown each hidden character as a labelled glyph.

export type VisiblePart = { text: string } | { codePoint: number; label: string };

const NAMES: Record<number, string> = {
  0x200b: 'ZERO WIDTH SPACE',
  0x200c: 'ZERO WIDTH NON-JOINER',
  0x200d: 'ZERO WIDTH JOINER',
  0x2060: 'WORD JOINER',
  0xfeff: 'ZERO WIDTH NO-BREAK SPACE',
  0x200e: 'LEFT-TO-RIGHT MARK',
  0x200f: 'RIGHT-TO-LEFT MARK',
  0x202a: 'LEFT-TO-RIGHT EMBEDDING',
  0x202b: 'RIGHT-TO-LEFT EMBEDDING',
  0x202c: 'POP DIRECTIONAL FORMATTING',
  0x202d: 'LEFT-TO-RIGHT OVERRIDE',
  0x202e: 'RIGHT-TO-LEFT OVERRIDE',
  0x2066: 'LEFT-TO-RIGHT ISOLATE',
  0x2067: 'RIGHT-TO-LEFT ISOLATE',
  0x2068: 'FIRST STRONG ISOLATE',
  0x2069: 'POP DIRECTIONAL ISOLATE',
  0x00ad: 'SOFT HYPHEN',
  0x180e: 'MONGOLIAN VOWEL SEPARATOR',
  0x1b: 'ESCAPE',
};

export function describeCodePoint(cp: number): string | undefined {
  if (NAMES[cp]) return NAMES[cp];
  if (cp >= 0xe0000 && cp <= 0xe007f)
    return `TAG ${cp >= 0xe0020 && cp < 0xe007f ? `'${String.fromCharCode(cp - 0xe0000)}'` : `U+${cp.toString(16).toUpperCase()}`}`;
  if ((cp >= 0xfe00 && cp <= 0xfe0f) || (cp >= 0xe0100 && cp <= 0xe01ef)) return 'VARIATION SELECTOR';
  if (cp < 0x20 && cp !== 0x0a && cp !== 0x09 && cp !== 0x0d) return 'CONTROL CHARACTER';
  return undefined;
}

export function splitInvisible(text: string): VisiblePart[] {
  const parts: VisiblePart[] = [];
  let run = '';
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    const label = describeCodePoint(cp);
    if (!label) {
      run += ch;
      continue;
    }
    if (run) {
      parts.push({ text: run });
      run = '';
    }
    parts.push({ codePoint: cp, label });
  }
  if (run) parts.push({ text: run });
  return parts;
}
