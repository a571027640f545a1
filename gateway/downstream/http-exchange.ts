// One POST's exchange on the Streamable HTTP endpoint: its answers, and the messages
// related to it, which turn its response into an SSE stream on the spot.
import type { ServerResponse } from 'node:http';
import { isResponse, type JsonRpcId, type JsonRpcMessage } from '../../shared/jsonrpc/message.ts';
import type { ClientSession } from '../mux/client-session.ts';
import { EncodedMessage } from '../mux/encoded-message.ts';
import { EraErrorCode } from '../mux/era.ts';
import { emit, endStream, primeStream, type CallStream } from './call-streams.ts';
import { sseEvent, type EventLog } from './event-log.ts';

export interface PostExchange {
  res: ServerResponse;
  /** Whether a client holds `res` (a resumable stream goes on without one: call-streams.ts). */
  attached: boolean;
  sse: boolean;
  canSse: boolean;
  batch: boolean;
  waiting: Set<JsonRpcId>;
  collected: string[];
  done: boolean;
  /** Set when its SSE stream can be resumed. */
  stream?: CallStream;
}

export interface HttpSession {
  id: string;
  agent: string;
  client: ClientSession;
  standalone: ServerResponse | undefined;
  /** What the GET stream carried (or would have, while it was closed), for a client that resumes it. */
  events: EventLog;
  /** Which open POST is waiting for each agent request id. */
  exchanges: Map<JsonRpcId, PostExchange>;
  /** POST streams a client may come back to, by stream number. */
  streams: Map<number, PostExchange>;
  nextStream: number;
  lastSeen: number;
  ephemeral: boolean;
}

/**
 * Routes one outgoing message to the POST it answers or belongs to, else to the GET
 * stream. `ended` runs when a stateless (one-POST) session has had its answer.
 */
export function deliver(s: HttpSession, message: JsonRpcMessage | string | EncodedMessage, related: JsonRpcId | undefined, ended: () => void): void {
  if (message instanceof EncodedMessage) {
    if (answerEncoded(s, message, related, ended)) return;
    message = message.toString(); // inside a batch or a stream: spliced as text
  }
  const isAnswer = typeof message === 'string' || isResponse(message);
  const id = typeof message === 'string' ? related : isAnswer ? (message as { id: JsonRpcId }).id : related;
  const exchange = id !== undefined ? s.exchanges.get(id) : undefined;
  const text = typeof message === 'string' ? message : JSON.stringify(message);
  if (!exchange || exchange.done) {
    if (!isAnswer) toStandalone(s, text);
    return;
  }
  if (!isAnswer) {
    if (!exchange.canSse) {
      toStandalone(s, text);
      return;
    }
    if (!exchange.sse) upgrade(s, exchange);
    emit(s, exchange, text);
    return;
  }
  exchange.waiting.delete(id!);
  s.exchanges.delete(id!);
  if (exchange.sse) {
    emit(s, exchange, text);
  } else {
    exchange.collected.push(text);
  }
  if (exchange.waiting.size > 0) return;
  exchange.done = true;
  if (exchange.sse) {
    endStream(s, exchange);
  } else {
    const body = exchange.batch ? `[${exchange.collected.join(',')}]` : exchange.collected[0]!;
    const headers: Record<string, string | number> = { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) };
    if (!s.ephemeral) headers['mcp-session-id'] = s.id;
    exchange.res.writeHead(s.ephemeral && !exchange.batch ? statusOf(message) : 200, headers);
    exchange.res.end(body);
  }
  if (s.ephemeral) ended();
}

/** A pre-encoded answer that is a POST's only answer goes out as its bytes, with no copy. */
function answerEncoded(s: HttpSession, message: EncodedMessage, id: JsonRpcId | undefined, ended: () => void): boolean {
  const exchange = id !== undefined ? s.exchanges.get(id) : undefined;
  if (!exchange || exchange.done || exchange.sse || exchange.batch || exchange.waiting.size !== 1 || !exchange.waiting.has(id!)) return false;
  exchange.waiting.delete(id!);
  s.exchanges.delete(id!);
  exchange.done = true;
  exchange.res.writeHead(200, {
    'content-type': 'application/json',
    'content-length': message.byteLength,
    ...(s.ephemeral ? {} : { 'mcp-session-id': s.id }),
  });
  exchange.res.cork();
  for (const part of message.parts) exchange.res.write(part);
  exchange.res.end();
  if (s.ephemeral) ended();
  return true;
}

function upgrade(s: HttpSession, exchange: PostExchange): void {
  exchange.sse = true;
  startSse(exchange.res, s.ephemeral ? undefined : s.id);
  primeStream(s, exchange);
  // Answers collected before the switch (batches) go out first.
  for (const text of exchange.collected) emit(s, exchange, text);
  exchange.collected = [];
}

export function startSse(res: ServerResponse, sessionId: string | undefined): void {
  const headers: Record<string, string> = { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' };
  if (sessionId) headers['mcp-session-id'] = sessionId;
  res.writeHead(200, headers);
  res.flushHeaders();
}

/**
 * The HTTP status of a stateless request's only answer: the 2026-07-28 binding gives
 * a missing client capability a 400, like the other request-level refusals.
 */
function statusOf(message: JsonRpcMessage | string): number {
  if (typeof message === 'string' || !isResponse(message) || !('error' in message)) return 200;
  return message.error.code === EraErrorCode.MissingRequiredClientCapability ? 400 : 200;
}

/** A message for the session's GET stream: kept for resumption, and written if the stream is open. */
function toStandalone(s: HttpSession, text: string): void {
  if (s.ephemeral) return;
  const id = s.events.keep(text);
  if (s.standalone && !s.standalone.writableEnded) s.standalone.write(sseEvent(text, id));
}
