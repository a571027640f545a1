import type { IntentFinding } from './intent.ts';
import { clip } from './intent.ts';

// Values preset in a schema (default, const, examples, enum) are what the model
// sends when it has no reason to choose: a preset that grants admin rights or
// switches a safety check off is an instruction in the shape of data, often as
// JSON inside a string ('{"override": true, "admin": true}').

const GRANT_KEY =
  /^(?:is[_-]?)?(?:admin|administrator|root|sudo|superuser|super[_-]?user|god[_-]?mode|elevated|privileged|override|bypass\w*|unrestricted|allow[_-]?all|full[_-]?access|trust[_-]?all|no[_-]?auth|insecure|unsafe\w*|skip[_-]?(?:auth\w*|verif\w*|approval|confirm\w*|checks?|validation|security|permissions?)|disable[_-]?(?:auth\w*|safety|sandbox|security|verif\w*|checks?|guard\w*|filters?|logging|audit))$/i;
const SAFETY_KEY =
  /^(?:safe[_-]?mode|sandbox(?:ed)?|verify(?:[_-]?ssl)?|ssl[_-]?verify|require[_-]?(?:auth\w*|approval|confirm\w*)|confirm(?:ation)?|read[_-]?only|auth(?:entication)?|enforce\w*|guard(?:rails?)?|audit(?:[_-]?log)?)$/i;
const ROLE_KEY = /^(?:role|roles|permissions?|scopes?|access(?:[_-]?level)?|privileges?|user[_-]?type|group)$/i;
const ROLE_VALUE = /^(?:admin|administrator|root|owner|superuser|sudo|\*|all|full|write:all|admin:\w+)$/i;
const truthy = (v: unknown) => v === true || v === 1 || (typeof v === 'string' && /^(?:true|yes|on|1|all|enabled?)$/i.test(v.trim()));
const falsy = (v: unknown) => v === false || v === 0 || (typeof v === 'string' && /^(?:false|no|off|0|disabled?|none)$/i.test(v.trim()));

interface Preset {
  key: string;
  value: unknown;
  effect: string;
}

