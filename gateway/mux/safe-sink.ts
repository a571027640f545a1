import { ErrorCode, errorResponse, isResponse, type JsonRpcId } from '../../shared/jsonrpc/message.ts';
import type { ClientSink } from './client-session.ts';
import { EncodedMessage } from './encoded-message.ts';

// A peer's value can be one JSON.parse reads but JSON.stringify cannot write: an
// upstream's error `data` nested some thousands deep overflows the encoder's stack.
// Sends run inside timers and the audit log's commit (a microtask), where a throw
// stopped the daemon (red team, 2026-12-02). Whatever a send throws stays here: an
// answer becomes an error under its id, anything else is dropped.

/** The sink, made unable to throw back at whoever sends through it. */
export function encodingSafe(sink: ClientSink, dropped: (why: string) => void): ClientSink {
  return {
    send(message, related) {
      try {
        sink.send(message, related);
        return;
      } catch (err) {
        const why = (err as Error).message;
        const id: JsonRpcId | undefined =
          typeof message === 'string' || message instanceof EncodedMessage ? related : isResponse(message) ? (message.id ?? undefined) : undefined;
        dropped(`a message to the agent could not be sent (${why})${id === undefined ? '' : '; its request was answered with an error'}`);
        if (id === undefined) return;
        try {
          sink.send(errorResponse(id, ErrorCode.InternalError, `Gatehouse could not send this answer to the agent: ${why}`));
        } catch {
          /* the agent's connection itself fails: its close handler ends the session */
        }
      }
    },
  };
}
