// Resumable call streams (Streamable HTTP, 2025-11-25): when a POST's answer turns into
// an SSE stream, its events get ids and a priming event tells the client it may come
// back. A client whose stream drops mid-call does not cancel the call (the revision says
// a disconnection is not a cancellation): what the stream would have carried is kept,
// and a GET with the last event id it saw gets the rest, the answer included.
import type { ServerResponse } from 'node:http';
import { isModernVersion } from '../../shared/jsonrpc/protocol.ts';
import { EventLog } from './event-log.ts';
import type { HttpSession, PostExchange } from './http-exchange.ts';

/** How long a client is told to wait before it comes back to a dropped stream. */
const RETRY_MS = 1000;
/** Streams one session keeps for resumption; the oldest finished one goes first. */
const MAX_STREAMS = 32;
/** Characters one session's streams keep for resumption (an answer larger than this alone is kept alone). */
const MAX_SESSION_BYTES = 4 << 20;
/** The revision that added priming events: older clients may not expect an event with empty data. */
const PRIMING_SINCE = '2025-11-25';

export interface CallStream {
  key: number;
  log: EventLog;
}

const eventId = (stream: CallStream, n: number) => `p${stream.key}.${n}`;

/** Whether this session's POST streams can be resumed: a session to come back to, on a revision that knows priming. */
function resumable(s: HttpSession): boolean {
  const version = s.client.protocolVersion;
  return !s.ephemeral && version !== undefined && version >= PRIMING_SINCE && !isModernVersion(version);
}

/** The exchange's stream was just opened: it gets an id and a priming event, if its session can resume it. */
export function primeStream(s: HttpSession, exchange: PostExchange): void {
  if (!resumable(s)) return;
  const stream: CallStream = { key: ++s.nextStream, log: new EventLog() };
  exchange.stream = stream;
  s.streams.set(stream.key, exchange);
  if (s.streams.size > MAX_STREAMS) {
    const oldest = [...s.streams].find(([, e]) => e.done) ?? [...s.streams][0]!;
    s.streams.delete(oldest[0]);
  }
  exchange.res.write(`id: ${eventId(stream, 0)}\nretry: ${RETRY_MS}\ndata: \n\n`);
}

/** One message on the exchange's stream: kept (when resumable) and written if a client holds the stream. */
export function emit(s: HttpSession, exchange: PostExchange, text: string): void {
  const stream = exchange.stream;
  const id = stream ? `id: ${eventId(stream, stream.log.keep(text))}\n` : '';
  if (stream) withinBudget(s, exchange);
  if (exchange.attached && !exchange.res.writableEnded) exchange.res.write(`${id}event: message\ndata: ${text}\n\n`);
}

/**
 * Keeps what a session's streams hold for resumption within its budget: past it, the
 * streams no client holds lose what they kept (finished ones first, oldest first) and can
 * no longer be resumed. Without it one agent's dropped streams of large answers held
 * hundreds of megabytes (red team, 2026-11-30).
 */
function withinBudget(s: HttpSession, current: PostExchange): void {
  let total = 0;
  for (const e of s.streams.values()) total += e.stream?.log.size ?? 0;
  if (total <= MAX_SESSION_BYTES) return;
  const dropped = [...s.streams].filter(([, e]) => e !== current && !e.attached).sort((a, b) => Number(b[1].done) - Number(a[1].done));
  for (const [key, e] of dropped) {
    if (total <= MAX_SESSION_BYTES) return;
    total -= e.stream?.log.size ?? 0;
    s.streams.delete(key);
    // A call still running on it keeps no more: nobody can come back for it.
    e.stream = undefined;
  }
}

/** The exchange has had its last answer: its stream ends, and is forgotten once a client saw the end. */
export function endStream(s: HttpSession, exchange: PostExchange): void {
  if (!exchange.attached) return;
  exchange.res.end();
  if (exchange.stream) s.streams.delete(exchange.stream.key);
}

/**
 * A client that lost a call stream comes back with a GET and the last event id it saw:
 * it gets what came after, then the rest as it comes. False when the id names no POST
 * stream (it may be the GET stream's own).
 */
export function resumeStream(s: HttpSession, lastEventId: string, res: ServerResponse, start: () => void): boolean {
  const m = /^p(\d{1,9})\.(\d{1,15})$/.exec(lastEventId);
  if (!m) return false;
  const exchange = s.streams.get(Number(m[1]));
  if (!exchange?.stream) {
    res.writeHead(404, { 'content-type': 'application/json' }).end('{"jsonrpc":"2.0","id":null,"error":{"code":-32600,"message":"that stream is gone"}}');
    return true;
  }
  const stream = exchange.stream;
  if (exchange.attached && !exchange.res.writableEnded) exchange.res.end(); // one client per stream: the newest
  start();
  for (const e of stream.log.after(m[2]!)) res.write(`id: ${eventId(stream, e.id)}\nevent: message\ndata: ${e.text}\n\n`);
  exchange.res = res;
  exchange.attached = true;
  if (exchange.done) endStream(s, exchange);
  else res.on('close', () => detach(exchange, res));
  return true;
}

/** The client's connection to a stream closed: true when the call goes on for a later resume (else it is given up). */
export function detach(exchange: PostExchange, res: ServerResponse): boolean {
  if (exchange.res !== res) return true;
  exchange.attached = false;
  return exchange.stream !== undefined;
}
