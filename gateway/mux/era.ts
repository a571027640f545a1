// Protocol eras. The rules of the stateless 2026-07-28 revision that sit in front of
// Gatehouse's handler table (which methods exist on that wire, which versions we
// implement, the `subscriptions/listen` streams that replace resources/subscribe and the
// GET stream), both handshakes, and the one place results are shaped per era.
import { ErrorCode, type JsonRpcId, type JsonRpcNotification, type JsonRpcRequest } from '../../shared/jsonrpc/message.ts';
import { isModernVersion, LEGACY_PROTOCOL_VERSIONS, META, MODERN_PROTOCOL_VERSION, negotiateLegacyVersion } from '../../shared/jsonrpc/protocol.ts';
import { methodsWith } from '../../shared/jsonrpc/methods.ts';
import { cutText } from '../../shared/text/cut.ts';
import { implementationInfoOf } from '../../shared/jsonrpc/implementation-info.ts';
import { capabilitiesOf } from './agent-shapes.ts';
import { LOG_LEVELS, type ClientSession } from './client-session.ts';

/** Every revision Gatehouse speaks, newest first: what server/discover and the version error list. */
export const SUPPORTED_VERSIONS: readonly string[] = [MODERN_PROTOCOL_VERSION, ...LEGACY_PROTOCOL_VERSIONS];

/** Error codes the 2026-07-28 revision adds. */
export const EraErrorCode = {
  HeaderMismatch: -32020,
  MissingRequiredClientCapability: -32021,
  UnsupportedProtocolVersion: -32022,
} as const;

/**
 * The methods Gatehouse serves to a 2026-07-28 agent. initialize, ping, logging/setLevel
 * and resources/(un)subscribe are removed in that revision: they are unknown there.
 */
const MODERN_METHODS = methodsWith('modern');

export interface EraRejection {
  /** The status a Streamable HTTP answer carries (stdio agents see only the error). */
  httpStatus: number;
  code: number;
  message: string;
  data?: unknown;
}

/**
 * Why a request that carries the 2026-07-28 envelope cannot be served, or undefined.
 * The envelope's presence is checked before (at the HTTP edge, or by adopting it).
 */
export function modernRequestRejection(method: string, params: Record<string, unknown>): EraRejection | undefined {
  const meta = params._meta;
  const version = meta !== null && typeof meta === 'object' ? (meta as Record<string, unknown>)[META.protocolVersion] : undefined;
  if (typeof version === 'string' && version !== MODERN_PROTOCOL_VERSION) {
    const requested = cutText(version, 64);
    return {
      httpStatus: 400,
      code: EraErrorCode.UnsupportedProtocolVersion,
      message: `unsupported protocol version "${requested}"; Gatehouse supports ${SUPPORTED_VERSIONS.join(', ')}`,
      data: { supported: SUPPORTED_VERSIONS, requested },
    };
  }
  if (!MODERN_METHODS.has(method)) {
    return {
      httpStatus: 404,
      code: ErrorCode.MethodNotFound,
      message: `method "${cutText(method, 100)}" does not exist in protocol revision ${MODERN_PROTOCOL_VERSION}`,
    };
  }
  return undefined;
}

/** What one `subscriptions/listen` stream asked to hear, narrowed to what Gatehouse delivers. */
interface ListenFilter {
  toolsListChanged?: true;
  promptsListChanged?: true;
  resourcesListChanged?: true;
  resourceSubscriptions?: string[];
}

/** URIs one listen stream may watch: each costs an upstream subscription. */
const MAX_WATCHED_PER_STREAM = 256;
/** Listen streams one agent session may hold open: each is kept until cancelled, with its watches. */
export const MAX_STREAMS_PER_SESSION = 64;
/** The longest resource URI an agent may subscribe to or watch (a peer's 16 MB URI would otherwise be held for the session). */
export const MAX_SUBSCRIBED_URI_CHARS = 8192;

const FILTER_KEY: ReadonlyMap<string, 'toolsListChanged' | 'promptsListChanged' | 'resourcesListChanged'> = new Map([
  ['notifications/tools/list_changed', 'toolsListChanged'],
  ['notifications/prompts/list_changed', 'promptsListChanged'],
  ['notifications/resources/list_changed', 'resourcesListChanged'],
]);

/**
 * Open `subscriptions/listen` streams. Each is one request that is never answered while
 * it is open: notifications go out related to it (so the HTTP endpoint writes them on that
 * request's SSE stream), tagged with its id as the subscription id. It ends when the agent
 * cancels it or goes away.
 */
