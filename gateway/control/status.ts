import type { AgentStatus, CredentialStatus, Problem, ServerStatus, Status, ToolEntry } from '../../shared/control/contract.ts';
import type { SessionSnapshot } from '../mux/client-session.ts';
import { GATEHOUSE_INFO, type Gateway } from '../mux/gateway.ts';
import { sandboxReport } from '../sandbox/launcher.ts';

export interface DaemonFacts {
  dataDir: string;
  port: number;
  socket: string;
  bundleSource: string;
  startedAt: number;
  credentials: CredentialStatus[];
  audit: Status['audit'];
  org?: Status['org'];
  identity?: Status['identity'];
  problems?: Problem[];
}

export function serverStatuses(gateway: Gateway): ServerStatus[] {
  return gateway.currentBundle.servers.map((server) => {
    const u = gateway.upstream(server.id);
    return {
      id: server.id,
      name: server.name ?? null,
      transport: server.transport.type,
      status: server.status,
      state: u ? u.state : 'disabled',
      pid: u?.pid ?? null,
      restarts: u?.restarts ?? 0,
      lastError:
        u?.lastError ?? (server.status === 'revoked' ? 'revoked in the bundle' : gateway.isDisabled(server.id) ? 'switched off on this desktop' : null),
      stderrTail: u ? u.stderrTail.slice(-20) : [],
      protocolVersion: u?.protocolVersion ?? null,
      serverHash: gateway.gate.serverHash(server.id) ?? null,
      serverInfo: u?.serverInfo ? { ...u.serverInfo } : null,
      counts: u ? { ...u.counts } : { tools: 0, resources: 0, resourceTemplates: 0, prompts: 0 },
      inflight: u?.inflight ?? 0,
      enabled: !gateway.isDisabled(server.id),
      sandbox: sandboxReport(server, gateway.settings),
    };
  });
}

export function agentStatuses(gateway: Gateway): AgentStatus[] {
  return gateway.sessions().map((s) => {
    const { listening: _listening, ...shown } = s;
    return { ...shown, clientInfo: s.clientInfo ? { ...s.clientInfo } : null, presence: presenceOf(s) };
  });
}

/** How long an HTTP agent without an open stream counts as connected after its last request. */
const IDLE_AFTER_MS = 60_000;

export function presenceOf(s: Pick<SessionSnapshot, 'transport' | 'inflight' | 'listening' | 'lastActiveAt'>, now = Date.now()): 'connected' | 'idle' {
  // A stdio bridge's socket closes when its IDE goes, so a stdio session that exists is connected.
  if (s.transport === 'stdio' || s.inflight > 0 || s.listening) return 'connected';
  return now - s.lastActiveAt < IDLE_AFTER_MS ? 'connected' : 'idle';
}

export function toolEntries(gateway: Gateway): ToolEntry[] {
  const view = gateway.toolView();
  const listed: ToolEntry[] = view.items.map((tool) => {
    const route = view.routes.get(tool.name as string)!;
    return {
      name: tool.name as string,
      server: route.upstream.id,
      upstreamName: route.name,
      title: typeof tool.title === 'string' ? tool.title : null,
      description: typeof tool.description === 'string' ? tool.description : null,
      pinState: 'approved',
      pendingChange: null,
      policy: gateway.rulesFor(route.upstream.id, route.name),
    };
  });
  const held: ToolEntry[] = gateway.gate.heldBack().map((h) => ({
    name: h.exposedName,
    server: h.server,
    upstreamName: h.tool,
    title: null,
    description: null,
    pinState: h.state,
    pendingChange: h.pendingChange,
    policy: gateway.rulesFor(h.server, h.tool),
  }));
  return [...listed, ...held];
}

export function buildStatus(gateway: Gateway, facts: DaemonFacts): Status {
  const bundle = gateway.currentBundle;
  return {
    version: GATEHOUSE_INFO.version,
    pid: process.pid,
    uptimeMs: Date.now() - facts.startedAt,
    dataDir: facts.dataDir,
    port: facts.port,
    socket: facts.socket,
    bundle: {
      name: bundle.name,
      version: bundle.version,
      source: facts.bundleSource,
      expiresAt: bundle.expiresAt ?? null,
      closed: gateway.closedReason ?? null,
    },
    org: facts.org ?? null,
    ...(facts.identity
      ? { identity: { user: facts.identity.user, groups: [...facts.identity.groups], source: facts.identity.source, problem: facts.identity.problem } }
      : {}),
    pinning: { trustOnFirstUse: bundle.settings.pinning.trustOnFirstUse, pending: gateway.gate.pending().length },
    paused: gateway.paused,
    rssBytes: process.memoryUsage.rss(),
    servers: serverStatuses(gateway),
    agents: agentStatuses(gateway),
    audit: facts.audit,
    credentials: facts.credentials,
    ...(facts.problems ? { problems: facts.problems } : {}),
    desktop: { minimumVersion: bundle.settings.desktop?.minimumVersion ?? null },
  };
}
