import type { JsonRpcId, JsonRpcMessage } from '../../shared/jsonrpc/message.ts';

/**
 * A live connection to one upstream MCP server that moves JSON-RPC messages.
 * Session logic (handshake, ids, catalog) sits above it, in Upstream (upstream.ts).
 */
export interface UpstreamChannel {
  start(): Promise<void>;
  send(message: JsonRpcMessage): void;
  /**
   * Ends one request's own stream (Streamable HTTP: its POST and SSE response), the way
   * the 2026-07-28 revision cancels a request. False when the request has no stream of
   * its own (channels that share one stream, or one already answered).
   */
  abort?(id: JsonRpcId): boolean;
  close(): Promise<void>;
  onmessage?: (message: JsonRpcMessage) => void;
  /** Called once when the channel ends for any reason other than close(). */
  onclose?: (reason: string) => void;
  readonly pid?: number | undefined;
  /** Recent stderr lines (stdio) or transport errors (HTTP), newest last. */
  readonly stderrTail: readonly string[];
}
