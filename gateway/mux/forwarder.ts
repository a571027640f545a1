// An admitted call on its way to a server and back: a fresh upstream id and progress
// token, the caller's envelope for a 2026 server, input_required rounds relayed to
// the agent (input-relay.ts), and the answer under the agent's id once its audit
// record is durable.
import {
  ErrorCode,
  errorResponse,
  isPlainObject,
  type JsonRpcId,
  type JsonRpcMessage,
  type JsonRpcRequest,
  type JsonRpcResponse,
} from '../../shared/jsonrpc/message.ts';
import type { Verdict } from '../../shared/policy/evaluate.ts';
import type { AuditRecorder, CallFacts } from '../audit/call-record.ts';
import { withRequestExtensions } from '../upstream/extensions.ts';
import type { CallerEnvelope, Upstream } from '../upstream/upstream.ts';
import type { Admission } from './admission.ts';
import { fail } from './answers.ts';
import type { Approvals } from './approval.ts';
import { LOG_LEVELS, type ClientSession, type InflightCall } from './client-session.ts';
import { isModern, modernResult, modernResultText, withoutEnvelope } from './era.ts';
import { HeldCalls, type Held } from './held-calls.ts';
import { InputRelay, isInputRequired, MAX_INPUT_ROUNDS, QUESTION_CAPABILITY } from './input-relay.ts';
import type { ProgressRoutes } from './relay.ts';
import { TaskIds } from './task-ids.ts';

export interface ForwarderOptions {
  progress: ProgressRoutes;
  recorder: AuditRecorder;
  admission: Admission;
  approvals: Approvals;
  /** How long an agent may take to answer a question relayed to it. */
  callTimeoutMs(): number;
}

/** What the router hands over: the agent's request and what its upstream is to see. */
interface Call {
  session: ClientSession;
  req: JsonRpcRequest;
  upstream: Upstream;
  params: Record<string, unknown>;
  decision: Verdict | undefined;
}

export class Forwarder {
  private readonly opts: ForwarderOptions;
  private readonly inputs = new InputRelay();
  private readonly held = new HeldCalls();
  /** What each running call was asked with (a held call's is taken over by the retry that resumes it). */
  private readonly calls = new WeakMap<InflightCall, Call>();
  /** Task ids of the tasks extension, sealed to their agent and server (the router routes tasks/ methods by them). */
  readonly tasks = new TaskIds();

  constructor(opts: ForwarderOptions) {
    this.opts = opts;
  }

  /** Sends an agent's request to an upstream under a fresh id, and its answer back under the agent's id. */
  forward(session: ClientSession, req: JsonRpcRequest, upstream: Upstream, params: Record<string, unknown>, decision?: Verdict): void {
    if (isModern(session) && !upstream.modern && params.requestState !== undefined) {
      this.resume(session, req, upstream, params);
      return;
    }
    const retry = upstream.modern && isModern(session) ? this.inputs.unsealRetry(session, upstream.id, req, params) : params;
    if (typeof retry === 'string') {
      fail(session, req.id, ErrorCode.InvalidParams, `Gatehouse refused the retry of ${req.method}: ${retry}`);
      return;
    }
    session.calls++;
    const { outParams, progressToken } = this.rewrite(session, req, retry);
    const call: InflightCall = { upstream, upstreamId: undefined, method: req.method, startedAt: performance.now(), progressToken };
    session.inflight.set(req.id, call);
    const c: Call = { session, req, upstream, params, decision };
    this.calls.set(call, c);
    this.send(c, call, outParams, 0);
  }

