import type { Settings } from '../../shared/bundle/schema.ts';
import { ErrorCode, type JsonRpcRequest } from '../../shared/jsonrpc/message.ts';
import type { CatalogKind, Upstream } from '../upstream/upstream.ts';
import { fail } from './answers.ts';
import { Catalog, type SerializedList } from './catalog.ts';
import type { ClientSession } from './client-session.ts';
import { EncodedMessage } from './encoded-message.ts';
import { isModern, listFieldsText, type ListenStreams } from './era.ts';

const RECHECK_INTERVAL_MS = 2000;
/**
 * A recheck re-reads and compares a whole list on the loop (a 20,000-tool list: 100-300 ms): a big list is
 * rechecked less often, so that doing so costs the loop about as much as a 2,000-tool list every 2 s.
 */
const recheckIntervalMs = (tools: number) => Math.max(RECHECK_INTERVAL_MS, tools);

export const LIST_NOTIFICATION: Record<CatalogKind, string> = {
  tools: 'notifications/tools/list_changed',
  prompts: 'notifications/prompts/list_changed',
  resources: 'notifications/resources/list_changed',
  resourceTemplates: 'notifications/resources/list_changed',
};

const LIST_END = Buffer.from('}}');
/** How long one turn of encoding ahead may take (Lists.progress). */
const WARM_SLICE_MS = 4;

/** What one subject may list: the policy's filters, and the key its view is cached under. */
export interface ViewFilter {
  key: string;
  tool(upstream: Upstream, tool: Record<string, unknown>): boolean;
  server(upstream: Upstream): boolean;
}

export interface ListsOptions {
  settings(): Settings;
  upstreams(): Upstream[];
  /** Whether the pin gate lets agents see a tool definition. */
  approved(upstream: Upstream, tool: Record<string, unknown>): boolean;
  /** Whether the pin gate is still judging the server's last list (a first sight): it was just read. */
  judging?(upstream: Upstream): boolean;
  /** The policy's filters for the session's subject. */
  filterFor(session: ClientSession): ViewFilter;
  sessions(): Iterable<ClientSession>;
  listens: ListenStreams;
}

/**
 * Serving the lists: the full catalog (which routes calls), the per-subject views
 * agents list from, pagination from cached bytes, and list_changed notifications,
 * batched and sent only to agents whose view really changed.
 */
export class Lists {
  private readonly opts: ListsOptions;
  private full: Catalog;
  /** Per-subject views, keyed by the filter's key (user and agent: groups change only with the identity, which drops every view). */
  private readonly views = new Map<string, Catalog>();
  private readonly pending = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  /** Servers whose newly approved runs are being encoded ahead: whether another report came meanwhile. */
  private readonly warming = new Map<Upstream, boolean>();
  private stopped = false;

  constructor(opts: ListsOptions) {
    this.opts = opts;
    this.full = this.newCatalog();
  }

  /** Everything the pin gate approved, whoever asks: what calls are routed by. */
  get catalog(): Catalog {
    return this.full;
  }

  /** A new bundle, identity, or none in force: the full catalog and every view start over. */
  reset(): void {
    this.views.clear();
    this.full = this.newCatalog();
  }

  dropViews(): void {
    this.views.clear();
  }

