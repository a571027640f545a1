// Scrubs secrets from text on its way to a model, a log, an error or an audit
// record. All held values are folded into one alternation, so a result is scanned
// once whatever the number of secrets; JSON-escaped forms are included, because a
// result is redacted as the JSON text that goes to the agent.

export interface HeldSecret { label: string; value: string }

/** Values shorter than this are not redacted: they would match ordinary text. */
export const MIN_SECRET_LENGTH = 6;

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export class Redactor {
  private readonly pattern: RegExp | undefined;
  private readonly labels = new Map<string, string>();

  constructor(secrets: readonly HeldSecret[]) {
    const forms: string[] = [];
    for (const { label, value } of secrets) {
      if (value.length < MIN_SECRET_LENGTH) continue;
      const jsonForm = JSON.stringify(value).slice(1, -1);
      for (const form of new Set([value, jsonForm])) {
        this.labels.set(form, label);
        forms.push(form);
      }
    }
    // Longest first, so a secret that contains another is replaced whole.
    forms.sort((a, b) => b.length - a.length);
    this.pattern = forms.length ? new RegExp(forms.map(escapeRegExp).join('|'), 'g') : undefined;
  }

  get empty(): boolean { return this.pattern === undefined; }

  redact(text: string): string {
    if (!this.pattern) return text;
    this.pattern.lastIndex = 0;
    if (!this.pattern.test(text)) return text;
    this.pattern.lastIndex = 0;
    return text.replace(this.pattern, (m) => `[REDACTED:${this.labels.get(m) ?? 'secret'}]`);
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
    out = out.replace(re, (m, prefix?: string) => (label === 'bearer' || label === 'api-key-assignment') && prefix ? `${prefix}${label === 'bearer' ? ' ' : ''}[REDACTED:${label}]` : `[REDACTED:${label}]`);
  }
  return out;
}