export class ListenStreams {
  private readonly open = new Map<ClientSession, Map<JsonRpcId, ListenFilter>>();
  private readonly isOpen: (session: ClientSession) => boolean;

  constructor(isOpen: (session: ClientSession) => boolean) {
    this.isOpen = isOpen;
  }

  /**
   * Starts a stream; the reason (and nothing sent) when it cannot: a malformed filter, an id
   * already open, or too many streams. `watch` decides each resource URI asked for: whether
   * a server provides it and the agent may watch it (then it is subscribed upstream); the
   * others are left out of the acknowledgement, which is how the revision says what is honoured.
   */
  listen(session: ClientSession, req: JsonRpcRequest, params: Record<string, unknown>, watch: (uri: string) => boolean): string | undefined {
    const raw = params.notifications;
    const malformed = 'subscriptions/listen needs a "notifications" object (with resourceSubscriptions, if any, an array)';
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return malformed;
    const asked = raw as Record<string, unknown>;
    if (asked.resourceSubscriptions !== undefined && !Array.isArray(asked.resourceSubscriptions)) return malformed;
    let streams = this.open.get(session);
    // A second stream under an open one's id would orphan the first one's upstream watches.
    if (streams?.has(req.id)) return 'a subscriptions/listen stream with this id is already open';
    if ((streams?.size ?? 0) >= MAX_STREAMS_PER_SESSION) return `this session holds ${MAX_STREAMS_PER_SESSION} subscriptions/listen streams; cancel one first`;
    const honored: ListenFilter = {};
    for (const key of FILTER_KEY.values()) if (asked[key] === true) honored[key] = true;
    const uris = ((asked.resourceSubscriptions as unknown[] | undefined) ?? []).filter(
      (u): u is string => typeof u === 'string' && u.length <= MAX_SUBSCRIBED_URI_CHARS,
    );
    if (uris.length > 0) honored.resourceSubscriptions = [...new Set(uris)].slice(0, MAX_WATCHED_PER_STREAM).filter(watch);
    if (!streams) this.open.set(session, (streams = new Map()));
    streams.set(req.id, honored);
    session.sink.send(tagged({ jsonrpc: '2.0', method: 'notifications/subscriptions/acknowledged', params: { notifications: honored } }, req.id), req.id);
    return undefined;
  }

  /** The agent cancelled a request: if it was a stream, the stream is over; the URIs it watched are handed to `unwatch`. */
  end(session: ClientSession, id: JsonRpcId, unwatch: (uri: string) => void = () => {}): boolean {
    const streams = this.open.get(session);
    const filter = streams?.get(id);
    if (!streams || !filter) return false;
    streams.delete(id);
    if (streams.size === 0) this.open.delete(session);
    for (const uri of filter.resourceSubscriptions ?? []) unwatch(uri);
    return true;
  }

  /** A watched resource changed: every stream of this agent that watches it hears it. */
  resourceUpdated(session: ClientSession, uri: string, update: JsonRpcNotification): void {
    for (const [id, filter] of this.open.get(session) ?? []) if (filter.resourceSubscriptions?.includes(uri)) session.sink.send(tagged(update, id), id);
  }

  /** A list changed: every stream that asked for it hears it. */
  listChanged(method: string): void {
    const key = FILTER_KEY.get(method);
    if (!key) return;
    for (const [session, streams] of this.open) {
      if (!this.isOpen(session)) {
        this.open.delete(session);
        continue;
      }
      for (const [id, filter] of streams) if (filter[key]) session.sink.send(tagged({ jsonrpc: '2.0', method }, id), id);
    }
  }
}

function tagged(n: JsonRpcNotification, subscription: JsonRpcId): JsonRpcNotification {
  return { ...n, params: { ...n.params, _meta: { 'io.modelcontextprotocol/subscriptionId': subscription } } };
}

/** Results a 2026-07-28 client may cache: they carry a lifetime and a scope. */
const CACHEABLE = methodsWith('cacheable');

/**
 * The fields a forwarded result gains on the 2026-07-28 wire: the result type, and for a
 * cacheable method a lifetime of zero, private to the caller (Gatehouse's views are per
 * agent), unless the upstream set its own.
 */
function modernFields(method: string, result: Record<string, unknown>): Record<string, unknown> {
  const fields: Record<string, unknown> = { resultType: 'complete' };
  if (CACHEABLE.has(method)) {
    if (!('ttlMs' in result)) fields.ttlMs = 0;
    if (!('cacheScope' in result)) fields.cacheScope = 'private';
  }
  return fields;
}

