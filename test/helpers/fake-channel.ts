import type { JsonRpcMessage, JsonRpcRequest } from '../../shared/jsonrpc/message.ts';
import type { UpstreamChannel } from '../../gateway/upstream/channel.ts';

// An upstream in the same process, for unit tests of the multiplexer's modules: it
// speaks enough MCP (2025 handshake, lists, calls) for routing to be tested without
// spawning anything, records what it was sent, and can speak first (notifications,
// requests to the agent). The integration tests use real servers.

export interface FakeTools {
  [name: string]: (args: Record<string, unknown>) => Record<string, unknown>;
}

export class FakeChannel implements UpstreamChannel {
  readonly stderrTail: readonly string[] = [];
  readonly received: JsonRpcMessage[] = [];
  onmessage?: (message: JsonRpcMessage) => void;
  onclose?: (reason: string) => void;
  /** Calls held unanswered until release(): for cancellation and progress. */
  hold = false;
  private readonly held: JsonRpcRequest[] = [];
  private readonly tools: FakeTools;
  private readonly resources: { uri: string; name: string }[];
  private readonly capabilities: Record<string, unknown>;

  constructor(tools: FakeTools, opts: { resources?: { uri: string; name: string }[]; capabilities?: Record<string, unknown> } = {}) {
    this.tools = tools;
    this.resources = opts.resources ?? [];
    this.capabilities = opts.capabilities ?? { tools: { listChanged: true }, resources: { subscribe: true }, logging: {} };
  }

  async start(): Promise<void> {}
  async close(): Promise<void> {}

  send(message: JsonRpcMessage): void {
    this.received.push(message);
    if (!('method' in message) || !('id' in message)) return;
    const req = message as JsonRpcRequest;
    if (req.method === 'tools/call' && this.hold) {
      this.held.push(req);
      return;
    }
    queueMicrotask(() => this.answer(req));
  }

  /** Answers the calls held back. */
  release(): void {
    for (const req of this.held.splice(0)) this.answer(req);
  }

  /** The server speaks first: a notification or a request to the agent. */
  speak(message: JsonRpcMessage): void {
    this.onmessage?.(message);
  }

  /** Requests it received, by method. */
  requests(method: string): JsonRpcRequest[] {
    return this.received.filter((m): m is JsonRpcRequest => 'method' in m && 'id' in m && m.method === method);
  }

  private answer(req: JsonRpcRequest): void {
    const result = this.resultFor(req);
    this.onmessage?.(
      result === undefined ? { jsonrpc: '2.0', id: req.id, error: { code: -32601, message: `no ${req.method}` } } : { jsonrpc: '2.0', id: req.id, result },
    );
  }

  private resultFor(req: JsonRpcRequest): Record<string, unknown> | undefined {
    const params = req.params ?? {};
    switch (req.method) {
      case 'initialize':
        return { protocolVersion: String(params.protocolVersion), capabilities: this.capabilities, serverInfo: { name: 'fake', version: '1' } };
      case 'tools/list':
        return { tools: Object.keys(this.tools).map((name) => ({ name, description: `The ${name} tool.`, inputSchema: { type: 'object' } })) };
      case 'tools/call': {
        const tool = this.tools[String(params.name)];
        return tool ? tool((params.arguments ?? {}) as Record<string, unknown>) : { content: [{ type: 'text', text: 'no such tool' }], isError: true };
      }
      case 'resources/list':
        return { resources: this.resources };
      case 'resources/templates/list':
        return { resourceTemplates: [] };
      case 'resources/read':
        return { contents: [{ uri: String(params.uri), text: 'contents' }] };
      case 'prompts/list':
        return { prompts: [] };
      case 'resources/subscribe':
      case 'resources/unsubscribe':
      case 'logging/setLevel':
        return {};
      default:
        return undefined;
    }
  }
}
