// Extensions (capabilities.extensions, keyed by an identifier such as
// io.modelcontextprotocol/tasks) that upstreams advertise, as Gatehouse relays them to
// agents. Most extensions ride on methods Gatehouse already routes (fields in tools,
// resources and results), so they are passed on as advertised. The tasks extension adds
// methods of its own, which the router sends to the server that made the task.
import { isPlainObject } from '../../shared/jsonrpc/message.ts';
import { META } from '../../shared/jsonrpc/protocol.ts';

export const TASKS_EXTENSION = 'io.modelcontextprotocol/tasks';

/**
 * Extensions whose methods would have to be merged across servers (a skills list per
 * server), which Gatehouse does not do: advertising them would promise what it cannot keep.
 */
const UNCARRIED: ReadonlySet<string> = new Set(['io.modelcontextprotocol/skills']);

/** Extensions relayed at most; each costs a line in every discover answer. */
const MAX_EXTENSIONS = 64;
const MAX_ID_CHARS = 200;

interface Advertiser {
  capabilities: Record<string, unknown>;
  modern: boolean;
  state: string;
}

/** Whether Gatehouse passes this extension on (to agents as advertised, to servers as the agent declared it). */
export function carried(id: string, modernServer: boolean): boolean {
  if (UNCARRIED.has(id) || id.length > MAX_ID_CHARS) return false;
  // Tasks on the 2026 wire only: a 2025 server's tasks are its own revision's, another shape.
  return id !== TASKS_EXTENSION || modernServer;
}

/**
 * The extensions agents are told of: every one a ready server advertises and Gatehouse
 * carries, with the settings of the first server (in bundle order) that advertises it.
 */
export function relayedExtensions(upstreams: Iterable<Advertiser>): Record<string, unknown> | undefined {
  const out = new Map<string, Record<string, unknown>>();
  for (const u of upstreams) {
    const advertised = u.state === 'ready' ? u.capabilities.extensions : undefined;
    if (!isPlainObject(advertised)) continue;
    for (const [id, settings] of Object.entries(advertised)) {
      if (out.size >= MAX_EXTENSIONS) break;
      if (!out.has(id) && isPlainObject(settings) && carried(id, u.modern)) out.set(id, settings);
    }
  }
  return out.size === 0 ? undefined : Object.fromEntries(out);
}

/** The extensions an agent declared that a 2026 server is told of, or undefined. */
export function declaredExtensions(capabilities: Record<string, unknown>): Record<string, unknown> | undefined {
  const declared = capabilities.extensions;
  if (!isPlainObject(declared)) return undefined;
  const out = Object.entries(declared).filter(([id, settings]) => isPlainObject(settings) && carried(id, true));
  return out.length === 0 ? undefined : Object.fromEntries(out.slice(0, MAX_EXTENSIONS));
}

/** Whether an agent declared an extension. */
export function declares(capabilities: Record<string, unknown>, id: string): boolean {
  const declared = capabilities.extensions;
  return isPlainObject(declared) && Object.hasOwn(declared, id) && isPlainObject(declared[id]);
}

/**
 * A 2025 session's capabilities for one request: a request may opt into extensions in
 * its own _meta (the 2026 envelope's key), for that request only (SEP-2575).
 */
export function withRequestExtensions(capabilities: Record<string, unknown>, params: Record<string, unknown>): Record<string, unknown> {
  const meta = params._meta;
  const asked = isPlainObject(meta) && isPlainObject(meta[META.clientCapabilities]) ? meta[META.clientCapabilities] : undefined;
  const extensions = isPlainObject(asked) ? declaredExtensions(asked) : undefined;
  if (!extensions) return capabilities;
  const own = isPlainObject(capabilities.extensions) ? capabilities.extensions : {};
  return { ...capabilities, extensions: { ...own, ...extensions } };
}
