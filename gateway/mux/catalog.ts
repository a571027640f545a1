import type { Settings } from '../../shared/bundle/schema.ts';
import { exposedName } from '../../shared/naming/tool-names.ts';
import type { CatalogKind, Upstream } from '../upstream/upstream.ts';

export interface NamedRoute { upstream: Upstream; name: string }

interface NamedView { items: Record<string, unknown>[]; json: string; routes: Map<string, NamedRoute> }
interface UriView { items: Record<string, unknown>[]; json: string; routes: Map<string, Upstream> }
interface TemplateView { items: Record<string, unknown>[]; json: string; matchers: { pattern: RegExp; template: string; upstream: Upstream }[] }

/** Compiles an RFC 6570 URI template into a matcher for routing reads. Loose on purpose: routing only. */
export function templateMatcher(template: string): RegExp {
  let out = '^';
  let last = 0;
  for (const m of template.matchAll(/\{([^}]+)\}/g)) {
    out += template.slice(last, m.index).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const op = m[1]![0];
    out += op === '+' || op === '#' || op === '/' || op === '?' || op === '&' ? '.*' : '[^/]*';
    last = m.index + m[0].length;
  }
  return new RegExp(`${out + template.slice(last).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
}

/**
 * The aggregated view agents see: every ready upstream's tools, prompts, resources
 * and templates, namespaced and indexed for O(1) routing. Views are rebuilt only
 * when an upstream's list changes, and kept serialized so list calls cost a string copy.
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
  constructor(settings: Settings, upstreams: () => readonly Upstream[], toolAllowed: (upstream: Upstream, tool: Record<string, unknown>) => boolean = () => true, serverAllowed: (upstream: Upstream) => boolean = () => true) {
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

  toolView(): NamedView { return (this.tools ??= this.buildNamed('tools')); }
  promptView(): NamedView { return (this.prompts ??= this.buildNamed('prompts')); }
  resourceView(): UriView { return (this.resources ??= this.buildResources()); }
  templateView(): TemplateView { return (this.templates ??= this.buildTemplates()); }

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
    return { items, json: JSON.stringify(items), routes };
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
    return { items, json: JSON.stringify(items), routes };
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
    return { items, json: JSON.stringify(items), matchers };
  }
}
