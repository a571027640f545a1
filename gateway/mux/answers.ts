import { errorResponse, type JsonRpcId, type JsonRpcRequest } from '../../shared/jsonrpc/message.ts';
import type { ClientSession } from './client-session.ts';
import { shapedResult } from './era.ts';

// Gatehouse's own answers to an agent (not an upstream's, which the router passes on).

export function reply(session: ClientSession, req: JsonRpcRequest, result: Record<string, unknown>): void {
  session.sink.send({ jsonrpc: '2.0', id: req.id, result: shapedResult(session, req.method, result) });
}

/** An error answer; it counts against the session in the status. */
export function fail(session: ClientSession, id: JsonRpcId, code: number, message: string, data?: unknown): void {
  session.errors++;
  session.sink.send(errorResponse(id, code, message, data));
}
