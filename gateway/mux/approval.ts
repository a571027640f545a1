import { randomUUID } from 'node:crypto';
import type { Settings } from '../../shared/bundle/schema.ts';
import type { AuditRecord } from '../../shared/audit/record.ts';
import { ErrorCode, type JsonRpcId, type JsonRpcRequest } from '../../shared/jsonrpc/message.ts';
import { neverApproved } from '../../shared/pinning/explain.ts';
import type { Decision, PendingChange } from '../../shared/pinning/pending.ts';
import { chatMayApprove, type DecisionVia } from '../../shared/pinning/decision.ts';
import { changeId, type PinGate } from '../pinning/gate.ts';
import { approvalPrompt, readApproval, type Answer } from './approval-prompt.ts';
import type { ClientSession } from './client-session.ts';
import { argumentsHash, QuestionSeal, type Sealed } from './approval-state.ts';

// Deciding in the conversation. A call to a tool the pin gate holds back is put
// to the user as a question through the agent's client (an elicitation request
// on 2025-era sessions, an input_required result for 2026-07-28 ones), within
// limits: the agent's client can answer that question itself, so only changes up
// to the bundle's chatApprovalMaxRisk are offered there, every 2026 answer must
// carry the sealed state of a question Gatehouse really asked, and an answer is
// read before the call is routed, so a user's reject is never overtaken by
// someone else's approve.

/** The key of Gatehouse's own question in a 2026-07-28 input_required result. */
export const APPROVAL_KEY = 'gatehouse-approval';

export interface DecisionSource {
  via: DecisionVia;
  /** The agent session whose conversation the decision came from. */
  session?: ClientSession;
  correlationId?: string;
  /** The answer came after the call that asked had gone (cancelled, disconnected, or the question withdrawn). */
  late?: boolean;
}

export interface ApprovalHost {
  readonly gate: PinGate;
  settings(): Settings;
  /** A bundle of one's own (no org): nobody else can approve what it keeps from local approval. */
  personal(): boolean;
  isModern(session: ClientSession): boolean;
  decide(id: string, decision: 'approve' | 'reject', by: string, reason: string | null, context: DecisionSource): PendingChange;
  record(session: ClientSession | undefined, type: AuditRecord['type'], fields: Partial<AuditRecord> & { outcome: AuditRecord['outcome'] }): void;
  fail(session: ClientSession, id: JsonRpcId, code: number, message: string, data?: unknown): void;
  scrub(value: unknown): unknown;
  /** Routes the call again, now that the tool is approved. */
  proceed(session: ClientSession, req: JsonRpcRequest, params: Record<string, unknown>): void;
  /** Tells the app something it should show (a conflicting answer). */
  conflict(decision: { id: string; server: string; tool: string; by: string; answer: 'approve' | 'reject'; earlier: Decision }): void;
}

/** One question asked over a 2025-era session, by its elicitation request id. */
interface Question {
  session: ClientSession;
  req: JsonRpcRequest;
  params: Record<string, unknown>;
  name: string;
  changeId: string;
  correlationId: string;
  askedAt: number;
  state: 'waiting' | 'gone' | 'withdrawn';
  timer: NodeJS.Timeout;
}

/** Questions one 2025-era session may have open (or withdrawn and still kept for a late answer) at once. */
const MAX_QUESTIONS_PER_SESSION = 16;

/** A call held back by the pin gate, as the questions about it carry it. */
interface HeldCall {
  session: ClientSession;
  req: JsonRpcRequest;
  params: Record<string, unknown>;
  name: string;
  correlationId: string;
}

/** Whether the call still waits for the answer, and whether the answer came after its question expired. */
interface Timing {
  running: boolean;
  late: boolean;
}

type Decided = { decision: 'approve' | 'reject'; reason: string | null };

export class Approvals {
  private readonly host: ApprovalHost;
  /** Per process: a restart makes open 2026 questions unanswerable, and they are asked again. */
  private readonly sealer = new QuestionSeal();
  private readonly questions = new Map<string, Question>();
  private readonly correlations = new WeakMap<JsonRpcRequest, string>();
  /** The dashboard's address, once the daemon listens: questions link to the full diff. */
  dashboard: string | undefined;

