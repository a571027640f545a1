import type { Readable, Writable } from 'node:stream';
import { classifyMessage, ErrorCode, errorResponse, type JsonRpcMessage } from '../../shared/jsonrpc/message.ts';
import { LineReader } from '../framing/line-reader.ts';
import type { ClientSession } from '../mux/client-session.ts';
import { EncodedMessage } from '../mux/encoded-message.ts';
import type { Gateway } from '../mux/gateway.ts';

/**
 * Serves one agent over a newline-delimited JSON-RPC stream: the stdio bridge's
 * socket, or the process's own stdin/stdout in standalone mode. Bad lines get a
 * JSON-RPC error and the connection stays up.
 */
export function serveLineStream(gateway: Gateway, agent: string, input: Readable, output: Writable, firstChunk?: Buffer): ClientSession {
  // Backpressure: an agent that writes and never reads would make us queue its answers
  // without end. While the output is full we stop reading its requests, as HTTP does.
  let blocked = false;
  const session = gateway.openSession(agent, 'stdio', {
    send(message: JsonRpcMessage | string | EncodedMessage) {
      if (!output.writable) return;
      const ok =
        message instanceof EncodedMessage
          ? writeEncoded(output, message)
          : output.write(typeof message === 'string' ? `${message}\n` : `${JSON.stringify(message)}\n`);
      if (!ok && !blocked) {
        blocked = true;
        input.pause();
        output.once('drain', () => {
          blocked = false;
          input.resume();
        });
      }
    },
  });
  const limit = gateway.settings.maxMessageBytes;
  const reader = new LineReader(limit, {
    onLine(line) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(line);
      } catch (err) {
        session.sink.send(errorResponse(null, ErrorCode.ParseError, `parse error: ${(err as Error).message}`));
        return;
      }
      if (Array.isArray(parsed)) {
        // JSON-RPC batches (2025-03-26): handle each member.
        for (const item of parsed) dispatch(item);
        return;
      }
      dispatch(parsed);
    },
    onOversize(bytes) {
      session.sink.send(errorResponse(null, ErrorCode.MessageTooLarge, `message of ${bytes} bytes is over the ${limit}-byte limit (settings.maxMessageBytes)`));
    },
  });
  function dispatch(value: unknown): void {
    const message = classifyMessage(value);
    if (typeof message === 'string') {
      const id = typeof value === 'object' && value !== null && 'id' in value ? (value as { id: unknown }).id : null;
      session.sink.send(errorResponse(typeof id === 'string' || typeof id === 'number' ? id : null, ErrorCode.InvalidRequest, `invalid request: ${message}`));
      return;
    }
    gateway.handle(session, message);
  }
  if (firstChunk && firstChunk.length) reader.push(firstChunk);
  input.on('data', (chunk: Buffer) => reader.push(chunk));
  const close = () => gateway.closeSession(session);
  input.once('end', close);
  input.once('close', close);
  input.once('error', close);
  output.on('error', close);
  return session;
}

const NEWLINE = Buffer.from('\n');

/** Writes a pre-encoded message's pieces as one vectored write: no joining, no re-encoding. */
function writeEncoded(output: Writable, message: EncodedMessage): boolean {
  output.cork();
  for (const part of message.parts) output.write(part);
  const ok = output.write(NEWLINE);
  output.uncork();
  return ok;
}
