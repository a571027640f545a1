import type { JsonRpcId, JsonRpcMessage, JsonRpcResponse } from '../../shared/jsonrpc/message.ts';
import type { Upstream } from '../upstream/upstream.ts';
import type { EncodedMessage } from './encoded-message.ts';

/**
 * Where messages for one connected agent go. `related` names the agent request a
 * message belongs to; for a pre-serialized response string it is that response's id.
 */
export interface ClientSink {
  send(message: JsonRpcMessage | string | EncodedMessage, related?: JsonRpcId): void;
}

export type { CallEnding } from '../audit/call-record.ts';
import type { CallEnding } from '../audit/call-record.ts';

/** One agent session as the status reports it. */
export interface SessionSnapshot {
  readonly session: string;
  readonly agent: string;
  readonly transport: 'stdio' | 'http';
  readonly clientInfo: Readonly<Record<string, unknown>> | null;
  readonly protocolVersion: string | null;
  readonly connectedAt: number;
  readonly lastActiveAt: number;
  readonly calls: number;
  readonly errors: number;
  readonly inflight: number;
  /** Whether the transport still holds a way to reach the agent (see `listening`). */
  readonly listening: boolean;
}

export interface InflightCall {
  upstream: Upstream;
  upstreamId: JsonRpcId | undefined;
  method: string;
  startedAt: number;
  progressToken?: string | undefined;
  /** Set when the agent cancelled or went away; the call is then recorded but not answered. */
  ended?: CallEnding;
}

/** A request an upstream sent that we passed on to this agent (sampling, elicitation, roots). */
export interface RelayedRequest {
  upstream: Upstream;
  upstreamRequestId: JsonRpcId;
}

export const LOG_LEVELS = ['debug', 'info', 'notice', 'warning', 'error', 'critical', 'alert', 'emergency'] as const;

/** One agent connection (a stdio bridge, an HTTP session, or a stateless request). */
export class ClientSession {
  initialized = false;
  protocolVersion: string | undefined;
  clientInfo: Record<string, unknown> | undefined;
  capabilities: Record<string, unknown> = {};
  /** Index into LOG_LEVELS; undefined means the agent never set one. */
  logLevel: number | undefined;
  readonly subscriptions = new Set<string>();
  readonly inflight = new Map<JsonRpcId, InflightCall>();
  readonly relayed = new Map<JsonRpcId, RelayedRequest>();
  /** Requests Gatehouse itself sent this agent (approval prompts), by id. */
  readonly own = new Map<JsonRpcId, (response: JsonRpcResponse) => void>();
  /** The list contents last served, per list_changed method, so we only notify real changes. */
  readonly seen = new Map<string, string>();
  readonly connectedAt = Date.now();
  lastActiveAt = Date.now();
  calls = 0;
  errors = 0;
  /**
   * Whether the transport still holds a way to reach the agent. An HTTP agent that
   * keeps no GET stream open cannot be told apart from one that went away, so the
   * status calls it idle rather than connected once it has been quiet a while.
   */
  listening: (() => boolean) | undefined;
  private nextRelayId = 1;

  readonly id: string;
  readonly agent: string;
  readonly transport: 'stdio' | 'http';
  readonly sink: ClientSink;

  constructor(id: string, agent: string, transport: 'stdio' | 'http', sink: ClientSink) {
    this.id = id;
    this.agent = agent;
    this.transport = transport;
    this.sink = sink;
  }

  relayId(): string {
    return `gh-${this.nextRelayId++}`;
  }

  /** The session as it is now, copied: what the status reports. */
  snapshot(): SessionSnapshot {
    return {
      session: this.id,
      agent: this.agent,
      transport: this.transport,
      clientInfo: this.clientInfo ?? null,
      protocolVersion: this.protocolVersion ?? null,
      connectedAt: this.connectedAt,
      lastActiveAt: this.lastActiveAt,
      calls: this.calls,
      errors: this.errors,
      inflight: this.inflight.size,
      listening: this.listening?.() ?? false,
    };
  }
}