  /**
   * A 2025 server asked a question mid-call while serving a 2026 agent: the agent's call
   * is answered input_required with it, and held open upstream until the agent's retry
   * (resume) brings the answer. False when this call cannot be held (one question at a time).
   */
  holdQuestion(session: ClientSession, callId: JsonRpcId, upstream: Upstream, question: JsonRpcRequest): boolean {
    const call = session.inflight.get(callId);
    const c = call && this.calls.get(call);
    const key = QUESTION_CAPABILITY.get(question.method);
    if (!call || !c || !key || call.upstream !== upstream || this.held.isHeld(call) || !this.held.mayHold(session.agent)) return false;
    session.inflight.delete(callId);
    const held = this.held.hold(session.agent, call, question, key, this.opts.callTimeoutMs(), (h) => this.expired(c, h));
    session.sink.send({ jsonrpc: '2.0', id: callId, result: this.inputs.heldResult(session, upstream.id, c.req, c.params, held, key, question) });
    return true;
  }

  /** A 2026 agent's retry that answers a held call's question: the server gets the answer, and the call goes on under the retry. */
  private resume(session: ClientSession, req: JsonRpcRequest, upstream: Upstream, params: Record<string, unknown>): void {
    const found = this.inputs.heldOf(session, upstream.id, req, params);
    const held = typeof found === 'string' ? undefined : this.held.peek(found.held);
    if (typeof found === 'string' || !held) {
      const why = typeof found === 'string' ? found : 'the question it answers is no longer open (it expired, or was answered)';
      fail(session, req.id, ErrorCode.InvalidParams, `Gatehouse refused the retry of ${req.method}: ${why}`);
      return;
    }
    const answer = isPlainObject(params.inputResponses) ? params.inputResponses[held.key] : undefined;
    if (!isPlainObject(answer)) {
      fail(session, req.id, ErrorCode.InvalidParams, `the retry of ${req.method} needs inputResponses.${held.key}, the answer to ${held.question.method}`);
      return;
    }
    this.held.take(found.held);
    upstream.respond({ jsonrpc: '2.0', id: held.question.id, result: answer });
    const c = this.calls.get(held.call)!;
    c.session = session;
    c.req = req;
    session.calls++;
    session.inflight.set(req.id, held.call);
    const meta = params._meta as Record<string, unknown> | undefined;
    const token = typeof meta?.progressToken === 'string' || typeof meta?.progressToken === 'number' ? meta.progressToken : undefined;
    this.opts.progress.move(held.call.progressToken, session, token, req.id);
    held.answered?.();
  }

  /** The agent did not come back to a held call: the server's question fails, the call is cancelled and recorded as abandoned. */
  private expired(c: Call, held: Held): void {
    c.upstream.respond(errorResponse(held.question.id, ErrorCode.RequestTimeout, `agent "${c.session.agent}" did not answer ${held.question.method} in time`));
    held.call.ended = { as: 'disconnected', reason: 'the agent did not come back with the answer in time' };
    this.opts.progress.close(held.call.progressToken);
    if (held.call.upstreamId !== undefined) c.upstream.cancel(held.call.upstreamId, 'the agent did not answer in time');
    held.answered?.();
  }

  /**
   * Abandons an agent's request: the upstream is told to stop, and no answer is sent.
   * The call is still recorded, once, when the upstream answers late or the wait for
   * that ends (the upstream may already have acted on it). False when no call runs under that id.
   */
  cancel(session: ClientSession, requestId: JsonRpcId, reason: string, ended: 'cancelled' | 'disconnected'): boolean {
    const call = session.inflight.get(requestId);
    if (!call) return false;
    session.inflight.delete(requestId);
    call.ended = { as: ended, reason };
    this.opts.progress.close(call.progressToken);
    if (call.upstreamId !== undefined) call.upstream.cancel(call.upstreamId, reason);
    return true;
  }

  /** One round upstream; an input_required answer to a 2025 agent starts the next. */
  private send(c: Call, call: InflightCall, outParams: Record<string, unknown>, round: number): void {
    const { upstream } = c;
    call.upstreamId = upstream.forward(
      c.req.method,
      outParams,
      (response: JsonRpcResponse, answered: boolean) => {
        // Held on a question: the answer waits for the agent's retry, which may come from another session.
        if (this.held.stash(call, () => this.answered(c, call, outParams, round, response, answered))) return;
        this.answered(c, call, outParams, round, response, answered);
      },
      undefined,
      upstream.modern ? this.envelope(c.session, c.params) : undefined,
    );
  }

