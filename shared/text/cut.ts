// Text from peers may hold any UTF-16, lone surrogates included. Cutting with
// slice() can split a pair and leave one half, which canonical JSON (RFC 8785)
// refuses, so every cut and every record goes through these.
import { jsonText } from './json-text.ts';

/** The first `max` UTF-16 units of `text`, never ending in half of a surrogate pair. */
export function cutText(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = max;
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--; // a high surrogate whose partner would be cut off
  return text.slice(0, end);
}

/** `text` with every lone surrogate replaced by U+FFFD, so it can be hashed and canonicalized. */
export function wellFormed(text: string): string {
  return text.isWellFormed() ? text : text.toWellFormed();
}

/**
 * A JSON value with every string (keys included) made well-formed. Returns the same
 * object when nothing needed a change, so the common case allocates nothing.
 */
export function wellFormedDeep<T>(value: T): T {
  return fix(value, 0) as T;
}

/**
 * A lone surrogate as JSON.stringify writes it (`\ud800`: pairs are written as they are),
 * after an even run of backslashes, so an escaped backslash followed by "ud800" is not one.
 */
const LONE_ESCAPE = /(?<!\\)((?:\\\\)*)\\ud[89a-f][0-9a-f]{2}/g;

/**
 * Past 64 levels the walk goes through JSON text instead of the stack: an agent's
 * arguments nested deeper once kept their lone surrogates, which then stopped every
 * later audit record from being chained, and the data dir from starting (red team,
 * 2026-12-02). A value JSON.stringify cannot write is returned as it is.
 */
function fixDeep(value: unknown): unknown {
  const text = jsonText(value);
  if (text === undefined) return value;
  const fixed = text.replace(LONE_ESCAPE, '$1\\ufffd');
  return fixed === text ? value : (JSON.parse(fixed) as unknown);
}

function fix(value: unknown, depth: number): unknown {
  if (typeof value === 'string') return wellFormed(value);
  if (typeof value !== 'object' || value === null) return value;
  if (depth > 64) return fixDeep(value);
  if (Array.isArray(value)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const v = fix(value[i], depth + 1);
      if (v !== value[i]) (out ??= value.slice())[i] = v;
    }
    return out ?? value;
  }
  let changed = false;
  const entries: [string, unknown][] = [];
  for (const [k, v] of Object.entries(value)) {
    const key = wellFormed(k);
    const fixed = fix(v, depth + 1);
    if (key !== k || fixed !== v) changed = true;
    entries.push([key, fixed]);
  }
  if (!changed) return value;
  // Built with defineProperty semantics: a key named "__proto__" stays a plain key.
  const out: Record<string, unknown> = {};
  for (const [k, v] of entries) Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
  return out;
}
