// A 2026-07-28 upstream that needs something from the user or the model answers a call
// with an `input_required` result instead of asking mid-call (SEP-2322). Gatehouse
// relays it to agents of both eras:
// - a 2026 agent gets the result, with the server's requestState sealed inside one of
//   Gatehouse's own, bound to that agent, server, method and target, so a state cannot
//   be replayed by another agent or on another call, and a tampered one never reaches
//   the server;
// - a 2025 agent is asked each input request as the server-to-client request it knows
//   (elicitation/create, sampling/createMessage, roots/list) on the call's own stream,
//   and Gatehouse retries the call upstream with the answers, round after round.
import { ErrorCode, errorResponse, isPlainObject, type JsonRpcRequest, type JsonRpcResponse } from '../../shared/jsonrpc/message.ts';
import type { ClientSession } from './client-session.ts';
import { StateSeal } from './sealed-state.ts';

/** The questions a server may put to an agent (mid-call, or in an input_required result), and the agent capability each needs. */
export const QUESTION_CAPABILITY: ReadonlyMap<string, string> = new Map([
  ['elicitation/create', 'elicitation'],
  ['sampling/createMessage', 'sampling'],
  ['roots/list', 'roots'],
]);

/** Why a server may not put this question to any agent, whichever way it asks: the bundle keeps the agents' roots from it. */
export function withheldQuestion(method: unknown, forwardRoots: boolean): string | undefined {
  return method === 'roots/list' && !forwardRoots ? "the bundle does not let this server see the agents' roots (forwardRoots)" : undefined;
}

/** Questions one input_required result may put to an agent at once (a relayed server's questions are capped per session too). */
export const MAX_INPUT_REQUESTS = 16;

/** The largest server requestState relayed: sealed, it must still fit the 256 KB Gatehouse accepts back. */
const MAX_SERVER_STATE = 128 * 1024;

/** Rounds one 2025-era call may take before Gatehouse gives up on a server that keeps asking. */
export const MAX_INPUT_ROUNDS = 16;
/** How long a sealed state stays good: a person may take a while to answer. */
const STATE_TTL_MS = 30 * 60_000;

/** What a sealed state is bound to, and the server's own state inside it. */
interface Bound {
  a: string;
  u: string;
  m: string;
  t: string;
  e: number;
  s?: string;
  /** A held call's id, for a question a 2025 server asked mid-call (heldResult). */
  h?: string;
}

export function isInputRequired(response: JsonRpcResponse): response is { jsonrpc: '2.0'; id: string | number; result: Record<string, unknown> } {
  return 'result' in response && response.result.resultType === 'input_required';
}

/** The name or URI a call is about, as the upstream knows it. */
function targetOf(params: Record<string, unknown>): string {
  return typeof params.name === 'string' ? params.name : typeof params.uri === 'string' ? params.uri : '';
}

export class InputRelay {
  private readonly seal = new StateSeal(256 * 1024);

  /**
   * Why an input_required result is not passed on, for agents of either era: too many
   * questions at once, or the agent's roots when the bundle does not let this server
   * see them (forwardRoots), which a 2026 server could otherwise ask for this way.
   */
  refusal(result: Record<string, unknown>, forwardRoots: boolean): string | undefined {
    const requests = isPlainObject(result.inputRequests) ? Object.values(result.inputRequests) : [];
    // Bytes, not characters: the sealed form is base64 of the UTF-8.
    const stateBytes = typeof result.requestState === 'string' ? Buffer.byteLength(result.requestState) : 0;
    if (stateBytes > MAX_SERVER_STATE) return `sent a requestState of ${stateBytes} bytes (at most ${MAX_SERVER_STATE} can be carried back)`;
    if (requests.length > MAX_INPUT_REQUESTS) return `asked ${requests.length} questions at once (at most ${MAX_INPUT_REQUESTS} are passed on)`;
    for (const r of requests) {
      const withheld = isPlainObject(r) ? withheldQuestion(r.method, forwardRoots) : undefined;
      if (withheld) return `asked a question ${withheld}`;
    }
    return undefined;
  }

  /** The result a 2026 agent sees: the server's requestState sealed and bound to this caller. */
  sealFor(
    session: ClientSession,
    upstreamId: string,
    req: JsonRpcRequest,
    upstreamParams: Record<string, unknown>,
    result: Record<string, unknown>,
  ): Record<string, unknown> {
    const bound: Bound = { a: session.agent, u: upstreamId, m: req.method, t: targetOf(upstreamParams), e: Date.now() + STATE_TTL_MS };
    if (typeof result.requestState === 'string') bound.s = result.requestState;
    return { ...result, requestState: this.seal.seal(bound) };
  }

