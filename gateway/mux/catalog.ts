import { createHash } from 'node:crypto';
import type { Settings } from '../../shared/bundle/schema.ts';
import { exposedName } from '../../shared/naming/tool-names.ts';
import { escapeRegExp } from '../../shared/text/regexp.ts';
import type { CatalogKind, Upstream } from '../upstream/upstream.ts';

export interface NamedRoute {
  upstream: Upstream;
  name: string;
}

/**
 * A list as agents receive it, serialized once per catalogue change. Answers are
 * written from `chunks()` (the UTF-8 bytes, encoded once, in runs of items that a
 * rebuild reuses when they did not change); a page is a slice of the joined bytes,
 * found through each item's byte offset, so paging re-encodes nothing either.
 */
export class SerializedList {
  readonly items: readonly Record<string, unknown>[];
  private readonly keyOf: (item: Record<string, unknown>) => string;
  /** The items' JSON without the brackets, in runs joined by commas: each run one or more items. */
  private readonly runs: readonly Buffer[];
  private bytes: Buffer | undefined;
  /** Byte offset of each item in `body`, plus one past the end: built at the first paged request. */
  private starts: number[] | undefined;
  private positions: Map<string, number> | undefined;

  constructor(items: readonly Record<string, unknown>[], keyOf: (item: Record<string, unknown>) => string, runs?: readonly Buffer[]) {
    this.items = items;
    this.keyOf = keyOf;
    this.runs = runs ?? (items.length ? [Buffer.from(JSON.stringify(items).slice(1, -1))] : []);
  }

  /** The whole list as pieces to write in order, nothing joined. */
  chunks(): Buffer[] {
    if (!this.runs.length) return [EMPTY];
    const out: Buffer[] = [OPEN];
    this.runs.forEach((run, i) => out.push(...(i ? [COMMA, run] : [run])));
    out.push(CLOSE);
    return out;
  }

  /** The whole list as one buffer (joined once, for paging). */
  get body(): Buffer {
    return (this.bytes ??= Buffer.concat(this.chunks()));
  }

  get json(): string {
    return this.body.toString('utf8');
  }

  /** Items [from, to) as a JSON array: two brackets around a slice of `body`. */
  page(from: number, to: number): Buffer[] {
    if (from >= to) return [EMPTY];
    const starts = this.offsets();
    return [OPEN, this.body.subarray(starts[from]!, starts[to]! - 1), CLOSE];
  }

  /**
   * The cursor for the page starting at `offset`: that offset and the key of the item
   * before it. A cursor still resumes after the list changed, from that item.
   */
  cursorAt(offset: number): string {
    return Buffer.from(JSON.stringify([offset, this.keyOf(this.items[offset - 1]!)])).toString('base64url');
  }

  /** Where a cursor resumes, or undefined when it is malformed or its item has left the list. */
  resume(cursor: string): number | undefined {
    let parsed: unknown;
    try {
      parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    } catch {
      return undefined;
    }
    if (!Array.isArray(parsed) || parsed.length !== 2) return undefined;
    const [offset, key] = parsed as [unknown, unknown];
    if (!Number.isSafeInteger(offset) || typeof key !== 'string' || (offset as number) < 1) return undefined;
    const at = offset as number;
    if (at <= this.items.length && this.keyOf(this.items[at - 1]!) === key) return at;
    if (!this.positions) {
      this.positions = new Map();
      this.items.forEach((item, i) => this.positions!.set(this.keyOf(item), i));
    }
    const found = this.positions.get(key);
    return found === undefined ? undefined : found + 1;
  }

  private offsets(): number[] {
    if (this.starts) return this.starts;
    const starts = new Array<number>(this.items.length + 1);
    let at = 1; // after '['
    for (let i = 0; i < this.items.length; i++) {
      starts[i] = at;
      at += Buffer.byteLength(JSON.stringify(this.items[i])) + 1; // the item and its comma (or the closing bracket)
    }
    starts[this.items.length] = at;
    this.starts = starts;
    return starts;
  }
}

const OPEN = Buffer.from('[');
const CLOSE = Buffer.from(']');
const COMMA = Buffer.from(',');
const EMPTY = Buffer.from('[]');
const byName = (item: Record<string, unknown>) => String(item.name);
const byUri = (item: Record<string, unknown>) => String(item.uri);
const byTemplate = (item: Record<string, unknown>) => String(item.uriTemplate);