  /** The server answered one round: to the agent, as another round, or (if it left) to the record only. */
  private answered(c: Call, call: InflightCall, outParams: Record<string, unknown>, round: number, response: JsonRpcResponse, answered: boolean): void {
    const { session, req, upstream } = c;
    const facts = () => this.callFacts(c, response, call);
    if (call.ended) {
      // The agent stopped waiting: nobody gets this answer, but the call happened and is recorded.
      if (this.opts.recorder.enabled) this.opts.recorder.append(this.opts.recorder.call({ ...facts(), ended: { ...call.ended, answered } }));
      return;
    }
    if (session.inflight.get(req.id) !== call) return;
    const refused = this.refusal(req.method, response, upstream);
    if (refused) {
      this.finish(
        c,
        call,
        { jsonrpc: '2.0', id: response.id, error: { code: ErrorCode.InternalError, message: `server "${upstream.id}": ${refused}` } },
        facts,
      );
      return;
    }
    if (isInputRequired(response) && !isModern(session) && round < MAX_INPUT_ROUNDS) {
      this.inputs.ask(session, req, response.result, this.opts.callTimeoutMs(), (outcome) => {
        // The agent left while it was asked: the call still gets its one record.
        if (call.ended && this.opts.recorder.enabled) this.opts.recorder.append(this.opts.recorder.call({ ...facts(), ended: { ...call.ended, answered } }));
        if (call.ended || session.inflight.get(req.id) !== call) return;
        if ('jsonrpc' in outcome) this.finish(c, call, outcome, facts);
        else this.send(c, call, { ...outParams, ...outcome }, round + 1);
      });
      return;
    }
    if (isInputRequired(response) && !isModern(session)) {
      // A server that keeps asking: the 2025 agent cannot read an input_required result, so the call ends.
      const error = { code: ErrorCode.InternalError, message: `server "${upstream.id}" still asked for input after ${MAX_INPUT_ROUNDS} rounds` };
      this.finish(c, call, { jsonrpc: '2.0', id: response.id, error }, facts);
      return;
    }
    this.finish(c, call, this.shown(c, outParams, response), facts);
  }

  /**
   * Why a server's answer is not passed on, for agents of either era: its questions (an
   * input_required result, or a task waiting for input) break the bundle's rules.
   */
  private refusal(method: string, response: JsonRpcResponse, upstream: Upstream): string | undefined {
    if (!('result' in response)) return undefined;
    const result: Record<string, unknown> = response.result;
    const asks = isInputRequired(response) || (method === 'tasks/get' && result.inputRequests !== undefined);
    return asks ? this.inputs.refusal(result, upstream.server.forwardRoots === true) : undefined;
  }

  /** The final answer as this agent sees it: a requestState sealed to it (2026 agents), a task under Gatehouse's id. */
  private shown(c: Call, outParams: Record<string, unknown>, response: JsonRpcResponse): JsonRpcResponse {
    const { session, req, upstream } = c;
    if (!('result' in response)) return response;
    const result =
      isInputRequired(response) && isModern(session) ? this.inputs.sealFor(session, upstream.id, req, outParams, response.result) : response.result;
    const tasked = this.tasks.shown(session.agent, upstream.id, req.method, result);
    if (typeof tasked === 'string')
      return { jsonrpc: '2.0', id: response.id, error: { code: ErrorCode.InternalError, message: `server "${upstream.id}" ${tasked}` } };
    return tasked === response.result ? response : { ...response, result: tasked };
  }

  private finish(c: Call, call: InflightCall, response: JsonRpcResponse, facts: () => CallFacts): void {
    c.session.inflight.delete(c.req.id);
    this.opts.progress.close(call.progressToken);
    this.answer(c.session, c.req, response, facts);
  }