  constructor(host: ApprovalHost) {
    this.host = host;
  }

  /** The correlation id a call shares with its denial and the decision it waited for. */
  correlationOf(req: JsonRpcRequest): string | undefined {
    return this.correlations.get(req);
  }

  /**
   * A 2026-07-28 retry that carries an answer to Gatehouse's question: read before
   * the call is routed, so an answer is never skipped because someone else's
   * approval made the route appear meanwhile. False when there is no such answer.
   */
  answered(session: ClientSession, req: JsonRpcRequest, params: Record<string, unknown>, name: string): boolean {
    const responses = params.inputResponses;
    if (responses === undefined || !this.host.isModern(session)) return false;
    const answer =
      typeof responses === 'object' && responses !== null && !Array.isArray(responses) && Object.hasOwn(responses, APPROVAL_KEY)
        ? (responses as Record<string, unknown>)[APPROVAL_KEY]
        : undefined;
    if (answer === undefined) return false;
    const { inputResponses: _r, requestState, ...rest } = params;
    const sealed = this.sealer.open(requestState);
    const problem =
      typeof sealed === 'string'
        ? sealed
        : sealed.a !== session.agent
          ? 'it was asked of another agent'
          : sealed.t !== name
            ? 'it was asked about another tool'
            : sealed.h !== argumentsHash(rest.arguments)
              ? "the call's arguments are not the ones the question was asked for"
              : undefined;
    if (problem || typeof sealed === 'string') {
      this.host.record(session, 'denial', {
        tool: name,
        outcome: 'denied',
        decision: { effect: 'deny', rule: 'unasked answer' },
        arguments: this.host.scrub(rest.arguments),
        detail: { problem },
      });
      this.host.fail(
        session,
        req.id,
        ErrorCode.InvalidParams,
        `Gatehouse refused an approval answer that does not belong to a question it asked (${problem}). Call the tool again without inputResponses to be asked.`,
        { tool: name, pinState: 'quarantined' },
      );
      return true;
    }
    this.correlations.set(req, sealed.k);
    const result = typeof answer === 'object' && answer !== null && !Array.isArray(answer) ? (answer as Record<string, unknown>) : {};
    const reply = readApproval({ jsonrpc: '2.0', id: req.id, result });
    if (sealed.e >= Date.now()) {
      this.apply({ session, req, params: rest, name, correlationId: sealed.k }, sealed.c, reply, { running: true, late: false });
      return true;
    }
    // A question Gatehouse did ask, answered after its wait: the answer is the user's decision, the call is not run.
    this.apply({ session, req, params: rest, name, correlationId: sealed.k }, sealed.c, reply, { running: false, late: true });
    this.host.fail(
      session,
      req.id,
      ErrorCode.RequestTimeout,
      reply.decision === 'unanswered'
        ? `the question about tool "${name}" expired before this answer came, so the call did not run. Call the tool again to be asked.`
        : `the question about tool "${name}" expired before this answer came: the answer (${reply.decision}) is recorded as the user's decision, but this call did not run. Call the tool again.`,
      { tool: name, pendingChange: sealed.c },
    );
    return true;
  }

  /**
   * A call to a tool the pin gate holds back: rejected ones fail; quarantined ones
   * are put to the user when the agent's client can ask and the change is within
   * what the chat may approve, and fail with directions to the person otherwise.
   * False when the tool is not held back.
   */
  heldBack(session: ClientSession, req: JsonRpcRequest, params: Record<string, unknown>, name: string): boolean {
    const call: HeldCall = { session, req, params, name, correlationId: this.correlations.get(req) ?? traceId(params) ?? randomUUID() };
    const rejected = this.host.gate.rejectedFor(name);
    if (rejected) {
      this.refuseRejected(call, rejected);
      return true;
    }
    const change = this.host.gate.pendingFor(name);
    if (!change) return false;
    this.correlations.set(req, call.correlationId);
    this.host.record(session, 'denial', {
      correlationId: call.correlationId,
      server: change.server,
      tool: name,
      outcome: 'denied',
      decision: { effect: 'deny', rule: `quarantined: pending change ${change.id}` },
      arguments: this.host.scrub(params.arguments),
    });
    const settings = this.host.settings().pinning;
    const chat = change.localDecision && chatMayApprove(change.risk, settings.chatApprovalMaxRisk);
    if (!chat || !('elicitation' in session.capabilities)) {
      this.host.fail(session, req.id, ErrorCode.InvalidParams, this.awaitingText(name, change, change.localDecision && !chat), awaitingData(name, change));
      return true;
    }
    const prompt = approvalPrompt(change, session.protocolVersion, { fullDiffUrl: this.dashboardLink(change.id) });
    if (this.host.isModern(session)) this.askModern(call, change, prompt, settings.questionTimeoutMs);
    else if (!this.tooManyQuestions(call, change)) this.ask(call, change, prompt, settings.questionTimeoutMs);
    return true;
  }

