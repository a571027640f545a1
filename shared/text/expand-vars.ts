/**
 * `${name}` replaced from `vars`; a name without a value is left as written and listed in
 * `missing`. Names come from bundles: only own entries count, never `__proto__` and kin.
 */
export function expandVars(text: string, vars: Readonly<Record<string, string>> | ReadonlyMap<string, string>): { text: string; missing: string[] } {
  const missing: string[] = [];
  const out = text.replace(/\$\{(\w+)\}/g, (whole, name: string) => {
    const value = vars instanceof Map ? vars.get(name) : Object.hasOwn(vars, name) ? (vars as Record<string, string>)[name] : undefined;
    if (value === undefined) {
      missing.push(name);
      return whole;
    }
    return value;
  });
  return { text: out, missing };
}
