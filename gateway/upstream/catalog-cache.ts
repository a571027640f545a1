// One server's lists (tools, resources, templates, prompts) as Gatehouse last read them,
// every page, and the re-reads that keep them current.
import { ErrorCode, type JsonRpcResponse } from '../../shared/jsonrpc/message.ts';
import { jsonText } from '../../shared/text/json-text.ts';

export type CatalogKind = 'tools' | 'resources' | 'resourceTemplates' | 'prompts';
export type CatalogLists = Record<CatalogKind, Record<string, unknown>[]>;

const LIST_METHODS: Record<CatalogKind, { method: string; key: string; capability: string }> = {
  tools: { method: 'tools/list', key: 'tools', capability: 'tools' },
  resources: { method: 'resources/list', key: 'resources', capability: 'resources' },
  resourceTemplates: { method: 'resources/templates/list', key: 'resourceTemplates', capability: 'resources' },
  prompts: { method: 'prompts/list', key: 'prompts', capability: 'prompts' },
};

const MAX_PAGES = 1000;
/**
 * Items one read of a list may hold (five times the 20,000-tool catalogues the daemon is
 * measured with). A server whose pages never end under the same cursor grew the daemon by
 * 40 MB a second with small tools until its start timeout (red team, 2026-12-02).
 */
export const MAX_LIST_ITEMS = 100_000;
/**
 * What one read of a list may hold across its pages, in characters of text plus a charge per object and array element
 * (`textSize`): about ten times a 20,000-tool catalogue. Items alone bound nothing when each page is one huge tool
 * under a cursor that never ends: a thousand 16 MB pages would be kept in full (red team, 2026-12-02).
 */
export const MAX_LIST_CHARS = 64 * 1024 * 1024;
/** Reads of one list in a row, each superseded by a list_changed, before the last one stands. */
const MAX_READS = 3;
/** How long a list that kept changing while read rests before it is read again. */
const REREAD_AFTER_MS = 1000;
/**
 * A page this long was a long turn of the loop to read (a 20,000-tool page is 6 MB: 60–100 ms to decode and parse):
 * what it sets off (the comparison, the catalogue, the pin gate's start) waits for the next turn, so calls that
 * arrived meanwhile are served between the two instead of after both.
 */
const YIELD_AFTER_ITEMS = 1000;

export interface CatalogIo {
  /** Undefined when the connection is gone: the list stays as it was. */
  request(method: string, params: Record<string, unknown> | undefined): Promise<JsonRpcResponse | undefined>;
  capabilities(): Record<string, unknown>;
  /** A list was read again and differs (or was read for a list_changed). */
  changed(kind: CatalogKind): void;
  failed(message: string): void;
}

/**
 * Whether a re-read list is the one held, item by item: stops at the first difference,
 * and each held item's text is kept in `texts` from the last comparison, so a recheck of
 * an unchanged 20,000-tool list serializes only what it just read (bench/list-recheck.ts).
 */
export function sameItems(read: readonly object[], held: readonly object[], texts: WeakMap<object, string>): boolean {
  if (read.length !== held.length) return false;
  for (let i = 0; i < read.length; i++) {
    const old = held[i]!;
    let text = texts.get(old);
    if (text === undefined) {
      text = encoded(old);
      texts.set(old, text);
    }
    if (encoded(read[i]!) !== text) return false;
  }
  return true;
}

/**
 * An item's JSON, or a mark for one nested too deep to write: the pin gate never lists such
 * an item, and a throw here failed every re-read of the list, so a server that held one could
 * change its other tools silently and never be caught (red team, 2026-12-02).
 */
function encoded(item: object): string {
  return jsonText(item) ?? '\u0000unencodable';
}

export class CatalogCache {
  readonly lists: CatalogLists = { tools: [], resources: [], resourceTemplates: [], prompts: [] };
  private readonly refreshing = new Map<CatalogKind, Promise<void>>();
  private readonly refreshAgain = new Set<CatalogKind>();
  private readonly deferred = new Map<CatalogKind, NodeJS.Timeout>();
  private readonly lastFetched = new Map<CatalogKind, number>();
  /** Held items' JSON, computed once per item for rechecks. */
  private readonly texts = new WeakMap<object, string>();
  private readonly io: CatalogIo;

  constructor(io: CatalogIo) {
    this.io = io;
  }

