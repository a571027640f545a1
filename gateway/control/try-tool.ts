import type { JsonRpcMessage } from '../../shared/jsonrpc/message.ts';
import type { Gateway } from '../mux/gateway.ts';

// The dashboard's "Try a tool": a short-lived agent session named "dashboard" that
// lists or calls tools through the Gateway like any agent, so policy, pinning,
// redaction and audit apply to it exactly as they do to an IDE's agent.

export const TRY_AGENT = 'dashboard';
const PROTOCOL = '2025-11-25';

export type TryRequest = { method: 'tools/list'; params?: undefined } | { method: 'tools/call'; params: { name: string; arguments: Record<string, unknown> } };

/** The JSON-RPC answer to the request (a result or an error object), or throws when none came in time. */
export async function tryTool(
  gateway: Gateway,
  request: TryRequest,
  timeoutMs: number,
): Promise<{ result?: unknown; error?: { code: number; message: string } }> {
  const waiting = new Map<number, (message: Record<string, unknown>) => void>();
  const session = gateway.openSession(TRY_AGENT, 'stdio', {
    send(message) {
      let parsed: unknown;
      try {
        parsed = typeof message === 'object' && !('parts' in message) ? message : JSON.parse(message.toString());
      } catch {
        return;
      }
      const m = parsed as Record<string, unknown>;
      if (typeof m.id === 'number' && ('result' in m || 'error' in m)) waiting.get(m.id)?.(m);
    },
  });
  const ask = (id: number, method: string, params: unknown) =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      const timer = setTimeout(() => {
        waiting.delete(id);
        reject(new Error(`no answer to ${method} within ${timeoutMs} ms`));
      }, timeoutMs);
      waiting.set(id, (m) => {
        clearTimeout(timer);
        waiting.delete(id);
        resolve(m);
      });
      gateway.handle(session, { jsonrpc: '2.0', id, method, params } as JsonRpcMessage);
    });
  try {
    const init = await ask(1, 'initialize', { protocolVersion: PROTOCOL, capabilities: {}, clientInfo: { name: 'Gatehouse dashboard', version: '1' } });
    if (init.error) return { error: init.error as { code: number; message: string } };
    gateway.handle(session, { jsonrpc: '2.0', method: 'notifications/initialized' } as JsonRpcMessage);
    const answer = await ask(2, request.method, request.params ?? {});
    return 'error' in answer ? { error: answer.error as { code: number; message: string } } : { result: answer.result };
  } finally {
    gateway.closeSession(session);
  }
}
