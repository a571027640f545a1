import { cutText } from '../text/cut.ts';
import { clip, type IntentFinding } from './intent.ts';
import { isObject } from './top-level.ts';

// Sixteenth round (issue 12): a parameter that is a safeguard (a consent check, a second approval, MFA, a pharmacist's
// check, TLS verification, a sandbox) set to its unsafe state by the tool's own schema: defaulted off ("mfa": default
// "off", "pharmacist_check": default false), a "skip_checks" or "verified" flag defaulted on, or its description telling
// the model which unsafe value to send ("Set false for these audiences", "Keep true"). The model fills in what the
// schema suggests, so the check is gone on every call while the description reads as an ordinary form. Read from names
// and values, which look the same in any wording; a tool whose own subject is that safeguard may set it as its job.

const SAFE_WORD =
  '(?:consent|checks?|verify|verification|validation|review|reviews|approval|approvals|four_eyes|mfa|2fa|two_?factor|encrypt|encryption|tls|ssl|signature|audit|scan|sanitize|screening|kyc|aml|safety|safe_?mode|sandbox|certs?|certificates?|otp)';
/** A name that is the safeguard: "consent_check", "verify_tls", "pharmacist_check", "mfa" (names are read snake-cased). */
const GUARD = new RegExp(`(?:^|_|-)${SAFE_WORD}(?=$|_|-)`);
/** A name that is its absence, or a claim that it was done: "skip_checks", "ignore_cert_errors", "verified", "pre_approved". */
/** Names that claim the check was done: as a read's filter they are honest. */
const WAIVER_CLAIM = /^(?:verified|approved|trusted|pre_?approved|pre_?verified|whitelisted|allowlisted)$/;
const WAIVER = new RegExp(
  `^(?:skip|bypass|no|disable|ignore|without|insecure|unsafe|waive)[_-]?(?:${SAFE_WORD}|four_eyes|second_approval)|^(?:allow_unverified|trust_all|auto_approve)$|${WAIVER_CLAIM.source}`,
);
/** Checks that protect a person or an account, never made optional by an honest default. */
const PERSON_GUARD = new RegExp(
  `(?:^|_)(?:consent|approvals?|four_eyes|second_approver|mfa|2fa|two_factor|kyc|aml|screening|fraud|sanctions?|pharmacist|age_check|id_check|identity_check)(?=$|_)|${'(?:verify|verification|check)_(?:tls|ssl|certs?|certificates?)|(?:tls|ssl|certs?|certificates?)_(?:verify|verification|check)|reject_unauthorized'}`,
);
/** A read's parameters are filters ("verified: pass true to list only verified accounts"), not settings of a safeguard. */
const READ_NAME = /^(?:list|search|get|find|show|query|count|fetch|lookup|browse)(?:_|$)/;
const FILTER_TEXT = /\b(?:only|filter\w*|list(?:s|ing)?|return(?:s|ing)?|matching|show(?:s|ing)?)\b/i;
/** A display switch is no safeguard: "show_signature", "include_checks". */
const DISPLAY = /^(?:show|display|include|print|return|list|get|with)_/;
const OFF = new Set<unknown>([false, 'off', 'none', 'disabled', 'disable', 'optional', 'skip', 'false', 'no', 'never', '0', 0]);
const TOLD_OFF =
  /\b(?:set|keep|leave|always|use|pass|send|should be|must be|is to be)\s+(?:it\s+)?(?:to\s+|at\s+|as\s+)?(?:false|off|0|none|disabled)\b|\bstays?\s+(?:false|off)\b/i;
const TOLD_ON = /\b(?:set|keep|leave|always|use|pass|send)\s+(?:it\s+)?(?:to\s+|at\s+|as\s+)?true\b|\bstays?\s+true\b/i;
/** "verifyTls" and "verify-tls" read as "verify_tls". */
const snake = (key: string) => key.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
const PARAMS_CAP = 64;

/**
 * The parameters a model fills in, one object level deep ("options": { "consent_check": … }), at most PARAMS_CAP of them;
 * keys are cut, not skipped, so a long name cannot hide a safeguard.
 */
function parameters(props: Record<string, unknown>): [string, Record<string, unknown>][] {
  const out: [string, Record<string, unknown>][] = [];
  const add = (from: Record<string, unknown>, nested: boolean) => {
    for (const key in from) {
      if (out.length >= PARAMS_CAP) return;
      const p = Object.hasOwn(from, key) ? from[key] : undefined;
      if (!isObject(p)) continue;
      out.push([cutText(key, 128), p]);
      if (!nested && isObject(p.properties)) add(p.properties, true);
    }
  };
  add(props, false);
  return out;
}

