import type { JsonRpcMessage } from '../../shared/jsonrpc/message.ts';

/**
 * A live connection to one upstream MCP server that moves JSON-RPC messages.
 * Session logic (handshake, ids, catalog) sits above it, in Upstream (upstream.ts).
 */
export interface UpstreamChannel {
  start(): Promise<void>;
  send(message: JsonRpcMessage): void;
  close(): Promise<void>;
  onmessage?: (message: JsonRpcMessage) => void;
  /** Called once when the channel ends for any reason other than close(). */
  onclose?: (reason: string) => void;
  readonly pid?: number | undefined;
  /** Recent stderr lines (stdio) or transport errors (HTTP), newest last. */
  readonly stderrTail: readonly string[];
}