interface NamedView {
  items: readonly Record<string, unknown>[];
  list: SerializedList;
  routes: Map<string, NamedRoute>;
  /** A digest of the listed bytes, built from the runs' own digests: what list_changed is judged by. */
  version: string;
}
interface UriView {
  items: readonly Record<string, unknown>[];
  json: string;
  list: SerializedList;
  routes: Map<string, Upstream>;
}
interface TemplateView {
  items: readonly Record<string, unknown>[];
  json: string;
  list: SerializedList;
  matchers: { pattern: RegExp; template: string; upstream: Upstream }[];
}

const viewOf = (items: Record<string, unknown>[], keyOf: (item: Record<string, unknown>) => string) => {
  const list = new SerializedList(items, keyOf);
  return { items, json: list.json, list };
};

/** Source items per run: a 20,000-tool server is 79 runs, each re-encoded only when its own items change. */
const RUN = 256;
/** One run of a server's list as last built: the source items it may list, their names and routes, as listed, and their bytes. */
interface Run {
  candidates: readonly Record<string, unknown>[];
  kept: readonly Record<string, unknown>[];
  exposed: readonly string[];
  routes: readonly NamedRoute[];
  /** Whether two of its own items have the same exposed name. */
  twice: boolean;
  /** Cut to fit beside a clash (withoutClashes): valid for the build that made it only, never reused. */
  fitted?: true;
  items: readonly Record<string, unknown>[];
  bytes: Buffer;
  /** A digest of `bytes`: equal runs have equal digests whichever build encoded them (a restarted server's identical list). */
  digest: string;
}
const sameObjects = (a: readonly unknown[], b: readonly unknown[]) => a.length === b.length && a.every((x, i) => x === b[i]);

/** Compiles an RFC 6570 URI template into a matcher for routing reads. Loose on purpose: routing only. */
export function templateMatcher(template: string): RegExp {
  let out = '^';
  let last = 0;
  for (const m of template.matchAll(/\{([^}]+)\}/g)) {
    out += escapeRegExp(template.slice(last, m.index));
    const op = m[1]![0];
    out += op === '+' || op === '#' || op === '/' || op === '?' || op === '&' ? '.*' : '[^/]*';
    last = m.index + m[0].length;
  }
  return new RegExp(`${out + escapeRegExp(template.slice(last))}$`);
}

/**
 * The aggregated view agents see: every ready upstream's tools, prompts, resources
 * and templates, namespaced and indexed for O(1) routing. Views are rebuilt only
 * when an upstream's list changes, and kept serialized so list calls write cached bytes.
 */
export class Catalog {
  private tools: NamedView | undefined;
  /** The runs of the last build per kind, kept across invalidations so the next build can reuse them. */
  private readonly runs: Record<'tools' | 'prompts', Map<Upstream, Run[]>> = { tools: new Map(), prompts: new Map() };
  /** The routes of the last build and the runs they came from, kept while no name was listed twice: the next build edits them. */
  private readonly routing: Record<'tools' | 'prompts', { routes: Map<string, NamedRoute>; runs: Set<Run> } | undefined> = {
    tools: undefined,
    prompts: undefined,
  };
  private prompts: NamedView | undefined;
  private resources: UriView | undefined;
  private templates: TemplateView | undefined;

  private readonly settings: Settings;
  private readonly upstreams: () => readonly Upstream[];
  private readonly toolAllowed: (upstream: Upstream, tool: Record<string, unknown>) => boolean;
  private readonly serverAllowed: (upstream: Upstream) => boolean;

  /**
   * `toolAllowed` is the pin gate (and, in a per-subject view, the policy): only
   * those tool definitions are listed and routable. `serverAllowed` filters whole
   * servers (prompts, resources, templates) out of a per-subject view.
   */
  constructor(
    settings: Settings,
    upstreams: () => readonly Upstream[],
    toolAllowed: (upstream: Upstream, tool: Record<string, unknown>) => boolean = () => true,
    serverAllowed: (upstream: Upstream) => boolean = () => true,
  ) {
    this.settings = settings;
    this.upstreams = upstreams;
    this.toolAllowed = toolAllowed;
    this.serverAllowed = serverAllowed;
  }

  invalidate(kind: CatalogKind): void {
    if (kind === 'tools') this.tools = undefined;
    else if (kind === 'prompts') this.prompts = undefined;
    else if (kind === 'resources') this.resources = undefined;
    else this.templates = undefined;
  }

  toolView(): NamedView {
    return (this.tools ??= this.buildNamed('tools'));
  }
  promptView(): NamedView {
    return (this.prompts ??= this.buildNamed('prompts'));
  }
  resourceView(): UriView {
    return (this.resources ??= this.buildResources());
  }
  templateView(): TemplateView {
    return (this.templates ??= this.buildTemplates());
  }