  /**
   * A 2026 agent's retry, as the upstream must see it: the server's own state back in
   * place of Gatehouse's. A string says why the retry is refused (-32602).
   */
  unsealRetry(session: ClientSession, upstreamId: string, req: JsonRpcRequest, params: Record<string, unknown>): Record<string, unknown> | string {
    if (params.requestState === undefined) return params;
    const bound = this.opened(session, upstreamId, req, params);
    if (typeof bound === 'string') return bound;
    // A state of a held call (heldResult) is no server's: it never reaches one.
    if (bound.h !== undefined) return 'the requestState answers a question this server no longer asks';
    const { requestState: _ours, ...rest } = params;
    return bound.s === undefined ? rest : { ...rest, requestState: bound.s };
  }

  /**
   * What a 2026 agent sees when a 2025 server asks mid-call (its call is held open
   * upstream): the question as an input_required result, under `key`, with a state
   * that names the held call and is bound to this caller as any other.
   */
  heldResult(
    session: ClientSession,
    upstreamId: string,
    req: JsonRpcRequest,
    params: Record<string, unknown>,
    held: string,
    key: string,
    question: JsonRpcRequest,
  ): Record<string, unknown> {
    const bound: Bound = { a: session.agent, u: upstreamId, m: req.method, t: targetOf(params), e: Date.now() + STATE_TTL_MS, h: held };
    const inputRequests = { [key]: { method: question.method, params: isPlainObject(question.params) ? question.params : {} } };
    return { resultType: 'input_required', inputRequests, requestState: this.seal.seal(bound) };
  }

  /** The held call a 2026 agent's retry resumes, or why it resumes none (-32602). */
  heldOf(session: ClientSession, upstreamId: string, req: JsonRpcRequest, params: Record<string, unknown>): { held: string } | string {
    const bound = this.opened(session, upstreamId, req, params);
    if (typeof bound === 'string') return bound;
    return bound.h === undefined ? 'the requestState was issued for another call' : { held: bound.h };
  }

  /** The sealed state a retry brings, checked against its caller and call, or why it is refused. */
  private opened(session: ClientSession, upstreamId: string, req: JsonRpcRequest, params: Record<string, unknown>): Bound | string {
    const bound = this.seal.unseal(params.requestState) as Bound | undefined;
    if (!bound) return 'the requestState is not one Gatehouse issued (it was changed, or comes from another run)';
    if (bound.a !== session.agent) return 'the requestState was issued to another agent';
    if (bound.u !== upstreamId || bound.m !== req.method || bound.t !== targetOf(params)) return 'the requestState was issued for another call';
    if (bound.e < Date.now()) return 'the requestState has expired; call again without it';
    return bound;
  }

  /**
   * Asks a 2025 agent each input request of `result` and hands back the answers (and the
   * server's state) for the retry, or an error for the call. Requests go out related to
   * the call, so an HTTP agent gets them on that call's stream.
   */
  ask(
    session: ClientSession,
    req: JsonRpcRequest,
    result: Record<string, unknown>,
    timeoutMs: number,
    done: (outcome: { inputResponses: Record<string, unknown>; requestState?: string } | JsonRpcResponse) => void,
  ): void {
    const asked = isPlainObject(result.inputRequests) ? Object.entries(result.inputRequests) : [];
    const state = typeof result.requestState === 'string' ? { requestState: result.requestState } : {};
    const inputResponses: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
    let open = asked.length;
    let over = false;
    const finish = (outcome: Parameters<typeof done>[0]) => {
      if (over) return;
      over = true;
      done(outcome);
    };
    if (open === 0) {
      finish({ inputResponses, ...state });
      return;
    }
    // Everything is checked before anything is asked, so no question is left open.
    const problem = asked.map(([, request]) => this.unaskable(session, request)).find((p) => p !== undefined);
    if (problem) {
      finish(errorResponse(req.id, ErrorCode.InvalidRequest, problem));
      return;
    }
    for (const [key, request] of asked) {
      const { method, params } = request as { method: string; params?: unknown };
      const relayId = session.relayId();
      const timer = setTimeout(() => {
        session.own.delete(relayId);
        finish(errorResponse(req.id, ErrorCode.RequestTimeout, `the agent did not answer ${method} in time`));
      }, timeoutMs).unref();
      session.own.set(relayId, (answer) => {
        clearTimeout(timer);
        if ('error' in answer) {
          finish({ jsonrpc: '2.0', id: req.id, error: answer.error });
          return;
        }
        inputResponses[key] = answer.result;
        if (--open === 0) finish({ inputResponses: { ...inputResponses }, ...state });
      });
      session.sink.send({ jsonrpc: '2.0', id: relayId, method, ...(isPlainObject(params) ? { params } : {}) }, req.id);
    }
  }

  /** Why this input request cannot be put to this agent, or undefined. */
  private unaskable(session: ClientSession, request: unknown): string | undefined {
    if (!isPlainObject(request) || typeof request.method !== 'string') return 'the server sent a malformed input request';
    const capability = QUESTION_CAPABILITY.get(request.method);
    if (!capability) return `the server asked for "${request.method.slice(0, 100)}", which is not an input request`;
    if (!(capability in session.capabilities)) return `the server asked for ${request.method}, but the agent did not declare the ${capability} capability`;
    return undefined;
  }
}
