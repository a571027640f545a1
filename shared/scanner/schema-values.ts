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
