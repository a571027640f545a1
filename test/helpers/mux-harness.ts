import { parseBundle, type Bundle } from '../../shared/bundle/schema.ts';
import type { AuditRecord } from '../../shared/audit/record.ts';
import type { JsonRpcId, JsonRpcMessage, JsonRpcResponse } from '../../shared/jsonrpc/message.ts';
import { Gateway } from '../../gateway/mux/gateway.ts';
import type { ClientSession } from '../../gateway/mux/client-session.ts';
import { EncodedMessage } from '../../gateway/mux/encoded-message.ts';
import { FakeChannel, type FakeTools } from './fake-channel.ts';

// The multiplexer over in-process fake upstreams: what the mux unit tests drive.

export interface Agent {
  session: ClientSession;
  /** Everything sent to this agent, parsed, in order. */
  sent: JsonRpcMessage[];
  request(method: string, params?: Record<string, unknown>): Promise<JsonRpcResponse>;
  notify(method: string, params?: Record<string, unknown>): void;
}

export interface Harness {
  gateway: Gateway;
  channels: Map<string, FakeChannel>;
  records: AuditRecord[];
  agent(name?: string, protocolVersion?: string): Promise<Agent>;
  stop(): Promise<void>;
}

export function testBundle(servers: string[], extra: Record<string, unknown> = {}): Bundle {
  const r = parseBundle({
    schemaVersion: 1,
    name: 'unit',
    version: 1,
    servers: servers.map((id) => ({ id, transport: { type: 'stdio', command: 'fake' } })),
    policies: { rules: [{ id: 'all', effect: 'allow' }] },
    settings: { pinning: { trustOnFirstUse: true } },
    ...extra,
  });
  if (!r.ok) throw new Error(`bad test bundle: ${JSON.stringify(r)}`);
  return r.bundle;
}

export async function harness(bundle: Bundle, tools: Record<string, FakeTools>, opts: { resources?: { uri: string; name: string }[] } = {}): Promise<Harness> {
  const channels = new Map<string, FakeChannel>();
  const records: AuditRecord[] = [];
  const gateway = new Gateway({
    bundle,
    makeChannel: (server) => {
      const ch = new FakeChannel(tools[server.id] ?? {}, { resources: server.id === bundle.servers[0]?.id ? (opts.resources ?? []) : [] });
      channels.set(server.id, ch);
      return ch;
    },
    audit: {
      append: (record, done) => {
        records.push(record);
        done?.();
      },
    },
  });
  gateway.start();
  await gateway.whenSettled();
  for (const s of bundle.servers) await gateway.gate.judged(s.id);
  await tick();
  let nextId = 1;
  return {
    gateway,
    channels,
    records,
    async agent(name = 'agent', protocolVersion = '2025-06-18') {
      const sent: JsonRpcMessage[] = [];
      const waiting = new Map<JsonRpcId, (r: JsonRpcResponse) => void>();
      const session = gateway.openSession(name, 'stdio', {
        send(message) {
          const m = typeof message === 'string' || message instanceof EncodedMessage ? (JSON.parse(message.toString()) as JsonRpcMessage) : message;
          sent.push(m);
          if ('id' in m && !('method' in m)) waiting.get(m.id as JsonRpcId)?.(m as JsonRpcResponse);
        },
      });
      const agent: Agent = {
        session,
        sent,
        request: (method, params = {}) =>
          new Promise((resolve) => {
            const id = nextId++;
            waiting.set(id, resolve);
            gateway.handle(session, { jsonrpc: '2.0', id, method, params });
          }),
        notify: (method, params) => gateway.handle(session, { jsonrpc: '2.0', method, ...(params ? { params } : {}) }),
      };
      await agent.request('initialize', { protocolVersion, capabilities: { sampling: {} }, clientInfo: { name: 'unit', version: '1' } });
      agent.notify('notifications/initialized');
      return agent;
    },
    stop: () => gateway.stop(),
  };
}

export function tick(ms = 20): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
