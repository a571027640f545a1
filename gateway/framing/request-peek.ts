// Reads a JSON-RPC line's top-level "method" and "id" without building it: one pass
// over the bytes that checks the JSON is well formed and copies out only those two
// values. For relays that must track requests but not read them (the stdio bridge):
// a tools/call's arguments can be megabytes, and the SDK writes "id" after "params".
// Anything outside the plain cases (a batch, an escape inside the method or a string
// id, a number written as 1.0 or 1e3) is left to JSON.parse: `undefined` says so.

/** What a line is, as far as request tracking goes. */
export interface RequestPeek {
  /** The method when it is a plain string; null when absent. */
  method: string | null;
  /** The id as canonical JSON text (`7`, `"abc"`), as a relay's answers carry it; null when absent or null. */
  id: string | null;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const HEX_DIGIT = new Uint8Array(256);
for (const c of '0123456789abcdefABCDEF') HEX_DIGIT[c.charCodeAt(0)] = 1;
const SIMPLE_ESCAPE = new Uint8Array(256);
for (const c of '"\\/bfnrt') SIMPLE_ESCAPE[c.charCodeAt(0)] = 1;
// -0 is left out: JSON.stringify writes it as 0.
const PLAIN_INTEGER = /^(?:0|-?[1-9]\d{0,14})$/;
const NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;
/** Byte classes: 1 for JSON whitespace, 2 for what ends a bare token (whitespace too). */
const CLASS = new Uint8Array(256);
for (const c of [0x20, 0x09, 0x0a, 0x0d]) CLASS[c] = 3;
for (const c of ',:]}') CLASS[c.charCodeAt(0)] = 2;
const isSpace = (c: number) => (CLASS[c]! & 1) !== 0;
const endsToken = (c: number) => CLASS[c]! !== 0;

class Bad extends Error {}

/** A cursor over one line's bytes. */
class Scan {
  at = 0;
  readonly b: Uint8Array;
  constructor(b: Uint8Array) {
    this.b = b;
  }

  space(): void {
    while (this.at < this.b.length && isSpace(this.b[this.at]!)) this.at++;
  }

  expect(byte: number): void {
    this.space();
    if (this.b[this.at] !== byte) throw new Bad();
    this.at++;
  }

  /** Skips a string (at its opening quote); true when it held an escape. */
  string(): boolean {
    const b = this.b;
    if (b[this.at] !== QUOTE) throw new Bad();
    let escaped = false;
    const n = b.length;
    for (let i = this.at + 1; i < n; i++) {
      const c = b[i]!;
      if (c > BACKSLASH || (c > QUOTE && c !== BACKSLASH)) continue;
      if (c === QUOTE) {
        this.at = i + 1;
        return escaped;
      }
      if (c < 0x20) throw new Bad();
      if (c === BACKSLASH) {
        escaped = true;
        i = this.escape(i + 1);
      }
    }
    throw new Bad();
  }

  /** Checks the escape whose letter is at `i`; returns the index of its last byte. */
  private escape(i: number): number {
    const e = this.b[i];
    if (e === 0x75) {
      for (let k = i + 1; k <= i + 4; k++) if (!HEX_DIGIT[this.b[k] ?? 0]) throw new Bad();
      return i + 4;
    }
    if (e === undefined || !SIMPLE_ESCAPE[e]) throw new Bad();
    return i;
  }

  /** Skips any value; returns its kind. */
  value(depth: number): 'string' | 'number' | 'literal' | 'container' {
    this.space();
    const c = this.b[this.at];
    if (c === QUOTE) {
      this.string();
      return 'string';
    }
    if (c === 0x7b || c === 0x5b) {
      if (depth > 512) throw new Bad();
      this.container(c === 0x7b, depth + 1);
      return 'container';
    }
    const start = this.at;
    while (this.at < this.b.length && !endsToken(this.b[this.at]!)) this.at++;
    const token = Buffer.from(this.b.buffer, this.b.byteOffset + start, this.at - start).toString('latin1');
    if (token === 'true' || token === 'false' || token === 'null') return 'literal';
    if (NUMBER.test(token)) return 'number';
    throw new Bad();
  }

  /** Skips an object or array's members (at its opening bracket). */
  container(object: boolean, depth: number): void {
    this.at++;
    this.space();
    const close = object ? 0x7d : 0x5d;
    if (this.b[this.at] === close) {
      this.at++;
      return;
    }
    for (;;) {
      if (object) {
        this.space();
        this.string();
        this.expect(0x3a);
      }
      this.value(depth);
      this.space();
      const c = this.b[this.at++];
      if (c === close) return;
      if (c !== 0x2c) throw new Bad();
    }
  }

  text(from: number, to: number): string {
    return Buffer.from(this.b.buffer, this.b.byteOffset + from, to - from).toString('utf8');
  }
}

/** The line's method and id, or undefined when only JSON.parse can tell (or the line is not JSON). */
export function peekRequest(line: Uint8Array): RequestPeek | undefined {
  const s = new Scan(line);
  try {
    s.space();
    if (line[s.at] !== 0x7b) return undefined;
    s.at++;
    const out: RequestPeek = { method: null, id: null };
    s.space();
    if (line[s.at] === 0x7d) s.at++;
    else
      for (;;) {
        s.space();
        const keyStart = s.at;
        if (s.string()) return undefined; // an escaped key might spell "id"
        const key = s.text(keyStart + 1, s.at - 1);
        s.expect(0x3a);
        s.space();
        const valueStart = s.at;
        const kind = s.value(1);
        if (key === 'method' || key === 'id') {
          const raw = s.text(valueStart, s.at);
          const v = key === 'method' ? methodOf(kind, raw) : idOf(kind, raw);
          if (v === undefined) return undefined;
          out[key] = v;
        }
        s.space();
        const c = line[s.at++];
        if (c === 0x7d) break;
        if (c !== 0x2c) return undefined;
      }
    s.space();
    return s.at === line.length ? out : undefined;
  } catch (err) {
    if (err instanceof Bad) return undefined;
    throw err;
  }
}

// Without escapes a string's wire form is the one JSON.stringify writes; with them, ask JSON.parse.
function methodOf(kind: string, raw: string): string | null | undefined {
  if (kind !== 'string') return null;
  return raw.includes('\\') ? undefined : raw.slice(1, -1);
}

function idOf(kind: string, raw: string): string | null | undefined {
  if (kind === 'string') return raw.includes('\\') ? undefined : raw;
  if (kind === 'number') return PLAIN_INTEGER.test(raw) ? raw : undefined;
  return null;
}
