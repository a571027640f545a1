// Decoders that undo the hiding tricks of tool poisoning before the rules judge
// the text: invisible Unicode (tag characters, zero-width, bidi controls,
// variation selectors), base64 and hex blobs, ANSI escapes, whitespace padding.
import { cutText } from '../text/cut.ts';

export interface HiddenFinding {
  rule: string;
  severity: 'low' | 'medium' | 'high' | 'critical';
  message: string;
  evidence: string;
  /** Text recovered from the hiding place, to be scanned again. */
  decoded?: string;
}

const TAG_START = 0xe0000;
const TAG_END = 0xe007f;
const ZERO_WIDTH = new Set([0x200b, 0x200c, 0x2060, 0x2061, 0x2062, 0x2063, 0x2064, 0xfeff, 0x180e, 0x00ad]);
const ZWJ = 0x200d;
const BIDI = new Set([0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2066, 0x2067, 0x2068, 0x2069, 0x200e, 0x200f, 0x061c]);
const isVariationSelector = (cp: number) => (cp >= 0xfe00 && cp <= 0xfe0f) || (cp >= 0xe0100 && cp <= 0xe01ef);
const isPictograph = (cp: number) =>
  (cp >= 0x1f000 && cp <= 0x1faff) ||
  (cp >= 0x2600 && cp <= 0x27bf) ||
  (cp >= 0x2190 && cp <= 0x21ff) ||
  (cp >= 0x2b00 && cp <= 0x2bff) ||
  cp === 0x20e3 ||
  (cp >= 0x1f1e6 && cp <= 0x1f1ff) ||
  (cp >= 0x2300 && cp <= 0x23ff) ||
  cp === 0xa9 ||
  cp === 0xae ||
  cp === 0x2122 ||
  cp === 0x3030 ||
  cp === 0x303d;

/** Shows an invisible code point as a labelled glyph, for evidence a person can read. */
export function visible(cp: number): string {
  return `⟦U+${cp.toString(16).toUpperCase().padStart(4, '0')}⟧`;
}

export function makeVisible(text: string): string {
  let out = '';
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    if (
      (cp >= TAG_START && cp <= TAG_END) ||
      ZERO_WIDTH.has(cp) ||
      cp === ZWJ ||
      BIDI.has(cp) ||
      isVariationSelector(cp) ||
      cp === 0x1b ||
      (cp < 0x20 && cp !== 0x0a && cp !== 0x09 && cp !== 0x0d)
    )
      out += visible(cp);
    else out += ch;
  }
  return out;
}

function snippet(text: string, index: number, length: number): string {
  const start = Math.max(0, index - 40);
  return makeVisible(text.slice(start, Math.min(text.length, index + length + 40)))
    .replace(/\s+/g, ' ')
    .trim();
}

/** The zero-width run holding text[at] has a space on one side of it (a run is zero-width characters in a row). */
function nextToSpace(text: string, at: number): boolean {
  const zw = (c: string | undefined) => c !== undefined && ZERO_WIDTH.has(c.codePointAt(0)!);
  let before = at - 1;
  while (before >= 0 && zw(text[before])) before--;
  let after = at + 1;
  while (after < text.length && zw(text[after])) after++;
  return /\s/.test(text[before] ?? '') || /\s/.test(text[after] ?? '');
}