  private refuseRejected(call: HeldCall, rejected: NonNullable<ReturnType<ApprovalHost['gate']['rejectedFor']>>): void {
    const { session, req, params, name, correlationId } = call;
    this.correlations.set(req, correlationId);
    this.host.record(session, 'denial', {
      correlationId,
      server: rejected.server,
      tool: name,
      outcome: 'denied',
      decision: { effect: 'deny', rule: `rejected by ${rejected.by}` },
      arguments: this.host.scrub(params.arguments),
    });
    this.host.fail(session, req.id, ErrorCode.InvalidParams, rejectedText(name, rejected, changeId(rejected.server, rejected.tool, rejected.hash)), {
      tool: name,
      pinState: 'rejected',
    });
  }

  /** A 2026-era session is asked in the result itself; the sealed state brings the answer back to this call. */
  private askModern(call: HeldCall, change: PendingChange, prompt: Record<string, unknown>, waitMs: number): void {
    const { session, req, params, name, correlationId } = call;
    const sealed: Sealed = { c: change.id, t: name, a: session.agent, h: argumentsHash(params.arguments), e: Date.now() + waitMs, k: correlationId };
    session.sink.send({
      jsonrpc: '2.0',
      id: req.id,
      result: {
        resultType: 'input_required',
        inputRequests: { [APPROVAL_KEY]: { method: 'elicitation/create', params: prompt } },
        requestState: this.sealer.close(sealed),
      },
    });
  }

  /** Each question holds its call and a timer for minutes: an agent looping on a held tool must not pile them up. */
  private tooManyQuestions(call: HeldCall, change: PendingChange): boolean {
    let open = 0;
    for (const q of this.questions.values()) if (q.session === call.session) open++;
    if (open < MAX_QUESTIONS_PER_SESSION) return false;
    this.host.fail(
      call.session,
      call.req.id,
      ErrorCode.InvalidParams,
      `${open} questions to the user are already open in this session; answer them first. To the user: open Gatehouse to review change ${change.id}.`,
      awaitingData(call.name, change),
    );
    return true;
  }

  /** The agent cancelled a call that waits for the user: the question stays open, its answer is still the user's decision. */
  abandoned(session: ClientSession, requestId: JsonRpcId): void {
    for (const q of this.questions.values()) if (q.session === session && q.req.id === requestId && q.state === 'waiting') q.state = 'gone';
  }

  /** The session closed: nobody can answer its questions any more. */
  closed(session: ClientSession): void {
    for (const [key, q] of this.questions) {
      if (q.session !== session) continue;
      clearTimeout(q.timer);
      this.questions.delete(key);
    }
  }

