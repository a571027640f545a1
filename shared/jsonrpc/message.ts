// JSON-RPC 2.0 shapes as they cross the wire. Kept structural (no zod on the
// hot path): the gateway routes raw messages and validates only what it reads.

export type JsonRpcId = string | number;

export interface JsonRpcRequest {
  jsonrpc: '2.0';
  id: JsonRpcId;
  method: string;
  params?: Record<string, unknown>;
}

export interface JsonRpcNotification {
  jsonrpc: '2.0';
  method: string;
  params?: Record<string, unknown>;
}

export interface JsonRpcErrorObject {
  code: number;
  message: string;
  data?: unknown;
}

export interface JsonRpcSuccess {
  jsonrpc: '2.0';
  id: JsonRpcId;
  result: Record<string, unknown>;
}

export interface JsonRpcFailure {
  jsonrpc: '2.0';
  id: JsonRpcId | null;
  error: JsonRpcErrorObject;
}

export type JsonRpcResponse = JsonRpcSuccess | JsonRpcFailure;
export type JsonRpcMessage = JsonRpcRequest | JsonRpcNotification | JsonRpcResponse;

export const ErrorCode = {
  ParseError: -32700,
  InvalidRequest: -32600,
  MethodNotFound: -32601,
  InvalidParams: -32602,
  InternalError: -32603,
  // Implementation-defined server errors (-32000..-32099); the first two match the MCP SDK.
  ConnectionClosed: -32000,
  RequestTimeout: -32001,
  ResourceNotFound: -32002,
  UpstreamUnavailable: -32010,
  MessageTooLarge: -32011,
  UnknownTarget: -32012,
  /** A policy rule (or the default deny) refused the call; `data.rule` names it. */
  PolicyDenied: -32013,
  /** Over a rate limit; `data.retryAfterMs` says when to try again. */
  RateLimited: -32014,
  /** The bundle in force expired: the gateway fails closed until a newer one arrives. */
  BundleExpired: -32015,
} as const;

export function isRequest(m: JsonRpcMessage): m is JsonRpcRequest {
  return 'method' in m && 'id' in m && m.id !== undefined && m.id !== null;
}

export function isNotification(m: JsonRpcMessage): m is JsonRpcNotification {
  return 'method' in m && !('id' in m && m.id !== undefined && m.id !== null);
}

export function isResponse(m: JsonRpcMessage): m is JsonRpcResponse {
  return !('method' in m) && ('result' in m || 'error' in m);
}

export function errorResponse(id: JsonRpcId | null, code: number, message: string, data?: unknown): JsonRpcFailure {
  const error: JsonRpcErrorObject = data === undefined ? { code, message } : { code, message, data };
  return { jsonrpc: '2.0', id, error };
}

export function resultResponse(id: JsonRpcId, result: Record<string, unknown>): JsonRpcSuccess {
  return { jsonrpc: '2.0', id, result };
}

/**
 * Classifies a parsed value as a JSON-RPC message, or returns a reason it is not one.
 * Cheap structural checks only: this runs on every inbound message.
 */
export function classifyMessage(value: unknown): JsonRpcMessage | string {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'message must be a JSON object';
  const m = value as Record<string, unknown>;
  if (m.jsonrpc !== '2.0') return 'jsonrpc must be "2.0"';
  if ('method' in m) {
    if (typeof m.method !== 'string') return 'method must be a string';
    if ('params' in m && m.params !== undefined && (typeof m.params !== 'object' || m.params === null || Array.isArray(m.params))) {
      return 'params must be an object';
    }
    if ('id' in m && m.id !== undefined && typeof m.id !== 'string' && typeof m.id !== 'number') return 'id must be a string or number';
    return m as unknown as JsonRpcMessage;
  }
  if ('result' in m || 'error' in m) return m as unknown as JsonRpcMessage;
  return 'message has neither method nor result/error';
}
