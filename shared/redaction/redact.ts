// Scrubs secrets from text on its way to a model, a log, an error or an audit
// record. Every held value is looked for in each form a server could hand it back
// in: as is, JSON-escaped (a result is redacted as the JSON text that goes to the
// agent), base64 and base64url at each of the three alignments it can sit at inside
// a longer blob, hex in either case, and percent-encoded. That is about ten forms a
// secret, so one regex alternation would scan ten times slower; a rolling hash over
// the first few characters of every form finds candidates in one pass whatever the
// number of forms, and only candidates are compared.

import { toBase64 } from '../signing/ed25519.ts';

export interface HeldSecret {
  label: string;
  value: string;
}

/** Values shorter than this are not redacted: they would match ordinary text. */
export const MIN_SECRET_LENGTH = 6;

/**
 * Characters hashed per position. No form is shorter: the shortest secret's base64
 * at an offset keeps 7 characters, its hex 12.
 */
const WINDOW = 6;
const BASE = 0x01000193;
// BASE^(WINDOW-1) mod 2^32: what the character leaving the window contributed.
const BASE_OUT = (() => {
  let p = 1;
  for (let i = 1; i < WINDOW; i++) p = Math.imul(p, BASE);
  return p;
})();
const FILTER_BITS = 18;

const utf8 = new TextEncoder();
const hexDigits = (bytes: Uint8Array) => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');

/**
 * The characters of base64(prefix + bytes) that depend only on `bytes`, for each
 * prefix length 0, 1 and 2: which of the three a secret gets depends on where it
 * starts in the encoded blob. The characters that straddle a neighbouring byte are
 * dropped, since they change with whatever surrounds the secret.
 */
function base64Alignments(bytes: Uint8Array): string[] {
  const out: string[] = [];
  for (let offset = 0; offset < 3; offset++) {
    const padded = new Uint8Array(offset + bytes.length);
    padded.set(bytes, offset);
    const encoded = toBase64(padded);
    const first = Math.ceil((offset * 8) / 6);
    const last = Math.floor((padded.length * 8) / 6);
    out.push(encoded.slice(first, last));
  }
  return out;
}

/** Every form of `value` worth looking for, the value itself first. */
export function encodedForms(value: string): string[] {
  const bytes = utf8.encode(value);
  const forms = [value, JSON.stringify(value).slice(1, -1)];
  for (const b64 of base64Alignments(bytes)) forms.push(b64, b64.replace(/\+/g, '-').replace(/\//g, '_'));
  const hex = hexDigits(bytes);
  forms.push(hex, hex.toUpperCase());
  // encodeURIComponent leaves lone surrogates unencodable; such a value has no
  // percent form a server could produce either.
  try {
    const pct = encodeURIComponent(value);
    forms.push(
      pct,
      pct.replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase()),
      new URLSearchParams({ v: value }).toString().slice(2),
    );
  } catch {
    /* see above */
  }
  return [...new Set(forms)].filter((f) => f.length >= WINDOW);
}

function windowHash(text: string, at: number): number {
  let h = 0;
  for (let i = at; i < at + WINDOW; i++) h = (Math.imul(h, BASE) + text.charCodeAt(i)) | 0;
  return h;
}

/** The first position at or after `from` whose window's bucket is set, or -1. */
function nextCandidate(text: string, from: number, filter: Uint32Array): number {
  const end = text.length - WINDOW;
  if (from > end) return -1;
  let h = windowHash(text, from);
  for (let i = from; ; i++) {
    const bucket = h >>> (32 - FILTER_BITS);
    if ((filter[bucket >>> 5]! & (1 << (bucket & 31))) !== 0) return i;
    if (i === end) return -1;
    h = (Math.imul((h - Math.imul(text.charCodeAt(i), BASE_OUT)) | 0, BASE) + text.charCodeAt(i + WINDOW)) | 0;
  }
}

interface Form {
  text: string;
  label: string;
}

export class Redactor {
  /** One bit per hash bucket: a clear bit means no form starts here. */
  private readonly filter = new Uint32Array(1 << (FILTER_BITS - 5));
  /** Forms by the hash of their first WINDOW characters, longest first. */
  private readonly byHash = new Map<number, Form[]>();

  constructor(secrets: readonly HeldSecret[]) {
    for (const { label, value } of secrets) {
      if (value.length < MIN_SECRET_LENGTH) continue;
      for (const text of encodedForms(value)) {
        const h = windowHash(text, 0);
        const bucket = h >>> (32 - FILTER_BITS);
        this.filter[bucket >>> 5]! |= 1 << (bucket & 31);
        const list = this.byHash.get(h);
        if (list) list.push({ text, label });
        else this.byHash.set(h, [{ text, label }]);
      }
    }
    // Longest first, so a secret that contains another is replaced whole.
    for (const list of this.byHash.values()) list.sort((a, b) => b.text.length - a.text.length);
  }

  get empty(): boolean {
    return this.byHash.size === 0;
  }

  redact(text: string): string {
    if (this.byHash.size === 0) return text;
    let out = '';
    let copied = 0;
    for (let at = nextCandidate(text, 0, this.filter); at >= 0;) {
      const form = this.matchAt(text, at);
      if (!form) {
        at = nextCandidate(text, at + 1, this.filter);
        continue;
      }
      out += `${text.slice(copied, at)}[REDACTED:${form.label}]`;
      copied = at + form.text.length;
      at = nextCandidate(text, copied, this.filter);
    }
    return copied === 0 ? text : out + text.slice(copied);
  }

  private matchAt(text: string, at: number): Form | undefined {
    const list = this.byHash.get(windowHash(text, at));
    if (list) for (const form of list) if (text.startsWith(form.text, at)) return form;
    return undefined;
  }
}

/**
 * Well-known credential shapes, for text Gatehouse records (audit parameters,
 * logs) rather than text a tool legitimately returns: private keys, cloud keys,
 * GitHub and Slack tokens, JWTs and bearer headers.
 */
const SHAPES: [string, RegExp][] = [
  ['private-key', /-----BEGIN (?:[A-Z ]+ )?PRIVATE KEY-----[\s\S]*?-----END (?:[A-Z ]+ )?PRIVATE KEY-----/g],
  ['aws-access-key', /\b(?:AKIA|ASIA|ABIA|ACCA)[0-9A-Z]{16}\b/g],
  ['github-token', /\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{40,})\b/g],
  ['slack-token', /\bxox[abposr]-[A-Za-z0-9-]{10,}\b/g],
  ['jwt', /\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\b/g],
  ['bearer', /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{12,}/g],
  ['api-key-assignment', /\b((?:api[_-]?key|secret|password|passwd|token)["']?\s*[:=]\s*["']?)[^\s"',;]{8,}/gi],
];

export function redactShapes(text: string): string {
  let out = text;
  for (const [label, re] of SHAPES) {
    out = out.replace(re, (m, prefix?: string) =>
      (label === 'bearer' || label === 'api-key-assignment') && prefix ? `${prefix}${label === 'bearer' ? ' ' : ''}[REDACTED:${label}]` : `[REDACTED:${label}]`,
    );
  }
  return out;
}