/** Finds invisible characters; tag characters are decoded back to the ASCII they smuggle. */
export function scanInvisible(text: string): HiddenFinding[] {
  const findings: HiddenFinding[] = [];
  let tags = '';
  let tagAt = -1;
  const zeroWidth: number[] = [];
  const bidi: number[] = [];
  const selectors: number[] = [];
  const cps = Array.from(text, (c) => c.codePointAt(0)!);
  let offset = 0;
  for (let i = 0; i < cps.length; i++) {
    const cp = cps[i]!;
    if (cp >= TAG_START && cp <= TAG_END) {
      if (tagAt < 0) tagAt = offset;
      const ascii = cp - TAG_START;
      if (ascii >= 0x20 && ascii < 0x7f) tags += String.fromCharCode(ascii);
    } else if (ZERO_WIDTH.has(cp)) {
      zeroWidth.push(offset);
    } else if (cp === ZWJ) {
      // A joiner between pictographs builds an emoji; anywhere else it hides something.
      if (!(isPictograph(cps[i - 1] ?? 0) || isPictograph(cps[i + 1] ?? 0) || isVariationSelector(cps[i - 1] ?? 0))) zeroWidth.push(offset);
    } else if (BIDI.has(cp)) {
      bidi.push(offset);
    } else if (isVariationSelector(cp)) {
      // U+FE0F after a pictograph is ordinary emoji presentation.
      if (!(cp === 0xfe0f || cp === 0xfe0e) || !isPictograph(cps[i - 1] ?? 0)) selectors.push(offset);
    }
    offset += cp > 0xffff ? 2 : 1;
  }
  if (tagAt >= 0) {
    findings.push({
      rule: 'unicode-tag-characters',
      severity: 'critical',
      message: 'Contains invisible Unicode tag characters that smuggle text a person cannot see',
      evidence: `hidden text: "${tags.slice(0, 300)}"`,
      decoded: tags,
    });
  }
  if (zeroWidth.length > 0) {
    // Zero-width characters can also encode bits (ZWSP/ZWNJ as 0/1): try to read them.
    const bits = Array.from(text)
      .filter((c) => c === '\u200b' || c === '\u200c')
      .map((c) => (c === '\u200b' ? '0' : '1'))
      .join('');
    let decoded: string | undefined;
    if (bits.length >= 16 && bits.length % 8 === 0) {
      const bytes = bits.match(/.{8}/g)!.map((b) => Number.parseInt(b, 2));
      if (bytes.every((b) => b >= 0x20 && b < 0x7f)) decoded = String.fromCharCode(...bytes);
    }
    // Tenth round: a stray zero-width run beside a space ("How \u200b\u200bto obtain", pasted from a web page) splits no
    // word and hides nothing: the text reads the same without it. Inside a word ("ig\u200bnore"), against a
    // sentence's end, three or more, or bits that decode, it is what the rule is for.
    const besideSpace = zeroWidth.length <= 2 && !decoded && zeroWidth.every((at) => nextToSpace(text, at));
    findings.push({
      rule: 'zero-width-characters',
      severity: besideSpace ? 'low' : 'high',
      message: `Contains ${zeroWidth.length} zero-width character(s) that split or hide text`,
      evidence: decoded ? `decoded bits: "${decoded}"` : snippet(text, zeroWidth[0]!, 1),
      ...(decoded ? { decoded } : {}),
    });
  }
  if (bidi.length > 0) {
    findings.push({
      rule: 'bidi-control',
      severity: 'high',
      message: 'Contains bidirectional control characters that make text display differently from what it says',
      evidence: snippet(text, bidi[0]!, 1),
      decoded: reverseBidi(text),
    });
  }
  if (selectors.length > 2 || (selectors.length > 0 && cps.some((cp) => cp >= 0xe0100 && cp <= 0xe01ef))) {
    findings.push({
      rule: 'variation-selectors',
      severity: 'high',
      message: `Contains ${selectors.length} stray variation selector(s), a known way to encode hidden data`,
      evidence: snippet(text, selectors[0]!, 1),
    });
  }
  return findings;
}

/** What a right-to-left override makes a reader see: the overridden run reversed. */
function reverseBidi(text: string): string {
  return text.replace(/\u202e([^\u202c\u2069]*)/g, (_m, run: string) => Array.from(run).reverse().join(''));
}

