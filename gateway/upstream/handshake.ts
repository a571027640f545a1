// How Gatehouse opens a session with an upstream. A server that speaks the stateless
// 2026-07-28 revision is preferred on that wire (tools it offers only there are visible,
// and input_required results can be relayed); anything else gets the 2025 handshake.
import { implementationInfoOf } from '../../shared/jsonrpc/implementation-info.ts';
import { isPlainObject, type JsonRpcNotification, type JsonRpcResponse } from '../../shared/jsonrpc/message.ts';
import { LEGACY_PROTOCOL_VERSIONS, META, MODERN_PROTOCOL_VERSION } from '../../shared/jsonrpc/protocol.ts';
import { cutText, wellFormed } from '../../shared/text/cut.ts';
import { declaredExtensions } from './extensions.ts';
import { jsonText } from '../../shared/text/json-text.ts';

/** What the server said of itself, whichever handshake it took. */
export interface Described {
  modern: boolean;
  protocolVersion: string | undefined;
  serverInfo: Record<string, unknown> | undefined;
  capabilities: Record<string, unknown>;
  instructions: string | undefined;
}

export interface HandshakeIo {
  /** Sends one request (with the 2026 envelope when `modern`) and resolves with its answer or an error. */
  ask(method: string, params: Record<string, unknown>, modern: boolean, timeoutMs: number): Promise<JsonRpcResponse>;
  notify(message: JsonRpcNotification): void;
  clientInfo: { name: string; version: string };
  capabilities: Record<string, unknown>;
  startTimeoutMs: number;
}

/**
 * A legacy server that stays silent on a method it does not know costs the start this
 * long, not the whole start timeout (the revision lets a client fall back on a timeout).
 */
const PROBE_TIMEOUT_MS = 5000;

/** The stdio binding's probe: server/discover first, and any answer that is not a modern one means a legacy server. */
export async function handshake(io: HandshakeIo): Promise<Described> {
  const probe = await io.ask('server/discover', {}, true, Math.min(io.startTimeoutMs, PROBE_TIMEOUT_MS));
  if ('result' in probe && Array.isArray(probe.result.supportedVersions) && probe.result.supportedVersions.includes(MODERN_PROTOCOL_VERSION)) {
    return { modern: true, protocolVersion: MODERN_PROTOCOL_VERSION, ...describe(probe.result) };
  }
  const init = await io.ask(
    'initialize',
    { protocolVersion: LEGACY_PROTOCOL_VERSIONS[0], capabilities: io.capabilities, clientInfo: io.clientInfo },
    false,
    io.startTimeoutMs,
  );
  if ('error' in init) throw new Error(`initialize failed: ${init.error.message}`);
  io.notify({ jsonrpc: '2.0', method: 'notifications/initialized' });
  const r = init.result;
  // Shown in the status: a version string, not a 2 MB one.
  const version = typeof r.protocolVersion === 'string' ? cutText(wellFormed(r.protocolVersion), 64) : undefined;
  return { modern: false, protocolVersion: version, ...describe(r) };
}

function describe(r: Record<string, unknown>): Pick<Described, 'serverInfo' | 'capabilities' | 'instructions'> {
  // A 2026 server names itself in _meta; older ones in the result.
  const named = isPlainObject(r._meta) ? r._meta[META.serverInfo] : undefined;
  return {
    serverInfo: implementationInfoOf(isPlainObject(r.serverInfo) ? r.serverInfo : named),
    capabilities: isPlainObject(r.capabilities) ? withEncodableExtensions(r.capabilities) : {},
    instructions: typeof r.instructions === 'string' ? r.instructions : undefined,
  };
}

// What a server says of itself reaches the status API, the CLI, the dashboard and every
// agent's initialize answer. A serverInfo nested 6,000 deep made GET /servers a 500 for all
// servers, and an extension's settings as deep failed every agent's initialize (red team,
// 2026-12-02): only what is read is kept, in shapes that can be written again.
/** An extension's settings are relayed to agents as advertised, up to this much JSON. */
const MAX_EXTENSION_SETTINGS_CHARS = 4096;
const MAX_EXTENSIONS_KEPT = 256;

/** The capabilities, with only the extensions whose settings are small objects that can be written again. */
function withEncodableExtensions(capabilities: Record<string, unknown>): Record<string, unknown> {
  const advertised = capabilities.extensions;
  if (!isPlainObject(advertised)) return capabilities;
  const kept: [string, unknown][] = [];
  for (const [id, settings] of Object.entries(advertised)) {
    if (kept.length >= MAX_EXTENSIONS_KEPT) break;
    if (isPlainObject(settings) && (jsonText(settings)?.length ?? Infinity) <= MAX_EXTENSION_SETTINGS_CHARS) kept.push([id, settings]);
  }
  return { ...capabilities, extensions: Object.fromEntries(kept) };
}

/**
 * What a 2026-07-28 upstream is told of the agent a request is for: that revision has
 * no session, so each request carries its caller's capabilities (the server may ask
 * only for what the agent can answer) and log level (no level, no log lines).
 */
export interface CallerEnvelope {
  capabilities: Record<string, unknown>;
  logLevel: string | undefined;
}

/** What Gatehouse can relay to agents: sampling, elicitation, and roots where the bundle lets the server see them. */
export function relayedCapabilities(forwardRoots: boolean): Record<string, unknown> {
  const caps: Record<string, unknown> = { sampling: {}, elicitation: { form: {}, url: {} } };
  if (forwardRoots) caps.roots = { listChanged: true };
  return caps;
}

/** The 2026 envelope of one request: Gatehouse's own, or narrowed to the caller's capabilities and level. */
export function envelopeFor(clientInfo: { name: string; version: string }, forwardRoots: boolean, caller: CallerEnvelope | undefined): Record<string, unknown> {
  const meta: Record<string, unknown> = {
    [META.protocolVersion]: MODERN_PROTOCOL_VERSION,
    [META.clientCapabilities]: caller ? relayable(caller.capabilities, forwardRoots) : relayedCapabilities(forwardRoots),
    [META.clientInfo]: clientInfo,
  };
  if (caller?.logLevel !== undefined) meta[META.logLevel] = caller.logLevel;
  return meta;
}

/** The caller's capabilities that Gatehouse relays (roots only where the bundle allows; the extensions it carries). */
function relayable(agent: Record<string, unknown>, forwardRoots: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of ['sampling', 'elicitation', 'roots']) {
    if (key === 'roots' && !forwardRoots) continue;
    if (isPlainObject(agent[key])) out[key] = agent[key];
  }
  const extensions = declaredExtensions(agent);
  if (extensions) out.extensions = extensions;
  return out;
}
