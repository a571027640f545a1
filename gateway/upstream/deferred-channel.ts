import type { JsonRpcId, JsonRpcMessage } from '../../shared/jsonrpc/message.ts';
import type { UpstreamChannel } from './channel.ts';

/** A channel whose implementation module is loaded when it starts, not when the daemon does. */
export class DeferredChannel implements UpstreamChannel {
  onmessage?: (message: JsonRpcMessage) => void;
  onclose?: (reason: string) => void;
  private inner: UpstreamChannel | undefined;
  /** Closed while still loading: the loaded channel must never start (it would be a process nobody owns). */
  private closed = false;
  private readonly load: () => Promise<UpstreamChannel>;

  constructor(load: () => Promise<UpstreamChannel>) {
    this.load = load;
  }

  get pid(): number | undefined {
    return this.inner?.pid;
  }
  get stderrTail(): readonly string[] {
    return this.inner?.stderrTail ?? [];
  }

  async start(): Promise<void> {
    const inner = await this.load();
    if (this.closed) throw new Error('upstream connection was closed while it was starting');
    inner.onmessage = (m) => this.onmessage?.(m);
    inner.onclose = (r) => this.onclose?.(r);
    this.inner = inner;
    await inner.start();
  }

  send(message: JsonRpcMessage): void {
    if (!this.inner) throw new Error('upstream connection is not open');
    this.inner.send(message);
  }

  abort(id: JsonRpcId): boolean {
    return this.inner?.abort?.(id) ?? false;
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.inner?.close();
  }
}