  /** Which upstream serves a resource URI: a listed resource first, then the first matching template. */
  resolveUri(uri: string): Upstream | undefined {
    const direct = this.resourceView().routes.get(uri);
    if (direct) return direct;
    for (const t of this.templateView().matchers) if (t.pattern.test(uri)) return t.upstream;
    return undefined;
  }

  private ready(): Upstream[] {
    return this.upstreams().filter((u) => u.state === 'ready' && this.serverAllowed(u));
  }

  /**
   * Every listed item of every ready server, in runs of RUN source items. A run whose kept items are the same
   * objects as at the last build keeps its listed copies and bytes: while a big first sight fills a server in,
   * a rebuild re-encodes only the runs that gained tools, not the whole catalogue.
   */
  private buildNamed(kind: 'tools' | 'prompts'): NamedView {
    const passthrough = this.settings.naming === 'passthrough';
    const previous = this.runs[kind];
    const next = new Map<Upstream, Run[]>();
    for (const upstream of this.ready()) {
      const source = upstream.catalog[kind];
      const before = previous.get(upstream) ?? [];
      const built: Run[] = [];
      for (let from = 0; from < source.length; from += RUN) {
        const candidates = this.candidates(kind, upstream, from);
        const old = before[built.length];
        // The same items as last time: their names and routes are known.
        // A run cut to fit beside a clash is never reused: its kept items answer to the clash it was cut for, and its empty
        // candidate list once matched a run whose tools had all been revoked, which then listed them again (fast-check,
        // seed 2091822270).
        built.push(
          old && !old.fitted && sameObjects(old.candidates, candidates) ? old : namesOf(candidates, upstream, this.settings.toolNameSeparator, passthrough),
        );
      }
      next.set(upstream, built);
    }
    const routes = this.editedRoutes(kind, next) ?? this.freshRoutes(kind, next);
    const used = [...next.values()].flat().filter((r) => r.kept.length);
    this.runs[kind] = next;
    const items = used.flatMap((r) => r.items);
    const version = createHash('sha256')
      .update(used.map((r) => r.digest).join(','))
      .digest('base64url');
    return {
      items,
      list: new SerializedList(
        items,
        byName,
        used.map((r) => r.bytes),
      ),
      routes,
      version,
    };
  }

  /**
   * Encodes ahead, one run a step, the runs of `upstream`'s tools that the next build would encode (the tools
   * approved since), so that the build showing a first sight's progress finds them made: 3,000 newly approved tools
   * were one 35 ms turn at load 4, paid by whichever call came next.
   */
  *warmTools(upstream: Upstream): Generator<void, void, void> {
    if (!this.ready().includes(upstream)) return;
    const passthrough = this.settings.naming === 'passthrough';
    for (let from = 0; from < upstream.catalog.tools.length; from += RUN) {
      namesOf(this.candidates('tools', upstream, from), upstream, this.settings.toolNameSeparator, passthrough);
      yield;
    }
  }

  /** The items of the run that starts at `from` that this catalogue may list. */
  private candidates(kind: 'tools' | 'prompts', upstream: Upstream, from: number): Record<string, unknown>[] {
    const source = upstream.catalog[kind];
    const candidates: Record<string, unknown>[] = [];
    for (let i = from; i < Math.min(source.length, from + RUN); i++) {
      const item = source[i]!;
      if (typeof item.name === 'string' && (kind !== 'tools' || this.toolAllowed(upstream, item))) candidates.push(item);
    }
    return candidates;
  }

  /**
   * The last build's routes, edited in place: the names of the runs that left are dropped and those of the new runs
   * added. A 20,000-tool catalogue that gained a few runs of approved tools costs hundreds of map writes instead of
   * 20,000 (a rebuild was 22-43 ms, a third of it the map). Only while no name is listed twice anywhere: then which
   * server's tool a name routes to does not depend on order. Undefined when that does not hold: a fresh build decides.
   */
  private editedRoutes(kind: 'tools' | 'prompts', next: ReadonlyMap<Upstream, readonly Run[]>): Map<string, NamedRoute> | undefined {
    const last = this.routing[kind];
    this.routing[kind] = undefined;
    if (!last) return undefined;
    const all = [...next.values()].flat();
    const runs = new Set(all);
    const { routes } = last;
    for (const run of last.runs) if (!runs.has(run)) for (const exposed of run.exposed) routes.delete(exposed);
    for (const run of all) {
      if (last.runs.has(run)) continue;
      for (let i = 0; i < run.exposed.length; i++) {
        // A name listed twice (in one run, two runs, two servers): only a fresh build knows which one wins.
        if (routes.has(run.exposed[i]!)) return undefined;
        routes.set(run.exposed[i]!, run.routes[i]!);
      }
    }
    this.routing[kind] = { routes, runs };
    return routes;
  }

