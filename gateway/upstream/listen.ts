// A 2026-07-28 server has no session to push notifications on: list changes and
// resource updates come only on a `subscriptions/listen` request it keeps open. One
// such stream per upstream carries what Gatehouse needs; it is opened again when the
// set of watched resources changes or the server ends it.
import type { JsonRpcId, JsonRpcResponse } from '../../shared/jsonrpc/message.ts';

export interface ListenIo {
  /** Sends a request with no timeout; the handler runs once, when the stream ends. */
  request(method: string, params: Record<string, unknown>, handler: (response: JsonRpcResponse) => void): JsonRpcId | undefined;
  cancel(id: JsonRpcId, reason: string): void;
  capabilities(): Record<string, unknown>;
  ready(): boolean;
}

/** How long a stream the server ended waits before it is opened again (a server that ends it at once must not spin us). */
const REOPEN_DELAY_MS = 1000;

export class UpstreamListen {
  private readonly watched = new Set<string>();
  private current: JsonRpcId | undefined;
  private readonly io: ListenIo;

  constructor(io: ListenIo) {
    this.io = io;
  }

  get streaming(): boolean {
    return this.current !== undefined;
  }

  /** The upstream is ready (again): its stream opens with what is watched now. */
  open(): void {
    this.current = undefined;
    const filter = this.filter();
    if (!filter) return;
    const id = this.io.request('subscriptions/listen', { notifications: filter }, () => {
      if (this.current !== id) return;
      this.current = undefined;
      setTimeout(() => {
        if (this.current === undefined && this.io.ready()) this.open();
      }, REOPEN_DELAY_MS).unref();
    });
    this.current = id;
  }

  watch(uri: string): void {
    if (this.watched.has(uri)) return;
    this.watched.add(uri);
    this.reopen();
  }

  unwatch(uri: string): void {
    if (this.watched.delete(uri)) this.reopen();
  }

  private reopen(): void {
    if (!this.io.ready()) return;
    const before = this.current;
    this.current = undefined;
    if (before !== undefined) this.io.cancel(before, 'the watched resources changed');
    this.open();
  }

  private filter(): Record<string, unknown> | undefined {
    const caps = this.io.capabilities();
    const has = (kind: string, flag: string) => {
      const c = caps[kind];
      return c !== null && typeof c === 'object' && (c as Record<string, unknown>)[flag] === true;
    };
    const filter: Record<string, unknown> = {};
    if (has('tools', 'listChanged')) filter.toolsListChanged = true;
    if (has('prompts', 'listChanged')) filter.promptsListChanged = true;
    if (has('resources', 'listChanged')) filter.resourcesListChanged = true;
    if (has('resources', 'subscribe') && this.watched.size > 0) filter.resourceSubscriptions = [...this.watched];
    return Object.keys(filter).length > 0 ? filter : undefined;
  }
}