  /** Asks over a 2025-era session: an elicitation request with its own wait, withdrawn when that ends. */
  private ask(call: HeldCall, change: PendingChange, prompt: Record<string, unknown>, waitMs: number): void {
    const { session, req, params, name, correlationId } = call;
    const relayId = session.relayId();
    const key = `${session.id}\u0000${relayId}`;
    const expire = () => {
      const q = this.questions.get(key);
      if (!q || q.state === 'withdrawn') {
        this.questions.delete(key);
        session.own.delete(relayId);
        return;
      }
      // Withdrawn in the client; an answer that comes anyway is kept for as long again, as a late decision.
      session.sink.send({
        jsonrpc: '2.0',
        method: 'notifications/cancelled',
        params: { requestId: relayId, reason: 'Gatehouse withdrew the question: nobody answered in time' },
      });
      this.host.record(session, 'decision', {
        correlationId,
        server: change.server,
        tool: name,
        outcome: 'denied',
        decision: { effect: 'deny', rule: `question withdrawn: pending change ${change.id}` },
        detail: { via: 'chat', waitedMs: Date.now() - q.askedAt },
      });
      if (q.state === 'waiting') {
        this.host.fail(
          session,
          req.id,
          ErrorCode.RequestTimeout,
          `nobody answered Gatehouse's question about tool "${name}" within ${Math.round(waitMs / 1000)} s, so the call did not run; the change stays pending. To the user: open Gatehouse to review change ${change.id}.`,
          awaitingData(name, change),
        );
      }
      q.state = 'withdrawn';
      q.timer = setTimeout(expire, waitMs);
      q.timer.unref();
    };
    const timer = setTimeout(expire, waitMs);
    timer.unref();
    const question: Question = { session, req, params, name, changeId: change.id, correlationId, askedAt: Date.now(), state: 'waiting', timer };
    this.questions.set(key, question);
    session.own.set(relayId, (response) => {
      clearTimeout(question.timer);
      this.questions.delete(key);
      const running = question.state === 'waiting';
      this.apply(call, change.id, readApproval(response), { running, late: !running });
    });
    session.sink.send({ jsonrpc: '2.0', id: relayId, method: 'elicitation/create', params: prompt }, req.id);
  }

  /**
   * Applies the user's answer to change `id`, then runs or refuses the call when it
   * still waits. An answer that finds the change already decided by someone else
   * never overrides that decision, and a call whose user said reject never runs.
   */
  private apply(call: HeldCall, id: string, answer: Answer, how: Timing): void {
    const fail = this.failer(call, id, how);
    if (answer.decision === 'unanswered') {
      fail(
        `the user did not decide about tool "${call.name}", so the call did not run; the change stays pending. To the user: open Gatehouse to review change ${id}.`,
      );
      return;
    }
    const decided: Decided = { decision: answer.decision, reason: answer.reason };
    const change = this.host.gate.pending().find((p) => p.id === id);
    if (change) this.applyToPending(call, change, decided, how);
    else this.applyAfterDecided(call, id, decided, how);
  }

  /** Fails the call, only when it still waits: a late answer has no call to fail. */
  private failer(call: HeldCall, id: string, how: Timing): (message: string, data?: unknown) => void {
    return (message, data = { tool: call.name, pendingChange: id }) => {
      if (how.running) this.host.fail(call.session, call.req.id, ErrorCode.InvalidParams, message, data);
    };
  }

  private applyToPending(call: HeldCall, change: PendingChange, answer: Decided, how: Timing): void {
    const { session, req, params, name, correlationId } = call;
    const fail = this.failer(call, change.id, how);
    if (!change.localDecision || !chatMayApprove(change.risk, this.host.settings().pinning.chatApprovalMaxRisk)) {
      if (answer.decision === 'approve') {
        fail(this.awaitingText(name, change, change.localDecision));
        return;
      }
    }
    try {
      this.host.decide(change.id, answer.decision, `agent-prompt:${session.agent}`, answer.reason, { via: 'chat', session, correlationId, late: how.late });
    } catch (err) {
      fail((err as Error).message);
      return;
    }
    if (!how.running) return; // a late answer is recorded; the call it answered is gone
    if (answer.decision === 'reject') {
      fail(`the user rejected the change to tool "${name}", so the call did not run; the tool stays blocked until its server changes it again.`, {
        tool: name,
        pinState: 'rejected',
      });
      return;
    }
    this.host.proceed(session, req, params);
  }

  /** The change left the pending list while the user decided: by someone else's decision, or by a newer definition. */
  private applyAfterDecided(call: HeldCall, id: string, answer: Decided, how: Timing): void {
    const { session, req, params, name } = call;
    const fail = this.failer(call, id, how);
    const earlier = this.lastDecision(id);
    if (!earlier) {
      fail(
        `tool "${name}" changed again while the user was deciding, so the answer was not applied and the call did not run. Call it again to be asked about the current definition.`,
      );
      return;
    }
    const agreed = (earlier.decision === 'rejected') === (answer.decision === 'reject');
    if (agreed && earlier.decision !== 'reopened') {
      if (!how.running) return;
      if (answer.decision === 'approve') this.host.proceed(session, req, params);
      else fail(`the change to tool "${name}" was rejected, so the call did not run.`, { tool: name, pinState: 'rejected' });
      return;
    }
    this.conflicting(call, id, answer, how, earlier);
  }

