// A 2025 server asks its questions (sampling, elicitation, roots) mid-call and waits for
// the answer, but a 2026-07-28 agent cannot be asked anything mid-call. So Gatehouse
// answers that agent's call with an input_required result carrying the question and
// keeps the call open upstream, held here; the agent's retry brings the answer, which
// goes to the server, and the still-running call is handed to the retry.
import { randomUUID } from 'node:crypto';
import type { JsonRpcRequest } from '../../shared/jsonrpc/message.ts';
import type { InflightCall } from './client-session.ts';

export interface Held {
  agent: string;
  call: InflightCall;
  /** The server's question, under the server's own id. */
  question: JsonRpcRequest;
  /** Where the answer is found in the retry's inputResponses. */
  key: string;
  timer: NodeJS.Timeout;
  /** The server answered the call while it was held: delivered once the agent is back. */
  answered?: () => void;
}

/** Calls one agent may have held at once: each keeps a server's call and question open. */
export const MAX_HELD_PER_AGENT = 64;

export class HeldCalls {
  private readonly byId = new Map<string, Held>();
  private readonly byCall = new Map<InflightCall, string>();
  private readonly perAgent = new Map<string, number>();

  /** Whether this agent may have one more call held. */
  mayHold(agent: string): boolean {
    return (this.perAgent.get(agent) ?? 0) < MAX_HELD_PER_AGENT;
  }

  isHeld(call: InflightCall): boolean {
    return this.byCall.has(call);
  }

  /** Holds a call on a question; `expired` runs if the agent does not come back in time. */
  hold(agent: string, call: InflightCall, question: JsonRpcRequest, key: string, timeoutMs: number, expired: (held: Held) => void): string {
    const id = randomUUID();
    this.perAgent.set(agent, (this.perAgent.get(agent) ?? 0) + 1);
    const timer = setTimeout(() => {
      const held = this.take(id);
      if (held) expired(held);
    }, timeoutMs).unref();
    this.byId.set(id, { agent, call, question, key, timer });
    this.byCall.set(call, id);
    return id;
  }

  /** Keeps the server's answer to a held call for the agent's return; false when the call is not held. */
  stash(call: InflightCall, deliver: () => void): boolean {
    const id = this.byCall.get(call);
    const held = id === undefined ? undefined : this.byId.get(id);
    if (!held) return false;
    held.answered = deliver;
    return true;
  }

  peek(id: string): Held | undefined {
    return this.byId.get(id);
  }

  /** The held call, no longer held. */
  take(id: string): Held | undefined {
    const held = this.byId.get(id);
    if (!held) return undefined;
    clearTimeout(held.timer);
    this.byId.delete(id);
    this.byCall.delete(held.call);
    const left = (this.perAgent.get(held.agent) ?? 1) - 1;
    if (left > 0) this.perAgent.set(held.agent, left);
    else this.perAgent.delete(held.agent);
    return held;
  }
}
