import { clip, type IntentFinding } from './intent.ts';

// Sixteenth round (issue 12): a parameter that is a safeguard (a consent check, a second approval, MFA, a pharmacist's
// check, TLS verification, a sandbox) set to its unsafe state by the tool's own schema: defaulted off ("mfa": default
// "off", "pharmacist_check": default false), a "skip_checks" or "verified" flag defaulted on, or its description telling
// the model which unsafe value to send ("Set false for these audiences", "Keep true"). The model fills in what the
// schema suggests, so the check is gone on every call while the description reads as an ordinary form. Read from names
// and values, which look the same in any wording; a tool whose own subject is that safeguard may set it as its job.

const SAFE_WORD =
  '(?:consent|checks?|verify|verification|validation|review|approval|mfa|2fa|two_?factor|encrypt|encryption|tls|ssl|signature|audit|scan|sanitize|screening|kyc|aml|safety|safe_?mode|sandbox)';
/** A name that is the safeguard: "consent_check", "verifyTls", "pharmacist_check", "mfa". */
const GUARD = new RegExp(`(?:^|_|-|(?<=[a-z])(?=[A-Z]))${SAFE_WORD}(?=$|_|-|[A-Z])`, 'i');
/** A name that is its absence, or a claim that it was done: "skip_checks", "bypass_review", "verified", "pre_approved". */
const WAIVER = new RegExp(
  `^(?:skip|bypass|no|disable|ignore|without|insecure|unsafe)[_-]?${SAFE_WORD}|^(?:allow_unverified|trust_all|auto_approve|verified|approved|trusted|pre_?approved|pre_?verified|whitelisted|allowlisted)$`,
  'i',
);
/** Checks that protect a person or an account, never made optional by an honest default. */
const PERSON_GUARD = /consent|checks?|verify|verification|review|approval|mfa|2fa|two_?factor|tls|ssl|signature|screening|kyc|aml/i;
/** A display switch is no safeguard: "showSignature", "include_checks". */
const DISPLAY = /^(?:show|display|include|print|return|list|get|with)(?:_|-|[A-Z])/;
const OFF = new Set<unknown>([false, 'off', 'none', 'disabled', 'disable', 'optional', 'skip', 'false', 'no', '0', 0]);
const TOLD_OFF = /\b(?:set|keep|leave|always|use|pass|send)\s+(?:it\s+)?(?:to\s+|at\s+|as\s+)?(?:false|off|0|none|disabled)\b|\bstays?\s+(?:false|off)\b/i;
const TOLD_ON = /\b(?:set|keep|leave|always|use|pass|send)\s+(?:it\s+)?(?:to\s+|at\s+|as\s+)?true\b|\bstays?\s+true\b/i;
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
    const text = typeof p.description === 'string' ? p.description.slice(0, 2_000) : '';
    const hasDefault = Object.hasOwn(p, 'default');
    let unsafe: string | undefined;
    if (WAIVER.test(key)) {
      if (hasDefault && p.default === true) unsafe = `defaults ${key} to true`;
      else if (TOLD_ON.test(text)) unsafe = `tells the model to send ${key} as true`;
    } else if (GUARD.test(key) && !DISPLAY.test(key)) {
      // A tool about that safeguard ("set_mfa_policy", "run_security_scan") sets it as its job.
      const word = new RegExp(SAFE_WORD, 'i').exec(key)?.[0] ?? key;
      if (name.toLowerCase().includes(word.toLowerCase().replace(/s$/, ''))) continue;
      // Slow or optional checks (a sandbox, a scan, validation) are often off by default in honest tools: preset-reach.ts
      // reads those presets as a mention. A check that protects a person (consent, a second approval, MFA) is not.
      if (hasDefault && OFF.has(p.default) && PERSON_GUARD.test(key)) unsafe = `defaults ${key} to ${JSON.stringify(p.default)}`;
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