// Padding marks a short blob as base64; unpadded, only a longer run is worth decoding.
// Runs start where a token starts (the lookbehind): the engine does not retry inside every word.
const BASE64 = /(?<![A-Za-z0-9+/_-])(?:(?:[A-Za-z0-9+/]{4}){2,}(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)|(?:[A-Za-z0-9+/]{4}){4,}|(?:[A-Za-z0-9_-]{4}){5,})/g;
const HEX = /\b(?:[0-9a-fA-F]{2}){4,}\b/g;
/** Escaped or spelled-out bytes: \x72\x6d, \u0072, %72%6d, &#x72;, 0x72 0x6d, 72 6d 20 2d, \162. */
const ESCAPES: [RegExp, (m: string) => string, string][] = [
  [/(?:\\x[0-9a-fA-F]{2}){4,}/g, (m) => bytes(m.match(/[0-9a-fA-F]{2}/g)!), 'hex escapes'],
  [/(?:\\u[0-9a-fA-F]{4}){4,}/g, (m) => String.fromCharCode(...m.match(/[0-9a-fA-F]{4}/g)!.map((h) => Number.parseInt(h, 16))), 'unicode escapes'],
  [/(?:%[0-9a-fA-F]{2}){4,}/g, (m) => bytes(m.match(/[0-9a-fA-F]{2}/g)!), 'percent-encoding'],
  [
    /(?:&#(?:x[0-9a-fA-F]{1,4}|\d{1,5});){4,}/g,
    (m) =>
      String.fromCharCode(...m.match(/&#(x?)([0-9a-fA-F]+);/g)!.map((e) => (e[2] === 'x' ? Number.parseInt(e.slice(3), 16) : Number.parseInt(e.slice(2), 10)))),
    'HTML character references',
  ],
  [/(?:\b0x[0-9a-fA-F]{2}\b[\s,]*){4,}/g, (m) => bytes(m.match(/(?<=0x)[0-9a-fA-F]{2}/g)!), 'hex bytes'],
  [/\b(?:[0-9a-fA-F]{2}[ :]){4,}[0-9a-fA-F]{2}\b/g, (m) => bytes(m.match(/[0-9a-fA-F]{2}/g)!), 'spaced hex'],
  [/(?:\\[0-3][0-7]{2}){4,}/g, (m) => String.fromCharCode(...m.match(/[0-7]{3}/g)!.map((o) => Number.parseInt(o, 8))), 'octal escapes'],
];
const bytes = (hex: string[]) => hex.map((h) => String.fromCharCode(Number.parseInt(h, 16))).join('');

function printableRatio(s: string): number {
  if (!s.length) return 0;
  let ok = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if ((c >= 0x20 && c < 0x7f) || c === 0x0a || c === 0x09 || c === 0x0d) ok++;
  }
  return ok / s.length;
}

function decodeBase64(s: string): string {
  const table = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  let bits = 0;
  let value = 0;
  let out = '';
  for (const raw of s) {
    if (raw === '=') break;
    const ch = raw === '-' ? '+' : raw === '_' ? '/' : raw;
    const v = table.indexOf(ch);
    if (v < 0) return '';
    value = ((value << 6) | v) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += String.fromCharCode((value >> bits) & 0xff);
    }
  }
  return out;
}

/**
 * Whether recovered bytes are something a model could read: all printable, and either
 * words (two of them) or a shell command. Random bytes, hashes and ids fail this.
 */
function readable(decoded: string): boolean {
  if (decoded.length < 4 || printableRatio(decoded) < (decoded.length < 24 ? 1 : 0.95)) return false;
  return /[a-z]{3,}\s+[a-z]{2,}/i.test(decoded) || shellCommand(decoded) !== undefined;
}

/** Base64, hex and escaped-byte runs that decode to readable text: the decoded text is returned for a second scan. */
export function scanEncoded(text: string): HiddenFinding[] {
  const findings: HiddenFinding[] = [];
  const found = (rule: string, what: string, decoded: string) => {
    const command = shellCommand(decoded);
    findings.push({
      rule,
      severity: command ? 'critical' : 'medium',
      decoded,
      message: command ? `Hides a shell command (${command}) in ${what}` : `Hides readable text in ${what}`,
      evidence: `decoded: "${makeVisible(decoded.slice(0, 300))}"`,
    });
  };
  // Each precheck's shortest match sets a length floor: most units (parameter names, enum values) are shorter.
  if (text.length >= 11 && /(?<![A-Za-z0-9+/_-])(?:[A-Za-z0-9+/_-]{16}|[A-Za-z0-9+/]{10,}=)/.test(text)) {
    for (const m of text.matchAll(BASE64)) {
      const blob = m[0];
      // Identifiers and paths are long runs of letters too; a real blob mixes cases and digits.
      if (!/[A-Z]/.test(blob) || !/[a-z]/.test(blob) || (blob.length < 24 && !/\d/.test(blob))) continue;
      const decoded = decodeBase64(blob);
      if (decoded.length >= 8 && readable(decoded)) found('encoded-base64', 'a base64 blob', decoded);
    }
  }
  if (text.length >= 8 && /(?<![0-9a-fA-F])[0-9a-fA-F]{8}/.test(text)) {
    for (const m of text.matchAll(HEX)) {
      const decoded = bytes(m[0].match(/../g)!);
      if (readable(decoded)) found('encoded-hex', 'a hex blob', decoded);
    }
  }
  if (/[\\%&]|0x|[0-9a-fA-F]{2}[ :][0-9a-fA-F]{2}[ :]/.test(text)) {
    for (const [re, decode, what] of ESCAPES) {
      for (const m of text.matchAll(re)) {
        const decoded = decode(m[0]);
        if (readable(decoded)) found('encoded-escapes', what, decoded);
      }
    }
  }
  // ROT13 is named by whoever uses it: undo it on the whole text when it is.
  if (/\brot-?13\b/i.test(text))
    findings.push({
      rule: 'encoded-rot13',
      severity: 'low',
      message: 'Mentions ROT13 and carries text to be rotated back',
      evidence: clip(text, 120),
      decoded: text.replace(/[a-z]/gi, (c) => String.fromCharCode(((c.toLowerCase().charCodeAt(0) - 97 + 13) % 26) + (c <= 'Z' ? 65 : 97))),
    });
  return findings;
}

const clip = (s: string, n: number) => makeVisible(s.length > n ? `${s.slice(0, n)}…` : s).replace(/\s+/g, ' ');

/**
 * A command that destroys, fetches-and-runs, or opens a shell to somewhere: what
 * an encoded payload is for. Returns the command as evidence, or undefined.
 */
const SHELL_COMMAND =
  /\brm\s+-[a-z]*[rf][a-z]*\s+\S+|\b(?:curl|wget|fetch)\b[^|;\n]{0,200}\|\s*(?:sudo\s+)?(?:ba|z|da)?sh\b|\b(?:nc|ncat|netcat)\s+(?:-\w+\s+)*(?:-e|-c)\b|\/dev\/tcp\/|\bbash\s+-i\b|\breverse[ -]shell\b|\bbind[ -]shell\b|\bmkfs(?:\.\w+)?\s|\bdd\s+if=|:\(\)\s*\{\s*:\|:&\s*\};:|\bchmod\s+(?:-R\s+)?[0-7]*7[0-7]{2}\b|\b(?:base64|b64)\s+(?:-d|--decode)\b[^\n]{0,40}\|\s*(?:ba)?sh\b|\bpowershell\b[^\n]{0,40}-(?:enc|e|encodedcommand)\b|\b(?:eval|exec)\s*\(|\bdrop\s+(?:table|database)\b|\bgit\s+push\s+(?:-f|--force)\b|\bsudo\s+\S+|\bshutdown\s+-|\bkillall\b|\bkill\s+-9\s+-?1\b|\bcrontab\s+-|\bssh-keygen\b|\bscp\s+\S+\s+\S+@/i;
export function shellCommand(text: string): string | undefined {
  return SHELL_COMMAND.exec(text)?.[0].trim();
}

const ANSI = /\u001b(?:\[[0-9;?]*[ -/]*[@-~]|\][^\u0007\u001b]*(?:\u0007|\u001b\\)|[@-Z\\-_])/g;

export function scanTerminalTricks(text: string): HiddenFinding[] {
  const findings: HiddenFinding[] = [];
  // Every escape sequence starts with ESC, and the shortest padding is 25 characters: most texts skip both patterns.
  const ansi = text.includes('\u001b') ? text.match(ANSI) : null;
  if (ansi) {
    findings.push({
      rule: 'ansi-escape',
      severity: 'high',
      message: 'Contains terminal escape sequences that can hide or rewrite text on screen',
      evidence: makeVisible(ansi.slice(0, 3).join(' ')),
      decoded: text.replace(ANSI, ''),
    });
  }
  const pad = text.length >= 25 ? /[ \t\u00a0\u3000]{150,}|(?:[ \t]*\n){25,}/.exec(text) : null;
  if (pad) {
    const after = text.slice(pad.index + pad[0].length).trim();
    findings.push({
      rule: 'whitespace-padding',
      severity: after.length > 0 ? 'medium' : 'low',
      message: `Pads ${pad[0].length} whitespace characters, pushing ${after.length ? 'text' : 'nothing'} out of view`,
      evidence: after.length ? `after the padding: "${cutText(after, 200)}"` : `${pad[0].length} characters of padding`,
      ...(after.length ? { decoded: after } : {}),
    });
  }
  return findings;
}