export function modernResult(method: string, result: Record<string, unknown>): Record<string, unknown> {
  return { ...modernFields(method, result), ...result };
}

/** As modernResult, on a result already serialized as `text` (spliced, not re-serialized: the hot path). */
export function modernResultText(method: string, result: Record<string, unknown>, text: string): string {
  const head = JSON.stringify(modernFields(method, result));
  return text === '{}' ? head : `${head.slice(0, -1)},${text.slice(1)}`;
}

/** Who Gatehouse says it is, to agents and to upstreams alike. */
export const GATEHOUSE_INFO = { name: 'gatehouse', title: 'Gatehouse', version: '0.1.0' };

// ---- one place for what differs per era: the handshake and the shape of results ----

export const SERVER_CAPABILITIES = {
  tools: { listChanged: true },
  resources: { subscribe: true, listChanged: true },
  prompts: { listChanged: true },
  logging: {},
  completions: {},
};

/** Gatehouse's capabilities with the extensions its servers advertise (upstream/extensions.ts), under either handshake. */
function capabilitiesWith(extensions: Record<string, unknown> | undefined): Record<string, unknown> {
  return extensions ? { ...SERVER_CAPABILITIES, extensions } : SERVER_CAPABILITIES;
}

export function isModern(session: ClientSession): boolean {
  return isModernVersion(session.protocolVersion);
}

/** A result as this session's era wants it: on the 2026-07-28 wire it carries its type (and, if cacheable, a lifetime). */
export function shapedResult(session: ClientSession, method: string, result: Record<string, unknown>): Record<string, unknown> {
  return isModern(session) ? modernResult(method, result) : result;
}

/**
 * The fields a list result starts with on this session's wire, as JSON members with a
 * trailing comma ('' for 2025-era sessions): lists are written from cached bytes.
 */
export function listFieldsText(session: ClientSession, method: string): string {
  if (!isModern(session)) return '';
  return `${JSON.stringify(modernFields(method, {})).slice(1, -1)},`;
}

/** A request without initialize that carries the 2026-07-28 _meta envelope: a stateless client. */
export function adoptModernMeta(session: ClientSession, params: Record<string, unknown>): void {
  const meta = params._meta as Record<string, unknown> | undefined;
  const version = meta?.[META.protocolVersion];
  if (typeof version !== 'string' || !isModernVersion(version)) return;
  session.protocolVersion = version;
  const caps = meta?.[META.clientCapabilities];
  if (caps !== undefined) session.capabilities = capabilitiesOf(caps);
  const info = meta?.[META.clientInfo];
  if (info !== undefined) session.clientInfo = implementationInfoOf(info);
  const level = meta?.[META.logLevel];
  const index = LOG_LEVELS.indexOf(level as never);
  if (index >= 0) session.logLevel = index;
}

/** A 2025-era handshake: the session takes the negotiated version and what the client says of itself. */
export function initializeResult(
  session: ClientSession,
  params: Record<string, unknown>,
  instructions: string | undefined,
  extensions?: Record<string, unknown>,
): Record<string, unknown> {
  session.protocolVersion = negotiateLegacyVersion(params.protocolVersion);
  session.clientInfo = implementationInfoOf(params.clientInfo);
  session.capabilities = capabilitiesOf(params.capabilities);
  session.initialized = true;
  const result: Record<string, unknown> = { protocolVersion: session.protocolVersion, capabilities: capabilitiesWith(extensions), serverInfo: GATEHOUSE_INFO };
  if (instructions) result.instructions = instructions;
  return result;
}

/** The 2026-07-28 handshake's answer: what initialize told older clients, without a session. */
export function discoverResult(instructions: string | undefined, extensions?: Record<string, unknown>): Record<string, unknown> {
  const result: Record<string, unknown> = {
    supportedVersions: SUPPORTED_VERSIONS,
    capabilities: capabilitiesWith(extensions),
    serverInfo: GATEHOUSE_INFO,
    ttlMs: 0,
    cacheScope: 'private',
    _meta: { [META.serverInfo]: GATEHOUSE_INFO },
  };
  if (instructions) result.instructions = instructions;
  return result;
}

/** The agent's 2026 envelope is not passed on: our own upstream session carries its own. */
export function withoutEnvelope(meta: Record<string, unknown>): Record<string, unknown> {
  const { [META.protocolVersion]: _v, [META.clientCapabilities]: _c, [META.clientInfo]: _i, [META.logLevel]: _l, ...rest } = meta;
  return rest;
}