  /** What a 2026 upstream is told of this caller: a 2025 agent that never set a level hears every log line, as it would directly. */
  private envelope(session: ClientSession, params: Record<string, unknown>): CallerEnvelope {
    const level = session.logLevel !== undefined ? LOG_LEVELS[session.logLevel] : isModern(session) ? undefined : 'debug';
    return { capabilities: isModern(session) ? session.capabilities : withRequestExtensions(session.capabilities, params), logLevel: level };
  }

  /** The params as the upstream sees them: a progress token of ours, and no 2026 envelope of the agent's. */
  private rewrite(
    session: ClientSession,
    req: JsonRpcRequest,
    params: Record<string, unknown>,
  ): { outParams: Record<string, unknown>; progressToken: string | undefined } {
    let outParams = params;
    let progressToken: string | undefined;
    const meta = params._meta as Record<string, unknown> | undefined;
    if (meta && (typeof meta.progressToken === 'string' || typeof meta.progressToken === 'number')) {
      progressToken = this.opts.progress.open(session, meta.progressToken, req.id);
      outParams = { ...params, _meta: { ...meta, progressToken } };
    }
    if (meta && isModern(session)) outParams = { ...outParams, _meta: withoutEnvelope(outParams._meta as Record<string, unknown>) };
    return { outParams, progressToken };
  }

  /** The upstream's answer, under the agent's id and in its era's shape, sent once its record is durable. */
  private answer(session: ClientSession, req: JsonRpcRequest, upstreamResponse: JsonRpcResponse, facts: () => CallFacts): void {
    const modern = isModern(session);
    const { recorder } = this.opts;
    // Without a log (tests, `gatehouse try`) the sink serializes it, and cannot throw (safe-sink.ts).
    const { response, resultText, problem } = recorder.enabled ? encodedAnswer(upstreamResponse) : { response: upstreamResponse, resultText: undefined };
    const clientId = req.id;
    const answer: JsonRpcMessage =
      'result' in response
        ? { jsonrpc: '2.0', id: clientId, result: modern ? modernResult(req.method, response.result) : response.result }
        : { jsonrpc: '2.0', id: clientId, error: response.error };
    if (!('result' in response)) session.errors++;
    if (!recorder.enabled) {
      session.sink.send(answer);
      return;
    }
    const record = recorder.call({ ...facts(), ...(problem ? { response } : {}), resultText });
    const wire =
      resultText !== undefined && !(modern && 'resultType' in (response as { result: object }).result)
        ? `{"jsonrpc":"2.0","id":${JSON.stringify(clientId)},"result":${modern ? modernResultText(req.method, (response as { result: Record<string, unknown> }).result, resultText) : resultText}}`
        : answer;
    // The record is durable before the agent sees the answer: a crash never loses a returned call.
    recorder.append(record, () => session.sink.send(wire, clientId));
  }

  private callFacts(c: Call, response: JsonRpcResponse, call: InflightCall): CallFacts {
    const { session, req, params, upstream, decision } = c;
    const target = typeof params.name === 'string' ? params.name : typeof params.uri === 'string' ? params.uri : null;
    const named = req.method === 'tools/call' || req.method === 'prompts/get';
    return {
      agent: session,
      method: req.method,
      params,
      server: upstream.id,
      response,
      target: target !== null && named ? this.opts.admission.exposedName(upstream.id, target) : target,
      correlationId: this.opts.approvals.correlationOf(req),
      rule: decision?.rule,
      latencyMs: performance.now() - call.startedAt,
    };
  }
}

/**
 * The result serialized once, for the record's size and hash and for the wire. A result
 * JSON.parse read but JSON.stringify cannot write (nested some thousands deep) is an
 * error in its place: the throw used to leave the call unanswered and unrecorded.
 */
function encodedAnswer(response: JsonRpcResponse): { response: JsonRpcResponse; resultText: string | undefined; problem?: string } {
  if (!('result' in response)) return { response, resultText: undefined };
  try {
    return { response, resultText: JSON.stringify(response.result) };
  } catch (err) {
    const problem = `the server's result could not be encoded again (${(err as Error).message})`;
    return { response: errorResponse(response.id, ErrorCode.InternalError, problem), resultText: undefined, problem };
  }
}
