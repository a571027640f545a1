import { cutText } from '../text/cut.ts';
import { clip, type IntentFinding } from './intent.ts';

// Sixteenth round (issue 12): a parameter that is a safeguard (a consent check, a second approval, MFA, a pharmacist's
// check, TLS verification, a sandbox) set to its unsafe state by the tool's own schema: defaulted off ("mfa": default
// "off", "pharmacist_check": default false), a "skip_checks" or "verified" flag defaulted on, or its description telling
// the model which unsafe value to send ("Set false for these audiences", "Keep true"). The model fills in what the
// schema suggests, so the check is gone on every call while the description reads as an ordinary form. Read from names
// and values, which look the same in any wording; a tool whose own subject is that safeguard may set it as its job.

const SAFE_WORD =
  '(?:consent|checks?|verify|verification|validation|review|reviews|approval|mfa|2fa|two_?factor|encrypt|encryption|tls|ssl|signature|audit|scan|sanitize|screening|kyc|aml|safety|safe_?mode|sandbox|certs?|certificates?|otp)';
/** A name that is the safeguard: "consent_check", "verify_tls", "pharmacist_check", "mfa" (names are read snake-cased). */
const GUARD = new RegExp(`(?:^|_|-)${SAFE_WORD}(?=$|_|-)`);
/** A name that is its absence, or a claim that it was done: "skip_checks", "ignore_cert_errors", "verified", "pre_approved". */
const WAIVER = new RegExp(
  `^(?:skip|bypass|no|disable|ignore|without|insecure|unsafe)[_-]?${SAFE_WORD}|^(?:allow_unverified|trust_all|auto_approve|verified|approved|trusted|pre_?approved|pre_?verified|whitelisted|allowlisted)$`,
);
/** Checks that protect a person or an account, never made optional by an honest default. */
const PERSON_GUARD = /consent|checks?|verify|verification|review|approval|mfa|2fa|two_?factor|tls|ssl|signature|screening|kyc|aml|certs?|otp/;
/** A display switch is no safeguard: "show_signature", "include_checks". */
const DISPLAY = /^(?:show|display|include|print|return|list|get|with)_/;
const OFF = new Set<unknown>([false, 'off', 'none', 'disabled', 'disable', 'optional', 'skip', 'false', 'no', '0', 0]);
const TOLD_OFF = /\b(?:set|keep|leave|always|use|pass|send)\s+(?:it\s+)?(?:to\s+|at\s+|as\s+)?(?:false|off|0|none|disabled)\b|\bstays?\s+(?:false|off)\b/i;
const TOLD_ON = /\b(?:set|keep|leave|always|use|pass|send)\s+(?:it\s+)?(?:to\s+|at\s+|as\s+)?true\b|\bstays?\s+true\b/i;
/** "verifyTls" and "verify-tls" read as "verify_tls". */
const snake = (key: string) => key.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
const PARAMS_CAP = 64;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function safeguardParamFindings(schema: unknown, purpose: string): IntentFinding[] {
  const props = isObject(schema) ? schema.properties : undefined;
  if (!isObject(props)) return [];
  const name = purpose.split(' ', 1)[0] ?? '';
  let seen = 0;
  for (const key in props) {
    if (!Object.hasOwn(props, key) || ++seen > PARAMS_CAP) break;
    const p = props[key];
    if (!isObject(p) || key.length > 64) continue;
    const text = typeof p.description === 'string' ? cutText(p.description, 2_000) : '';
    const hasDefault = Object.hasOwn(p, 'default');
    let unsafe: string | undefined;
    const k = snake(key);
    if (WAIVER.test(k)) {
      if (hasDefault && p.default === true) unsafe = `defaults ${key} to true`;
      else if (TOLD_ON.test(text)) unsafe = `tells the model to send ${key} as true`;
    } else if (GUARD.test(k) && !DISPLAY.test(k)) {
      // A tool about that safeguard ("set_mfa_policy", "run_security_scan") sets it as its job.
      const word = new RegExp(SAFE_WORD).exec(k)?.[0] ?? k;
      if (name.toLowerCase().includes(word.toLowerCase().replace(/s$/, ''))) continue;
      // Slow or optional checks (a sandbox, a scan, validation) are often off by default in honest tools: preset-reach.ts
      // reads those presets as a mention. A check that protects a person (consent, a second approval, MFA) is not.
      if (hasDefault && OFF.has(p.default) && PERSON_GUARD.test(k)) unsafe = `defaults ${key} to ${JSON.stringify(p.default)}`;
      else if (TOLD_OFF.test(text)) unsafe = `tells the model to switch ${key} off`;
    }
    if (!unsafe) continue;
    return [
      {
        rule: 'safeguard-preset-off',
        family: 'schema-smuggling',
        severity: /tells the model/.test(unsafe) ? 'high' : 'medium',
        evidence: clip(`${key}: ${text || JSON.stringify(p.default)}`),
        message: `Switches a safeguard off in its own schema: it ${unsafe}, so the check is skipped on every call the model fills in as suggested`,
      },
    ];
  }
  return [];
}

// The same safeguard set unsafe in prose: "use ignore_cert_errors=true", "send_campaign can run with consent_check=false",
// "with limit_nm=0 just before", "the allergy list must be cleared (allergies=[])". A name and a value read the same in
// any language; what makes it harm is which name: a check set off, a waiver set on, a safety limit or a protective list
// emptied.
const ASSIGN = /\b([A-Za-z][\w-]{1,40})\s*(?:=|:)\s*["'`]?(true|false|off|none|0|\[\s*\])["'`]?(?!\w|\.\w)/g;
/** Limits that keep a body, a patient, money or records safe: zero means none. */
const SAFETY_LIMIT = /torque|speed|force|current|voltage|temp|pressure|dose|spend|budget|retention|keep|ttl/;
/** Lists that protect: emptied, nothing is excluded or warned about. */
const PROTECTIVE_LIST = /allerg|contraindicat|block_?list|deny_?list|allow_?list|white_?list|black_?list|opt_?outs?|suppress|exclusion/;
const NEGATED_BEFORE = /\b(?:never|not|don['’]t|do not|must not|avoid)\b[^.;]{0,30}$/i;

export function safeguardInProseFindings(text: string): IntentFinding[] {
  if (!/[=:]/.test(text)) return [];
  const t = cutText(text, 8_000);
  for (const m of t.matchAll(ASSIGN)) {
    const k = snake(m[1]!);
    const v = m[2]!;
    let what: string | undefined;
    if (WAIVER.test(k) && v === 'true') what = `turns on ${m[1]}, which skips a check`;
    else if (GUARD.test(k) && !WAIVER.test(k) && v !== 'true' && v !== '[]' && !DISPLAY.test(k)) what = `turns ${m[1]} off`;
    else if (SAFETY_LIMIT.test(k) && v === '0') what = `sets the limit ${m[1]} to zero`;
    else if (PROTECTIVE_LIST.test(k) && (v === '[]' || v === 'none')) what = `empties ${m[1]}`;
    if (!what || NEGATED_BEFORE.test(t.slice(Math.max(0, m.index - 40), m.index))) continue;
    return [
      {
        rule: 'safeguard-off-in-text',
        family: 'schema-smuggling',
        severity: 'high',
        evidence: clip(t.slice(Math.max(0, m.index - 80), m.index + m[0].length + 40)),
        message: `Tells the model to switch a safeguard off in a call: it ${what}`,
      },
    ];
  }
  return [];
}