  /** Routes built from nothing, in bundle order: where a name is listed twice, the first item of the first server wins. */
  private freshRoutes(kind: 'tools' | 'prompts', next: Map<Upstream, Run[]>): Map<string, NamedRoute> {
    const routes = new Map<string, NamedRoute>();
    let clashes = false;
    for (const built of next.values()) {
      built.forEach((run, at) => {
        const clashed = run.twice || run.exposed.some((exposed) => routes.has(exposed));
        const fit = clashed ? withoutClashes(run, routes) : run;
        fit.exposed.forEach((exposed, i) => routes.set(exposed, fit.routes[i]!));
        built[at] = fit;
        clashes ||= clashed;
      });
    }
    this.routing[kind] = clashes ? undefined : { routes, runs: new Set([...next.values()].flat()) };
    return routes;
  }

  private buildResources(): UriView {
    const items: Record<string, unknown>[] = [];
    const routes = new Map<string, Upstream>();
    for (const upstream of this.ready()) {
      for (const item of upstream.catalog.resources) {
        if (typeof item.uri !== 'string' || routes.has(item.uri)) continue;
        routes.set(item.uri, upstream);
        items.push(item);
      }
    }
    return { ...viewOf(items, byUri), routes };
  }

  private buildTemplates(): TemplateView {
    const items: Record<string, unknown>[] = [];
    const matchers: TemplateView['matchers'] = [];
    for (const upstream of this.ready()) {
      for (const item of upstream.catalog.resourceTemplates) {
        if (typeof item.uriTemplate !== 'string') continue;
        matchers.push({ pattern: templateMatcher(item.uriTemplate), template: item.uriTemplate, upstream });
        items.push(item);
      }
    }
    return { ...viewOf(items, byTemplate), matchers };
  }
}

/**
 * The last run built from a given first item, whichever catalogue built it: the full catalogue (routing) and each
 * agent's view build the same runs after a progress report when the view's policy hides nothing, and encoding them
 * (20,000 tools' JSON and digests) twice was a third of a rebuild. A run is never changed once built.
 */
const sharedRuns = new WeakMap<object, { run: Run; upstream: Upstream; separator: string; passthrough: boolean }>();

function namesOf(candidates: readonly Record<string, unknown>[], upstream: Upstream, separator: string, passthrough: boolean): Run {
  const first = candidates[0];
  const shared = first && sharedRuns.get(first);
  if (
    shared &&
    shared.upstream === upstream &&
    shared.separator === separator &&
    shared.passthrough === passthrough &&
    sameObjects(shared.run.candidates, candidates)
  )
    return shared.run;
  const run = encodeNames(candidates, upstream, separator, passthrough);
  if (first) sharedRuns.set(first, { run, upstream, separator, passthrough });
  return run;
}

function encodeNames(candidates: readonly Record<string, unknown>[], upstream: Upstream, separator: string, passthrough: boolean): Run {
  const exposed = candidates.map((item) => exposedName(upstream.id, item.name as string, separator, passthrough));
  return encodeRun(
    candidates,
    candidates,
    exposed,
    candidates.map((item) => ({ upstream, name: item.name as string })),
  );
}

/** The run without the items whose names an earlier run (or an earlier item of its own) already lists: built afresh, kept only until the next build. */
function withoutClashes(run: Run, routes: ReadonlyMap<string, NamedRoute>): Run {
  const seen = new Set<string>();
  const keep = run.exposed.map((exposed) => !routes.has(exposed) && !seen.has(exposed) && Boolean(seen.add(exposed)));
  const pick = <T>(xs: readonly T[]) => xs.filter((_, i) => keep[i]);
  return { ...encodeRun([], pick(run.candidates), pick(run.exposed), pick(run.routes)), fitted: true };
}

function encodeRun(
  candidates: readonly Record<string, unknown>[],
  kept: readonly Record<string, unknown>[],
  exposed: readonly string[],
  routes: readonly NamedRoute[],
): Run {
  const items = kept.map((item, i) => (exposed[i] === item.name ? item : { ...item, name: exposed[i] }));
  const bytes = Buffer.from(JSON.stringify(items).slice(1, -1));
  const twice = new Set(exposed).size < exposed.length;
  return { candidates, kept, exposed, routes, twice, items, bytes, digest: createHash('sha256').update(bytes).digest('base64url') };
}
