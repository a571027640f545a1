// JSON.parse of a huge line, in slices. A server's 20,000-tool `tools/list` page is a 6 MB
// line, and one JSON.parse of it held the daemon's loop for 25-60 ms, during which no call
// to any other server was served. This parser splits the big objects and arrays along their
// members (a scan that knows strings and nesting), hands each small piece to JSON.parse, and
// gives the loop back between slices. For every input it answers what JSON.parse answers:
// the same value (own `__proto__` keys, duplicate keys' last value in the first key's place)
// or an error; the test holds it to that on random and broken JSON.

/** A piece at most this long is handed to JSON.parse whole. */
const PIECE = 64 * 1024;
/** Characters scanned between looks at the clock. */
const SCAN_STEP = 256 * 1024;
/**
 * Containers split below this depth; deeper ones go to JSON.parse whole. Each split level scans its members
 * once more, so `[[[[…]]]]` a megabyte deep cost a scan per level (it ran for minutes); a tool list needs three.
 */
const MAX_SPLIT_DEPTH = 8;

export interface SlicedOptions {
  /** How long one slice may run before the loop gets a turn; default 4 ms. */
  sliceMs?: number;
  /** Tests make pieces and scan steps tiny, so every path is taken on small inputs. */
  piece?: number;
  scanStep?: number;
  /** How the loop gets its turn (tests count them); default setImmediate. */
  yieldTurn?: () => Promise<void>;
}

const Q = 0x22; // "
const BS = 0x5c; // \
const LB = 0x5b; // [
const RB = 0x5d; // ]
const LC = 0x7b; // {
const RC = 0x7d; // }
const COMMA = 0x2c;
const COLON = 0x3a;
const isSpace = (c: number) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;

const invalid = (at: number) => new SyntaxError(`Unexpected token in JSON at position ${at}`);

export function parseSliced(text: string, opts: SlicedOptions = {}): Promise<unknown> {
  return new SlicedParse(text, opts).value(0, text.length);
}

/** The end (exclusive) of the string whose opening quote is at `at` in `text`. */
function stringEnd(text: string, at: number, end: number): number {
  let i = at + 1;
  while (i < end) {
    const c = text.charCodeAt(i);
    if (c === Q) return i + 1;
    i += c === BS ? 2 : 1;
  }
  throw invalid(at);
}

/**
 * Scans on from `st.i` to at most `limit` for the end of a value: the first `,` or closer at its own level.
 * Resumable (the state carries the position and depth), so one member of several megabytes is scanned over
 * several slices. Returns -1 when `limit` came first.
 */
function scanEnd(text: string, st: { i: number; depth: number }, limit: number): number {
  let { i, depth } = st;
  while (i < limit) {
    const c = text.charCodeAt(i);
    if (c === Q) {
      i = stringEnd(text, i, text.length);
      continue;
    }
    if (c === LB || c === LC) depth++;
    else if (c === RB || c === RC) {
      if (depth === 0) return i;
      depth--;
    } else if (c === COMMA && depth === 0) return i;
    i++;
  }
  st.i = i;
  st.depth = depth;
  return -1;
}

function skip(text: string, i: number, end: number): number {
  while (i < end && isSpace(text.charCodeAt(i))) i++;
  return i;
}

class SlicedParse {
  private readonly text: string;
  private readonly sliceMs: number;
  private readonly piece: number;
  private readonly scanStep: number;
  private readonly yieldTurn: () => Promise<void>;
  private sliceStart = performance.now();

  constructor(text: string, opts: SlicedOptions) {
    this.text = text;
    this.sliceMs = opts.sliceMs ?? 4;
    this.piece = opts.piece ?? PIECE;
    this.scanStep = opts.scanStep ?? SCAN_STEP;
    this.yieldTurn = opts.yieldTurn ?? (() => new Promise<void>((resolve) => setImmediate(resolve)));
  }

  private async breathe(): Promise<void> {
    if (performance.now() - this.sliceStart < this.sliceMs) return;
    await this.yieldTurn();
    this.sliceStart = performance.now();
  }

  private async valueEnd(at: number, end: number): Promise<number> {
    const st = { i: at, depth: 0 };
    for (;;) {
      const found = scanEnd(this.text, st, Math.min(end, st.i + this.scanStep));
      if (found >= 0) return found;
      if (st.i >= end) return end;
      await this.breathe();
    }
  }

  /** The value in [start, end), which holds nothing else but white space. */
  async value(start: number, end: number, depth = 0): Promise<unknown> {
    const text = this.text;
    start = skip(text, start, end);
    while (end > start && isSpace(text.charCodeAt(end - 1))) end--;
    const open = text.charCodeAt(start);
    if (end - start <= this.piece || (open !== LB && open !== LC) || depth >= MAX_SPLIT_DEPTH) return JSON.parse(text.slice(start, end));
    if (text.charCodeAt(end - 1) !== (open === LB ? RB : RC)) throw invalid(end - 1);
    const inner = end - 1;
    const out: unknown[] | Record<string, unknown> = open === LB ? [] : {};
    let i = skip(text, start + 1, inner);
    if (i === inner) return out;
    for (;;) {
      await this.breathe();
      let key: string | undefined;
      if (open === LC) {
        if (text.charCodeAt(i) !== Q) throw invalid(i);
        const keyEnd = stringEnd(text, i, inner);
        key = JSON.parse(text.slice(i, keyEnd)) as string;
        i = skip(text, keyEnd, inner);
        if (text.charCodeAt(i) !== COLON) throw invalid(i);
        i = skip(text, i + 1, inner);
      }
      const stop = await this.valueEnd(i, inner);
      // A closer at this level before the container's own end: the container ended early.
      if (stop < inner && text.charCodeAt(stop) !== COMMA) throw invalid(stop);
      // JSON.parse allows the white space around a small piece itself, and refuses an empty one (`[1,]`, `[1,,2]`).
      const v = stop - i <= this.piece ? JSON.parse(text.slice(i, stop)) : await this.value(i, stop, depth + 1);
      if (key === undefined) (out as unknown[]).push(v);
      // As JSON.parse makes them: an own data property, `__proto__` included.
      else Object.defineProperty(out, key, { value: v, writable: true, enumerable: true, configurable: true });
      if (stop === inner) return out;
      i = skip(text, stop + 1, inner);
    }
  }
}