export function safeguardParamFindings(schema: unknown, purpose: string): IntentFinding[] {
  const props = isObject(schema) ? schema.properties : undefined;
  if (!isObject(props)) return [];
  const name = purpose.split(' ', 1)[0] ?? '';
  for (const [key, p] of parameters(props)) {
    const text = typeof p.description === 'string' ? cutText(p.description, 2_000) : '';
    const hasDefault = Object.hasOwn(p, 'default');
    let unsafe: string | undefined;
    const k = snake(key);
    // A schema fixed to a value ("const": false) presets it as surely as a default does.
    const preset = hasDefault ? p.default : Object.hasOwn(p, 'const') ? p.const : undefined;
    const isPreset = hasDefault || Object.hasOwn(p, 'const');
    if (READ_NAME.test(snake(name)) || (WAIVER_CLAIM.test(k) && FILTER_TEXT.test(text))) continue;
    if (WAIVER.test(k)) {
      if (isPreset && preset === true) unsafe = `defaults ${key} to true`;
      else if (TOLD_ON.test(text)) unsafe = `tells the model to send ${key} as true`;
    } else if (GUARD.test(k) && !DISPLAY.test(k)) {
      // A tool about that safeguard ("set_mfa_policy", "run_security_scan") sets it as its job; a name word is compared
      // whole ("create_checkout_session" is no tool about a fraud check).
      const word = (new RegExp(SAFE_WORD).exec(k)?.[0] ?? k).replace(/s$/, '');
      if (
        snake(name)
          .split(/[_-]/)
          .some((w) => w.replace(/s$/, '') === word)
      )
        continue;
      // Slow or optional checks (a sandbox, a scan, a signature on delivery, SSL to a local database) are often off in
      // honest tools: preset-reach.ts reads those presets as a mention. A check that protects a person or an account
      // (consent, a second approval, MFA, certificate verification) is not (review 2026-12-02).
      if (!PERSON_GUARD.test(k)) continue;
      if (isPreset && OFF.has(preset)) unsafe = `defaults ${key} to ${JSON.stringify(preset)}`;
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
const ASSIGN =
  /(?:["'`]([A-Za-z][\w-]{1,40})["'`]\s*:\s*|\b([A-Za-z][\w-]{1,40})\s*(?:=\s*|:\s+))["'`]?(true|false|off|none|no|never|disabled|0|\[\s*\])["'`]?(?!\w|\.\w)/gi;
/** Limits that keep a body or a patient safe: zero means none. */
const SAFETY_LIMIT = /(?:^|_)(?:torque|speed|force|voltage|pressure|dose|dosage)(?=$|_)/;
/** Lists that protect: emptied, nothing is excluded or warned about. */
const PROTECTIVE_LIST = /allerg|contraindicat|block_?list|deny_?list|allow_?list|white_?list|black_?list|opt_?outs?/;
/** The safeguard is the name's last word ("consent_check", "verify_tls"), not a state beside it ("mfa_enrolled"). */
const GUARD_LAST = new RegExp(`(?:^|_)(?:${SAFE_WORD.slice(3, -1)}|check|checks|enabled|required|enforced|mode|on|gate)$`);
/** A repository's or a workflow's required reviews: "required_approving_review_count=0", "requires_review…: false". */
const REVIEW_GATE = /^(?:required|requires?)_(?:\w+_)?reviews?(?:_\w+)?$|^require_code_owner_reviews?$/;
const NEGATED_BEFORE = /\b(?:never|not|don['’]t|do not|must not|avoid)\b[^.;,]{0,30}$/i;
/** Said as what the tool returns or what a value means, not as what to send ("comes back with mfa_enrolled: false",
 * "ttl=0 means…", "such as review:none"). */
const REPORTED_BEFORE =
  /\b(?:returns?|come back|comes back|reads? like|prints?|shows?|means|same as|e\.g\.|for example|such as|qualifiers?|output|result)\b[^.;]{0,40}$/i;
const DEFINED_AFTER = /^\W{0,3}(?:means|disables|removes|returns|is the default|gives|shows|lists)\b/i;
const ORDERED_BEFORE = /\b(?:use|set|pass|with|run|send|call|keep|leave|always|must|should|needs?|requires?|so|then|expect(?:s|ed)?|only)\b[^.;]{0,60}$/i;

export function safeguardInProseFindings(text: string): IntentFinding[] {
  if (!/[=:]/.test(text)) return [];
  const t = cutText(text, 8_000);
  for (const m of t.matchAll(ASSIGN)) {
    const name = (m[1] ?? m[2])!;
    const k = snake(name);
    const v = m[3]!.toLowerCase();
    let what: string | undefined;
    if (WAIVER.test(k) && v === 'true') what = `turns on ${name}, which skips a check`;
    else if (PERSON_GUARD.test(k) && GUARD_LAST.test(k) && !WAIVER.test(k) && v !== 'true' && v !== '[]' && !DISPLAY.test(k)) what = `turns ${name} off`;
    else if (REVIEW_GATE.test(k) && (v === '0' || v === 'false' || v === 'none')) what = `turns the required reviews (${name}) off`;
    else if (SAFETY_LIMIT.test(k) && v === '0') what = `sets the limit ${name} to zero`;
    else if (PROTECTIVE_LIST.test(k) && (v === '[]' || v === 'none')) what = `empties ${name}`;
    if (!what) continue;
    const before = t.slice(Math.max(0, m.index - 60), m.index);
    if (NEGATED_BEFORE.test(before) || REPORTED_BEFORE.test(before) || DEFINED_AFTER.test(t.slice(m.index + m[0].length))) continue;
    if (!ORDERED_BEFORE.test(before) && !/^\W*\(?$/.test(before.slice(-2))) continue;
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
