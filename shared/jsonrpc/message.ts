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
  // -32012 (an unknown target) is retired: unknown names are Invalid params now. Not reused.
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

/** A JSON object that is not an array: what params, results and capabilities must be. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * What is wrong with a response a peer sent, or undefined when its shape is one we can
 * relay: a result that is an object, or an error with an integer code and a string message.
 */
export function responseProblem(m: JsonRpcResponse): string | undefined {
  if ('result' in m) return isPlainObject(m.result) ? undefined : 'its "result" is not an object';
  const e = (m as { error: unknown }).error;
  if (!isPlainObject(e)) return 'its "error" is not an object';
  if (!Number.isInteger(e.code)) return 'its error has no integer "code"';
  if (typeof e.message !== 'string') return 'its error has no string "message"';
  return undefined;
}

/**
 * Classifies a parsed value as a JSON-RPC message, or returns a reason it is not one.
 * Cheap structural checks only: this runs on every inbound message. A response's
 * result or error is not checked here (see responseProblem): a malformed answer must
 * still reach the request it answers, as an error.
 */
export function classifyMessage(value: unknown): JsonRpcMessage | string {
  if (!isPlainObject(value)) return 'message must be a JSON object';
  const m = value;
  if (m.jsonrpc !== '2.0') return 'jsonrpc must be "2.0"';
  if ('method' in m) {
    if (typeof m.method !== 'string') return 'method must be a string';
    if ('params' in m && m.params !== undefined && !isPlainObject(m.params)) return 'params must be an object';
    if ('id' in m && m.id !== undefined && m.id !== null && typeof m.id !== 'string' && !Number.isFinite(m.id)) return 'id must be a string or number';
    return m as unknown as JsonRpcMessage;
  }
  if ('result' in m || 'error' in m) {
    if (m.id !== null && typeof m.id !== 'string' && !Number.isFinite(m.id)) return 'id must be a string, number or null';
    return m as unknown as JsonRpcMessage;
  }
  return 'message has neither method nor result/error';
}