  /** Someone decided first, the other way: that decision stands, this one is recorded and shown. */
  private conflicting(call: HeldCall, id: string, answer: Decided, how: Timing, earlier: Decision): void {
    const { session, name } = call;
    this.host.record(session, 'decision', {
      correlationId: call.correlationId,
      server: earlier.server,
      tool: name,
      outcome: 'denied',
      decision: { effect: 'deny', rule: `conflicting answer: pending change ${id}` },
      detail: {
        via: 'chat',
        answer: answer.decision,
        reason: answer.reason,
        earlier: { decision: earlier.decision, by: earlier.by, at: earlier.at },
        late: how.late,
      },
    });
    this.host.conflict({ id, server: earlier.server, tool: earlier.tool, by: `agent-prompt:${session.agent}`, answer: answer.decision, earlier });
    this.failer(
      call,
      id,
      how,
    )(
      answer.decision === 'reject'
        ? `the user answered Reject, but ${earlier.by} had already ${earlier.decision === 'reopened' ? 'reopened' : 'approved'} this change at ${earlier.at}: the call did not run, and both answers are recorded. To the user: open Gatehouse to review tool "${name}".`
        : `the user answered Approve, but ${earlier.by} had already rejected this change at ${earlier.at}: the call did not run, and the tool stays blocked. To the user: open Gatehouse to reopen change ${id} if the rejection was a mistake.`,
      { tool: name, pendingChange: id, conflict: earlier.decision },
    );
  }

  private lastDecision(id: string): Decision | undefined {
    const decisions = this.host.gate.decisions();
    for (let i = decisions.length - 1; i >= 0; i--) if (decisions[i]!.id === id) return decisions[i];
    return undefined;
  }

  private dashboardLink(id: string): string | undefined {
    return this.dashboard ? `${this.dashboard}#/pending/${id}` : undefined;
  }

  /** Why a held-back call did not run, addressed to the person: an agent must not be told how to approve. */
  private awaitingText(name: string, change: PendingChange, aboveChat: boolean): string {
    const what = change.kind === 'new' ? 'is new' : neverApproved(change) ? 'has never been approved' : 'changed since it was approved';
    const start = `tool "${name}" ${what} and awaits approval (risk: ${change.risk})`;
    if (change.localDecision) {
      const why = aboveChat
        ? `: a ${change.risk}-risk change cannot be approved from the agent's chat (settings.pinning.chatApprovalMaxRisk is ${this.host.settings().pinning.chatApprovalMaxRisk})`
        : '';
      return `${start}${why}. To the user: open Gatehouse to review change ${change.id}.`;
    }
    if (!this.host.personal()) return `${start}; it awaits approval by your organisation's admin and cannot be approved on this computer.`;
    return `${start}. Your bundle does not let a ${change.risk}-risk change be approved on this computer. To the user: open Gatehouse to review change ${change.id}; you can reject it there, or set settings.pinning.localApproval.${change.risk} to true in your bundle to approve it locally.`;
  }
}

function awaitingData(name: string, change: PendingChange): Record<string, unknown> {
  return { tool: name, pinState: 'quarantined', pendingChange: change.id, risk: change.risk };
}

function rejectedText(name: string, rejected: { by: string; at: string; reason: string | null }, id: string): string {
  return `tool "${name}" was rejected by ${rejected.by} on ${rejected.at}${rejected.reason ? ` (${rejected.reason})` : ''}; it stays blocked until its server changes it again. To the user: open Gatehouse to reopen change ${id} if the rejection was a mistake.`;
}

/** The W3C trace id an agent sent, so its own traces and the audit records line up. */
function traceId(params: Record<string, unknown>): string | undefined {
  const meta = params._meta;
  const tp = typeof meta === 'object' && meta !== null ? (meta as Record<string, unknown>).traceparent : undefined;
  return typeof tp === 'string' ? /^[\da-f]{2}-([\da-f]{32})-/.exec(tp)?.[1] : undefined;
}