  /**
   * Reads every list for a (re)connection. A list_changed the server sends meanwhile (a
   * server that registers tools once initialized) joins the read, which reads that list
   * again before this resolves: the server is not ready with a list it has already replaced.
   */
  async fetchAll(withinMs: number): Promise<void> {
    // Each page has its own timeout: without one for the whole, a server that pages slowly
    // or keeps saying its list changed would stay "starting" for ever (red team, 2026-11-30).
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`did not finish listing its tools, resources and prompts within ${withinMs} ms`)), withinMs);
    });
    try {
      await Promise.race([Promise.all((Object.keys(LIST_METHODS) as CatalogKind[]).map((k) => this.load(k, 'never'))), late]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Re-reads a list unless it was read within `minIntervalMs`. */
  recheck(kind: CatalogKind, minIntervalMs: number): void {
    // A read already running is as fresh as a recheck needs; joining it would read the whole list again after it.
    if (this.refreshing.has(kind)) return;
    const now = Date.now();
    if (now - (this.lastFetched.get(kind) ?? 0) < minIntervalMs) return;
    this.lastFetched.set(kind, now);
    this.refresh(kind, true);
  }

  /** One deferred re-read of a list whose reads kept being superseded. */
  private later(kind: CatalogKind): void {
    if (this.deferred.has(kind)) return;
    const timer = setTimeout(() => {
      this.deferred.delete(kind);
      this.refresh(kind);
    }, REREAD_AFTER_MS);
    timer.unref();
    this.deferred.set(kind, timer);
  }

  /** Re-reads one list, coalescing bursts of list_changed into at most one extra read. */
  refresh(kind: CatalogKind, onlyIfChanged = false): void {
    // A re-read is already scheduled for a server that will not stop changing: this joins it.
    if (this.deferred.has(kind)) return;
    this.load(kind, onlyIfChanged ? 'ifChanged' : 'always').catch((err: unknown) => this.io.failed(`refreshing ${kind}: ${(err as Error).message}`));
  }

  /**
   * One read of a list at a time: a request for another while one runs makes that one
   * read again when it ends, and the list is replaced only by the last read, so agents
   * never see a half-read or superseded list (an empty one, at a start).
   */
  private load(kind: CatalogKind, announce: 'always' | 'ifChanged' | 'never'): Promise<void> {
    const running = this.refreshing.get(kind);
    if (running) {
      this.refreshAgain.add(kind);
      return running;
    }
    const run = (async () => {
      try {
        let items: Record<string, unknown>[] | undefined;
        let reads = 0;
        do {
          this.refreshAgain.delete(kind);
          items = await this.fetch(kind);
          reads++;
          // A server that says its list changed during every read would keep this loop going for
          // ever: after a few reads the last whole list stands, and the next change is read later.
        } while (this.refreshAgain.has(kind) && reads < MAX_READS);
        if (this.refreshAgain.delete(kind)) this.later(kind);
        // The connection went away: the list stays as it was.
        if (!items) return;
        // Nothing changed: keep the objects the pin gate approved, or the next catalog rebuild would hide them all.
        if (announce === 'ifChanged' && sameItems(items, this.lists[kind], this.texts)) return;
        this.lists[kind] = items;
        if (announce !== 'never') this.io.changed(kind);
      } finally {
        this.refreshing.delete(kind);
      }
    })();
    this.refreshing.set(kind, run);
    return run;
  }

  /** Every page of one list, or undefined when the connection went away. */
  private async fetch(kind: CatalogKind): Promise<Record<string, unknown>[] | undefined> {
    const spec = LIST_METHODS[kind];
    if (!(spec.capability in this.io.capabilities())) return [];
    const items: Record<string, unknown>[] = [];
    let cursor: string | undefined;
    let chars = 0;
    for (let page = 0; page < MAX_PAGES; page++) {
      const response = await this.io.request(spec.method, cursor ? { cursor } : undefined);
      if (!response) return undefined;
      if ('error' in response) {
        // Optional lists (templates) may be unimplemented even when the capability is there.
        if (response.error.code === ErrorCode.MethodNotFound) break;
        throw new Error(`${spec.method} failed: ${response.error.message}`);
      }
      const list = response.result[spec.key];
      if (Array.isArray(list)) for (const item of list) if (item && typeof item === 'object') items.push(item as Record<string, unknown>);
      if (items.length > MAX_LIST_ITEMS) throw new Error(`${spec.method} listed more than ${MAX_LIST_ITEMS} items; the list is refused`);
      chars += await pageSize(list, MAX_LIST_CHARS - chars);
      if (chars > MAX_LIST_CHARS)
        throw new Error(`${spec.method} listed more than ${MAX_LIST_CHARS / (1024 * 1024)} M characters of definitions; the list is refused`);
      cursor = typeof response.result.nextCursor === 'string' && response.result.nextCursor ? response.result.nextCursor : undefined;
      if (Array.isArray(list) && list.length >= YIELD_AFTER_ITEMS) await new Promise<void>((resolve) => setImmediate(resolve));
      if (!cursor) break;
    }
    this.lastFetched.set(kind, Date.now());
    return items;
  }
}

/** Items walked in one turn of the loop: a 20,000-tool page costs 16–50 ms to walk, spread over twenty turns. */
const WALK_SLICE = 1000;

/** What a page's items cost, walked a slice at a time so calls to other servers are served meanwhile. */
async function pageSize(list: unknown, budget: number): Promise<number> {
  if (!Array.isArray(list)) return textSize(list, budget);
  let size = 8 * list.length;
  for (let k = 0; k < list.length && size <= budget; k++) {
    size += textSize(list[k], budget - size);
    if ((k + 1) % WALK_SLICE === 0) await new Promise<void>((resolve) => setImmediate(resolve));
  }
  return size;
}

/**
 * What a parsed value holds, in characters of its strings and keys plus a charge for every object (16) and array
 * element (8), which cost memory however empty (a page of `{}` is small on the wire and large in memory), counted until
 * `budget` is passed and walked without recursion (a page may nest deep).
 */
export function textSize(value: unknown, budget: number): number {
  let size = 0;
  const stack: unknown[] = [value];
  while (stack.length > 0 && size <= budget) {
    const v = stack.pop();
    if (typeof v === 'string') size += v.length;
    else if (Array.isArray(v)) {
      size += 8 * v.length;
      for (const x of v) stack.push(x);
    } else if (v !== null && typeof v === 'object') {
      size += 16;
      for (const k of Object.keys(v)) {
        size += k.length + 1;
        stack.push((v as Record<string, unknown>)[k]);
      }
    } else size += 4;
  }
  return size;
}
