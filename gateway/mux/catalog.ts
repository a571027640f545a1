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
 * written from `body` (the UTF-8 bytes, encoded once); a page is a slice of those
 * bytes, found through each item's byte offset, so paging re-encodes nothing either.
 */
export class SerializedList {
  readonly items: readonly Record<string, unknown>[];
  readonly json: string;
  private readonly keyOf: (item: Record<string, unknown>) => string;
  private bytes: Buffer | undefined;
  /** Byte offset of each item in `body`, plus one past the end: built at the first paged request. */
  private starts: number[] | undefined;
  private positions: Map<string, number> | undefined;

  constructor(items: readonly Record<string, unknown>[], keyOf: (item: Record<string, unknown>) => string) {
    this.items = items;
    this.json = JSON.stringify(items);
    this.keyOf = keyOf;
  }

  get body(): Buffer {
    return (this.bytes ??= Buffer.from(this.json));
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
const EMPTY = Buffer.from('[]');
const byName = (item: Record<string, unknown>) => String(item.name);
const byUri = (item: Record<string, unknown>) => String(item.uri);
const byTemplate = (item: Record<string, unknown>) => String(item.uriTemplate);

interface NamedView {
  items: readonly Record<string, unknown>[];
  json: string;
  list: SerializedList;
  routes: Map<string, NamedRoute>;
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

  private buildNamed(kind: 'tools' | 'prompts'): NamedView {
    const passthrough = this.settings.naming === 'passthrough';
    const items: Record<string, unknown>[] = [];
    const routes = new Map<string, NamedRoute>();
    for (const upstream of this.ready()) {
      for (const item of upstream.catalog[kind]) {
        const name = item.name;
        if (typeof name !== 'string') continue;
        if (kind === 'tools' && !this.toolAllowed(upstream, item)) continue;
        const exposed = exposedName(upstream.id, name, this.settings.toolNameSeparator, passthrough);
        if (routes.has(exposed)) continue; // passthrough clash: the first server in bundle order wins
        routes.set(exposed, { upstream, name });
        items.push(exposed === name ? item : { ...item, name: exposed });
      }
    }
    return { ...viewOf(items, byName), routes };
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