  invalidate(kind: CatalogKind): void {
    this.full.invalidate(kind);
    for (const view of this.views.values()) view.invalidate(kind);
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  /**
   * A first sight's progress on `upstream`: its newly approved runs are encoded a few at a time (WARM_SLICE_MS a
   * turn), then the lists are rebuilt from them and agents told, so no call waits behind the encoding. One warm-up
   * per server at a time; reports that come meanwhile start one more after it.
   */
  progress(upstream: Upstream): void {
    if (this.warming.has(upstream)) {
      this.warming.set(upstream, true);
      return;
    }
    this.warming.set(upstream, false);
    const steps = [this.full, ...this.views.values()].map((catalog) => catalog.warmTools(upstream));
    const step = () => {
      if (this.stopped) return;
      const until = performance.now() + WARM_SLICE_MS;
      while (steps.length > 0 && performance.now() < until) if (steps[0]!.next().done) steps.shift();
      if (steps.length > 0) return void setImmediate(step);
      const again = this.warming.get(upstream);
      this.warming.delete(upstream);
      this.invalidate('tools');
      this.changed('tools');
      if (again) this.progress(upstream);
    };
    setImmediate(step);
  }

  /** The catalog as this session's subject may see it: only tools the policy could allow, only servers it may use. */
  viewFor(session: ClientSession): Catalog {
    const filter = this.opts.filterFor(session);
    let view = this.views.get(filter.key);
    if (!view) {
      const visible = perTool(filter.tool);
      view = new Catalog(
        this.opts.settings(),
        () => this.opts.upstreams(),
        (u, tool) => this.opts.approved(u, tool) && visible(u, tool),
        (u) => filter.server(u),
      );
      this.views.set(filter.key, view);
    }
    return view;
  }

  /** Answers a list request with one page, written from the cached bytes: only the id and the page's end are encoded. */
  serve(session: ClientSession, req: JsonRpcRequest, params: Record<string, unknown>, kind: CatalogKind): void {
    if (kind === 'tools') this.recheckTools();
    const catalog = this.viewFor(session);
    const { list } = viewOf(catalog, kind);
    let offset = 0;
    if (typeof params.cursor === 'string') {
      const resumed = list.resume(params.cursor);
      if (resumed === undefined) {
        fail(session, req.id, ErrorCode.InvalidParams, `invalid cursor for ${req.method}: list again without a cursor`);
        return;
      }
      offset = resumed;
    }
    const notification = LIST_NOTIFICATION[kind];
    session.seen.set(notification, snapshotOf(notification, catalog));
    const head = Buffer.from(`{"jsonrpc":"2.0","id":${JSON.stringify(req.id)},"result":{${listFieldsText(session, req.method)}"${kind}":`);
    const end = Math.min(list.items.length, offset + this.opts.settings().pageSize);
    const body = offset === 0 && end === list.items.length ? list.chunks() : list.page(offset, end);
    const tail = end < list.items.length ? Buffer.from(`,"nextCursor":"${list.cursorAt(end)}"}}`) : LIST_END;
    session.sink.send(new EncodedMessage([head, ...body, tail]), req.id);
  }

  /** Coalesces list_changed bursts (a restart touches every list) into one notification per kind. */
  changed(kind: CatalogKind): void {
    this.pending.add(LIST_NOTIFICATION[kind]);
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      const methods = [...this.pending];
      this.pending.clear();
      for (const method of methods) this.opts.listens.listChanged(method);
      for (const session of this.opts.sessions()) this.notifyChanged(session, methods);
    }, 10);
  }

  /** Every list an agent may hold: after a new bundle, identity or state. */
  allChanged(): void {
    for (const kind of ['tools', 'prompts', 'resources'] as const) this.changed(kind);
  }

  /** Only agents that listed before, and would now see something different, hear about it. */
  private notifyChanged(session: ClientSession, methods: string[]): void {
    if (!session.initialized || isModern(session)) return;
    const catalog = this.viewFor(session);
    for (const method of methods) {
      const snapshot = snapshotOf(method, catalog);
      const seen = session.seen.get(method);
      if (seen === undefined || seen === snapshot) continue;
      session.seen.set(method, snapshot);
      session.sink.send({ jsonrpc: '2.0', method });
    }
  }

  /**
   * When an agent lists tools, re-read upstream lists in the background (at most
   * every few seconds), so a server that changes its tools without saying so is
   * still caught. The agent meanwhile gets the approved, cached definitions.
   */
  private recheckTools(): void {
    for (const u of this.opts.upstreams()) {
      // Not while its last list is still being judged: re-reading 20,000 tools then only stalls the loop.
      if (u.state !== 'ready' || !('tools' in u.capabilities) || this.opts.judging?.(u)) continue;
      u.recheck('tools', recheckIntervalMs(u.catalog.tools.length));
    }
  }

  private newCatalog(): Catalog {
    return new Catalog(
      this.opts.settings(),
      () => this.opts.upstreams(),
      (u, tool) => this.opts.approved(u, tool),
    );
  }
}

/**
 * A view's policy filter, answered once per tool object: a rebuild during a first sight asks it about every tool
 * of the catalogue each time. The filter is bound to the policy and subject of its view (a new policy or identity
 * drops the views), and a listed tool object is not changed in place, so its answer stays.
 */
function perTool(filter: ViewFilter['tool']): ViewFilter['tool'] {
  const answers = new WeakMap<Upstream, WeakMap<object, boolean>>();
  return (u, tool) => {
    let known = answers.get(u);
    if (!known) answers.set(u, (known = new WeakMap()));
    let visible = known.get(tool);
    if (visible === undefined) known.set(tool, (visible = filter(u, tool)));
    return visible;
  };
}

function viewOf(catalog: Catalog, kind: CatalogKind): { list: SerializedList } {
  return kind === 'tools'
    ? catalog.toolView()
    : kind === 'prompts'
      ? catalog.promptView()
      : kind === 'resources'
        ? catalog.resourceView()
        : catalog.templateView();
}

/**
 * What an agent would list under a list_changed notification, to tell whether it changed: for tools and prompts the
 * view's version, which stays the same while the same encoded runs are listed (no 20,000-tool string to compare).
 */
function snapshotOf(method: string, catalog: Catalog): string {
  return method === LIST_NOTIFICATION.tools
    ? catalog.toolView().version
    : method === LIST_NOTIFICATION.prompts
      ? catalog.promptView().version
      : catalog.resourceView().json + catalog.templateView().json;
}
