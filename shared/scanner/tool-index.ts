import { skeleton } from './confusables.ts';

// An index of the tools the gateway knows on other servers, so that the sibling
// checks (same name, look-alike, squatted or one-edit-away names, references in
// text) cost a few map lookups per tool instead of a pass over every known tool.
// Built once per catalogue (or per server being evaluated) and shared by all the
// scans of that pass: first sight of 20,000 tools stays near-linear.

export interface KnownTool {
  server: string;
  name: string;
}

const SQUAT_SUFFIX = /^(.+?)[_-](?:v\d+|new|pro|plus|official|secure|safe|fixed|latest|real|2)$/i;

export class ToolIndex {
  /** Lower-cased name → the servers offering it. */
  private readonly byName = new Map<string, string[]>();
  private readonly bySkeleton = new Map<string, KnownTool[]>();
  /** Every name with one character deleted → the names it came from (symmetric-delete edit distance 1). */
  private readonly byDeletion = new Map<string, KnownTool[]>();
  readonly size: number;

  constructor(tools: readonly KnownTool[]) {
    this.size = tools.length;
    for (const t of tools) {
      const lower = t.name.toLowerCase();
      push(this.byName, lower, t.server);
      push(this.bySkeleton, skeleton(t.name), t);
      if (lower.length >= 5) for (const d of deletions(lower)) push(this.byDeletion, d, t);
    }
  }

  // Every lookup takes the asking tool's own server, to skip: one index of the whole catalogue serves all servers.

  /** Servers offering a tool of exactly this name (case-insensitive). */
  serversOf(name: string, exclude?: string): readonly string[] {
    const all = this.byName.get(name.toLowerCase()) ?? [];
    return exclude === undefined ? all : all.filter((s) => s !== exclude);
  }

  /** Called for many words of every text: answers without copying the server list. */
  has(name: string, exclude?: string): boolean {
    const all = this.byName.get(name.toLowerCase());
    return all !== undefined && (exclude === undefined || all.some((s) => s !== exclude));
  }

  /** Known tools whose look-alike skeleton equals this name's. */
  sameSkeleton(name: string, exclude?: string): readonly KnownTool[] {
    return (this.bySkeleton.get(skeleton(name)) ?? []).filter((t) => t.server !== exclude);
  }

  /** The known tool this name squats with a suffix such as _v2 or -official. */
  squatted(name: string, exclude?: string): KnownTool[] {
    const m = SQUAT_SUFFIX.exec(name);
    if (!m) return [];
    return this.serversOf(m[1]!, exclude).map((server) => ({ server, name: m[1]! }));
  }

  /** Known tools exactly one edit (insert, delete, substitute) away from this name. */
  oneEditAway(name: string, exclude?: string): KnownTool[] {
    const lower = name.toLowerCase();
    if (lower.length < 6) return [];
    const found = new Map<string, KnownTool>();
    const consider = (t: KnownTool) => {
      const other = t.name.toLowerCase();
      if (t.server !== exclude && other !== lower && oneEdit(lower, other)) found.set(`${t.server}\u0000${t.name}`, t);
    };
    // A deletion from the query or from a known name, or the same deletion from both, covers all three edits.
    for (const t of this.byDeletion.get(lower) ?? []) consider(t);
    for (const d of deletions(lower)) {
      for (const server of this.byName.get(d) ?? []) consider({ server, name: d });
      for (const t of this.byDeletion.get(d) ?? []) consider(t);
    }
    return [...found.values()];
  }
}

function push<V>(map: Map<string, V[]>, key: string, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function deletions(s: string): Set<string> {
  const out = new Set<string>();
  for (let i = 0; i < s.length; i++) out.add(s.slice(0, i) + s.slice(i + 1));
  return out;
}

function oneEdit(a: string, b: string): boolean {
  if (Math.abs(a.length - b.length) > 1) return false;
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  if (a.length === b.length) return a.slice(i + 1) === b.slice(i + 1);
  return a.length > b.length ? a.slice(i + 1) === b.slice(i) : a.slice(i) === b.slice(i + 1);
}

const cache = new WeakMap<readonly KnownTool[], ToolIndex>();

/** The index of a list, built once per list object: callers that pass the same array share it. */
export function indexTools(tools: readonly KnownTool[]): ToolIndex {
  let index = cache.get(tools);
  if (!index) {
    index = new ToolIndex(tools);
    cache.set(tools, index);
  }
  return index;
}