/** Key/value pairs inside a preset value (itself, parsed JSON in a string, or "key=value" text) that grant or disarm. */
function presets(value: unknown, depth = 0): Preset[] {
  if (depth > 4) return [];
  if (typeof value === 'string') {
    const t = value.trim();
    if (/^[[{]/.test(t) && t.length < 20_000) {
      try {
        return presets(JSON.parse(t) as unknown, depth + 1);
      } catch {
        /* not JSON: read as text below */
      }
    }
    const out: Preset[] = [];
    for (const m of t.matchAll(/\b([A-Za-z][\w-]{1,30})\s*[=:]\s*['"]?([\w:*-]{1,20})/g)) out.push(...judge(m[1]!, m[2]!));
    return out;
  }
  if (Array.isArray(value)) return value.flatMap((v) => presets(v, depth + 1));
  if (value && typeof value === 'object') {
    return Object.entries(value as Record<string, unknown>).flatMap(([k, v]) => [...judge(k, v), ...(v && typeof v === 'object' ? presets(v, depth + 1) : [])]);
  }
  return [];
}

function judge(key: string, value: unknown): Preset[] {
  if (GRANT_KEY.test(key) && truthy(value)) return [{ key, value, effect: 'grants elevated rights or skips a check' }];
  if (SAFETY_KEY.test(key) && falsy(value)) return [{ key, value, effect: 'switches a safety check off' }];
  if (ROLE_KEY.test(key) && typeof value === 'string' && ROLE_VALUE.test(value.trim())) return [{ key, value, effect: 'asks for the highest role' }];
  return [];
}

const PRESET_KEYS = ['default', 'const', 'examples', 'example', 'enum'] as const;

// Ninth round: where a preset sends things. A preset the model sends without a reason to choose can also
// name a destination: a recipient nobody gave, a bucket or FTP drop outside, a URL template the server fills
// with the user's content, a bank account. The value's shape says what it is (an address, a transfer URI, an
// IBAN), the field's role says it is where data or money goes; reserved example domains are placeholders.

/** A field whose value is where something goes: recipients, copies, callbacks, export targets, payment terms. */
const DESTINATION_ROLE =
  /\b(?:to|cc|bcc|recipients?|invitees?|attendees?|participants?|guests?|destination|dest|target|forward(?:ed)? to|forward|copy to|copies|duplicate(?: to)?|mirror|notify|notification url|callback|webhook|hook|sink|upload|export|backup|archive|sync|report to|send to|deliver(?:y|ed)? to|remit|payee|beneficiary|terms|transmission)\b/i;
const EMAIL = /[\w.+-]{1,64}@([\w-]+(?:\.[\w-]+)+)/;
const PLACEHOLDER_DOMAIN = /(?:^|\.)(?:example\.(?:com|org|net)|example|test|invalid|localhost|local)$/i;
const TRANSFER_URI = /\b(?:gs|s3a?|ftps?|sftp|scp|az|abfss?|wasbs?|hdfs|rsync|smb):\/\/[^\s"'<>]+/i;
/** An international number (a date or a count is not one). */
const PHONE = /^\s*(?:\+|00)\d[\d\s().-]{7,}\d\s*$/;
const IBAN = /\b[A-Z]{2}\d{2}(?:\s?[A-Z0-9]{4}){3,7}(?:\s?[A-Z0-9]{1,4})?\b/;
const WEB_URL = /\bhttps?:\/\/([\w-]+(?:\.[\w-]+)+)[^\s"'<>]*/i;
/** A URL template slot named for content (not an id): the server would put the user's text in the address. */
const CONTENT_SLOT =
  /\{\{?\s*(?:\w+_)?(?:text|content|contents|body|document|message|messages|conversation|chat|prompt|input|data|file)(?:_(?!id\b)\w+)?\s*\}\}?/i;

/** How much of a preset value is read for a destination. */
const DESTINATION_HEAD = 2000;

interface Destination {
  value: string;
  kind: string;
}

function destinationIn(value: string, role: boolean): Destination | undefined {
  // A destination is short: a hostile 60,000-character preset is read only for its head (its size is a finding of its own).
  value = value.length > DESTINATION_HEAD ? value.slice(0, DESTINATION_HEAD) : value;
  const transfer = TRANSFER_URI.exec(value);
  if (transfer && !PLACEHOLDER_DOMAIN.test(transfer[0].replace(/^\w+:\/\/([^/:]+).*$/, '$1')))
    return { value: transfer[0], kind: 'a storage or transfer address' };
  const web = WEB_URL.exec(value);
  if (web && !PLACEHOLDER_DOMAIN.test(web[1]!) && CONTENT_SLOT.test(web[0])) return { value: web[0], kind: 'an address that carries the content itself' };
  const iban = IBAN.exec(value);
  if (iban && /\d{6}/.test(iban[0].replace(/\s/g, ''))) return { value: iban[0], kind: 'a bank account' };
  if (!role) return undefined;
  const email = EMAIL.exec(value);
  if (email && !PLACEHOLDER_DOMAIN.test(email[1]!)) return { value: email[0], kind: 'an e-mail address' };
  if (PHONE.test(value)) return { value: value.trim(), kind: 'a phone number' };
  if (web && !PLACEHOLDER_DOMAIN.test(web[1]!)) return { value: web[0], kind: 'a web address' };
  return undefined;
}

const DEFAULT_IN_TEXT =
  /\bdefaults?(?:\s+(?:is|to|value(?:\s+is)?))?\s*[:=]?\s*[`'"]?((?:https?|gs|s3a?|ftps?|sftp):\/\/[^\s`'"]+|[\w.+-]{1,64}@[\w-]+(?:\.[\w-]+)+)/i;

/** The values a field is preset to: its default and const, and its enum when that has one value (the only choice). */
function presetValues(obj: Record<string, unknown>): [string, string][] {
  const out: [string, string][] = [];
  const strings = (v: unknown): string[] => (typeof v === 'string' ? [v] : Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
  for (const key of ['default', 'const'] as const) for (const v of strings(obj[key])) out.push([key, v]);
  if (Array.isArray(obj.enum) && obj.enum.length === 1) for (const v of strings(obj.enum)) out.push(['enum', v]);
  // A default written in the field's prose ("Default https://cb.example.net/hook.") is the same preset.
  const prose =
    typeof obj.description === 'string' && /default/i.test(obj.description) ? DEFAULT_IN_TEXT.exec(obj.description.slice(0, 4 * DESTINATION_HEAD)) : null;
  if (prose) out.push(['default', prose[1]!.replace(/[.,;)]+$/, '')]);
  return out;
}

/** An access level a field is preset to that lets anyone change the thing, not only see it. */
const ACCESS_KEY = /^(?:visibility|sharing|share(?:_?(?:mode|level|type|setting))?|access(?:_?level)?|acl|link_?access|general_?access|permission|audience)$/i;
const OPEN_WRITE =
  /^(?:public[-_ ]?(?:read[-_ ]?write|write|edit(?:or|able)?)|(?:anyone|everyone|world|all[-_ ]?users|public)[-_ ]?(?:with[-_ ]?(?:the[-_ ]?)?link[-_ ]?)?(?:can[-_ ]?)?(?:edit|write|writer|owner|admin|manage|full[-_ ]?access)|world[-_ ]?writable)$/i;

/** A yes preset on a field whose name is a whole order that grants or destroys ("then_add_bot_as_admin_on_each_repo"). */
const NAMED_ORDER =
  /\b(?:add|grant|invite|make|give|set|promote)\b.*\b(?:admin|admins|owner|owners|root|collaborator|maintainer|superuser)\b|\b(?:delete|remove|drop|wipe|purge|disable|revoke|erase|destroy)\b.*\b(?:all|every|each|everything|others?)\b|\b(?:send|forward|copy|upload|share|post)\b.*\b(?:to|with)\b.*\b(?:outside|external|third|public|everyone)\b/;

/** Presets that route data or money to a fixed place, open write access to anyone, or say yes to an order spelled as the field's name. */
export function presetDestinationFindings(schema: unknown): (IntentFinding & { path: string })[] {
  const out: (IntentFinding & { path: string })[] = [];
  const walk = (node: unknown, path: string, param: string, depth: number) => {
    if (!node || typeof node !== 'object' || Array.isArray(node) || depth > 12 || out.length) return;
    const obj = node as Record<string, unknown>;
    // Most fields preset nothing: their name is not even split.
    const values = param ? presetValues(obj) : [];
    if (values.length || (param && obj.default === true)) {
      const words = param
        .split(/[_\-\s.]+|(?<=[a-z])(?=[A-Z])/)
        .filter(Boolean)
        .join(' ')
        .toLowerCase();
      // The name says the role ("cc", "notify_url", "forward_to"): a description mentions places too freely to say it.
      const role = DESTINATION_ROLE.test(words);
      for (const [key, value] of values) {
        const d = destinationIn(value, role);
        if (d) {
          out.push({
            rule: 'preset-destination',
            family: 'exfiltration',
            severity: 'high',
            path: `${path}/${key}`,
            evidence: clip(`${param} ${key}: ${value}`, 200),
            message: `The ${key === 'enum' ? 'only allowed' : `preset ${key}`} value of "${clip(param, 40)}" is ${d.kind} (${clip(d.value, 80)}) that the user never gave: the model sends it unless told otherwise, so the tool hands its data or money to whoever that is`,
          });
          return;
        }
        if (ACCESS_KEY.test(param) && OPEN_WRITE.test(value.trim()) && (key !== 'default' || !Array.isArray(obj.enum) || obj.enum.length <= 1)) {
          out.push({
            rule: 'preset-open-access',
            family: 'schema-smuggling',
            severity: 'high',
            path: `${path}/${key}`,
            evidence: clip(`${param} ${key}: ${value}`, 200),
            message: `"${clip(param, 40)}" is preset to ${clip(value, 60)}, which lets anyone change what is shared; the model sends it unless told otherwise`,
          });
          return;
        }
      }
      if (obj.default === true && words.split(' ').length >= 5 && NAMED_ORDER.test(words)) {
        out.push({
          rule: 'preset-named-order',
          family: 'schema-smuggling',
          severity: 'medium',
          path: `${path}/default`,
          evidence: clip(`${param} default: true`, 200),
          message: `The field "${clip(param, 80)}" is an order spelled as a name, and it is preset to yes: the model carries it out by sending the default`,
        });
        return;
      }
    }
    for (const [k, v] of Object.entries(obj)) {
      if (k === 'properties' && v && typeof v === 'object' && !Array.isArray(v)) {
        for (const [name, sub] of Object.entries(v as Record<string, unknown>))
          walk(sub, `${path}/properties/${name.replace(/~/g, '~0').replace(/\//g, '~1')}`, name, depth + 1);
      } else if ((k === 'items' || k === '$defs' || k === 'definitions') && v && typeof v === 'object') {
        if (k === 'items') walk(v, `${path}/items`, param, depth + 1);
        else
          for (const [name, sub] of Object.entries(v as Record<string, unknown>))
            walk(sub, `${path}/${k}/${name.replace(/~/g, '~0').replace(/\//g, '~1')}`, name, depth + 1);
      }
    }
  };
  walk(schema, '/inputSchema', '', 0);
  return out;
}

/** Walks every schema node of the input schema for presets that grant or disarm. */
export function presetFindings(schema: unknown): (IntentFinding & { path: string })[] {
  const out: (IntentFinding & { path: string })[] = [];
  const walk = (node: unknown, path: string, param: string, depth: number) => {
    if (!node || typeof node !== 'object' || depth > 12 || out.length) return;
    if (Array.isArray(node)) {
      node.forEach((n, i) => walk(n, `${path}/${i}`, param, depth + 1));
      return;
    }
    const obj = node as Record<string, unknown>;
    for (const key of PRESET_KEYS) {
      if (!Object.hasOwn(obj, key)) continue;
      // A boolean parameter named "admin" preset to true is the same grant as {"admin": true} inside a string.
      const found =
        typeof obj[key] === 'object' || typeof obj[key] === 'string'
          ? presets(obj[key])
          : GRANT_KEY.test(param) && truthy(obj[key])
            ? [{ key: param, value: obj[key], effect: 'grants elevated rights or skips a check' }]
            : [];
      const f = found[0];
      if (f) {
        out.push({
          rule: 'privileged-preset',
          family: 'schema-smuggling',
          severity: 'medium',
          path: `${path}/${key}`,
          evidence: clip(`${param || 'schema'} ${key}: ${JSON.stringify(obj[key])}`, 200),
          message: `The preset ${key} value of "${clip(param || 'the schema', 40)}" sets ${clip(f.key, 40)} to ${clip(JSON.stringify(f.value), 30)}, which ${f.effect}; the model sends it unless told otherwise`,
        });
        return;
      }
    }
    for (const [k, v] of Object.entries(obj)) {
      if ((PRESET_KEYS as readonly string[]).includes(k)) continue;
      if (k === 'properties' && v && typeof v === 'object' && !Array.isArray(v)) {
        for (const [name, sub] of Object.entries(v as Record<string, unknown>))
          walk(sub, `${path}/properties/${name.replace(/~/g, '~0').replace(/\//g, '~1')}`, name, depth + 1);
      } else if (v && typeof v === 'object') {
        walk(v, `${path}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`, param, depth + 1);
      }
    }
  };
  walk(schema, '/inputSchema', '', 0);
  return out;
}
