// A structured diff of two tool definitions: every JSON path that was added,
// removed or changed, so a reviewer sees schema-only changes (an enum value, a
// default, a nested description) as plainly as a new description.

export interface DiffEntry {
  /** JSON Pointer (RFC 6901) into the tool definition, e.g. /inputSchema/properties/path/description */
  path: string;
  kind: 'added' | 'removed' | 'changed';
  before?: unknown;
  after?: unknown;
}

const escape = (key: string) => key.replace(/~/g, '~0').replace(/\//g, '~1');

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function diffDefinitions(before: unknown, after: unknown, path = ''): DiffEntry[] {
  if (before === undefined && after === undefined) return [];
  if (before === undefined) return [{ path: path || '/', kind: 'added', after }];
  if (after === undefined) return [{ path: path || '/', kind: 'removed', before }];
  if (isObject(before) && isObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    return keys.flatMap((k) => diffDefinitions(before[k], after[k], `${path}/${escape(k)}`));
  }
  if (Array.isArray(before) && Array.isArray(after)) {
    const out: DiffEntry[] = [];
    for (let i = 0; i < Math.max(before.length, after.length); i++) out.push(...diffDefinitions(before[i], after[i], `${path}/${i}`));
    return out;
  }
  return Object.is(before, after) || JSON.stringify(before) === JSON.stringify(after) ? [] : [{ path: path || '/', kind: 'changed', before, after }];
}
