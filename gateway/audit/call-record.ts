import { randomUUID } from 'node:crypto';
import type { AuditRecord } from '../../shared/audit/record.ts';
import { ErrorCode, isPlainObject, type JsonRpcResponse } from '../../shared/jsonrpc/message.ts';
import { methodsWith } from '../../shared/jsonrpc/methods.ts';
import { SERVER_ACCESS } from '../../shared/policy/evaluate.ts';
import { redactShapes, type Redactor } from '../../shared/redaction/redact.ts';
import { cutText } from '../../shared/text/cut.ts';
import { nodeSha256Hex } from '../hashing/sha256.ts';

// Building audit records: the common base (id, time, user, agent, correlation), the
// scrubbing every recorded value passes through, and a forwarded call's record with its
// result's size, hash and excerpt. Whoever has something to record is handed the
// recorder; nobody reaches through the multiplexer for it.

export interface AuditSink {
  append(record: AuditRecord, done?: () => void): void;
}

/** Who and what a record is about: the agent that asked (none for the daemon's own acts). */
export interface RecordedAgent {
  readonly agent: string;
  readonly clientInfo: Record<string, unknown> | undefined;
}

export type RecordFields = Partial<AuditRecord> & { outcome: AuditRecord['outcome'] };

/** Why the agent stopped waiting for a call it made. */
export interface CallEnding {
  as: 'cancelled' | 'disconnected';
  reason: string;
}

/** What a forwarded call's record is built from. */
export interface CallFacts {
  agent: RecordedAgent;
  method: string;
  /** The agent's params, before any rewriting for the upstream. */
  params: Record<string, unknown>;
  server: string;
  /** The name the agent knows the target by (an exposed tool or prompt name, or a URI). */
  target: string | null;
  /** The correlation id an approval question gave this call, if any. */
  correlationId: string | undefined;
  rule: string | undefined;
  response: JsonRpcResponse;
  latencyMs: number;
  /** The result as already serialized for the wire, when it was. */
  resultText?: string | undefined;
  ended?: (CallEnding & { answered: boolean }) | undefined;
}

export interface RecorderOptions {
  sink?: AuditSink | undefined;
  /** Scrubs held secret values; shapes of well-known credentials are scrubbed regardless. */
  redactor?: (() => Redactor) | undefined;
  /** The user and bundle version of the moment a record is made. */
  context(): { user: string; bundleVersion: number };
}

const RECORDED = methodsWith('recorded');
/** The record type of a forwarded call: its method, for the methods that are recorded. */
const recordType = (method: string): AuditRecord['type'] => (RECORDED.has(method) ? (method as AuditRecord['type']) : 'tools/call');

export class AuditRecorder {
  private readonly opts: RecorderOptions;
  private nextRecord = 0;

  constructor(opts: RecorderOptions) {
    this.opts = opts;
  }

  /** Whether records go anywhere (tests and `gatehouse try` run without a log). */
  get enabled(): boolean {
    return this.opts.sink !== undefined;
  }

  /** Records something that is not a forwarded call: a denial, a decision, a login. */
  record(agent: RecordedAgent | undefined, type: AuditRecord['type'], fields: RecordFields): void {
    this.opts.sink?.append({ ...this.base(agent, type, undefined), ...fields });
  }

  /** Appends a built record; `done` runs once it is durable. */
  append(record: AuditRecord, done?: () => void): void {
    if (this.opts.sink) this.opts.sink.append(record, done);
    else done?.();
  }

  /** A value as recorded: held secrets and well-known credential shapes scrubbed. */
  scrub(value: unknown): unknown {
    if (value === undefined) return undefined;
    let json: string;
    try {
      json = JSON.stringify(value);
    } catch (err) {
      // Nested deeper than the encoder's stack (an agent's arguments 6,000 levels deep): the record still gets written.
      return `(not recorded: ${cutText((err as Error).message, 200)})`;
    }
    const text = this.scrubText(json);
    // A replacement can land inside an escape sequence of a hostile string; the record then keeps the scrubbed text.
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return text;
    }
  }

  scrubText(text: string): string {
    const redactor = this.opts.redactor?.();
    return redactShapes(redactor ? redactor.redact(text) : text);
  }

  /**
   * A forwarded call's record, whatever the server answered: if building the full record
   * fails on something unforeseen, a plain one takes its place, so no forwarded call goes
   * unrecorded (and its answer is not held back by a throw).
   */
  call(facts: CallFacts): AuditRecord {
    try {
      return this.fullCall(facts);
    } catch (err) {
      return {
        ...this.base(facts.agent, recordType(facts.method), undefined),
        server: facts.server,
        tool: typeof facts.params.name === 'string' ? cutText(facts.params.name, 200) : null,
        decision: { effect: 'allow', rule: facts.rule ?? SERVER_ACCESS },
        outcome: outcomeOf(facts.response, facts.ended),
        error: `the full record could not be built: ${cutText((err as Error).message, 200)}`,
        latencyMs: roundMs(facts.latencyMs),
      };
    }
  }

  private fullCall(facts: CallFacts): AuditRecord {
    const { params, response, ended } = facts;
    const base = this.base(facts.agent, recordType(facts.method), params);
    const record: AuditRecord = {
      ...base,
      correlationId: facts.correlationId ?? base.correlationId,
      server: facts.server,
      tool: facts.target,
      arguments: this.scrub(params.arguments ?? (params.uri ? { uri: params.uri } : undefined)),
      decision: { effect: 'allow', rule: facts.rule ?? SERVER_ACCESS },
      outcome: outcomeOf(response, ended),
      latencyMs: roundMs(facts.latencyMs),
    };
    if (ended) {
      // What the upstream did after the agent left: its late answer, or nothing within the wait.
      record.detail = {
        endedBy: ended.reason,
        lateAnswer: ended.answered ? ('result' in response ? (response.result.isError === true ? 'error' : 'ok') : 'error') : null,
      };
      if (!ended.answered) return record;
    }
    if ('error' in response) record.error = this.scrubText(response.error.message);
    else this.addResult(record, response.result, facts.resultText ?? JSON.stringify(response.result));
    return record;
  }

  /** The result's size, content types, hash and a scrubbed excerpt; an isError result's text is its error. */
  private addResult(record: AuditRecord, result: Record<string, unknown>, text: string): void {
    const listed: unknown = Array.isArray(result.content) ? result.content : Array.isArray(result.contents) ? result.contents : [];
    // Content items come from the server: only objects are read.
    const content = (listed as unknown[]).filter(isPlainObject) as { type?: unknown; text?: unknown }[];
    const firstText = content.map((c) => c.text).find((t): t is string => typeof t === 'string') ?? '';
    record.result = {
      bytes: Buffer.byteLength(text),
      contentTypes: [...new Set(content.map((c) => (typeof c.type === 'string' ? cutText(c.type, 40) : 'resource')))],
      sha256: nodeSha256Hex(text),
      excerpt: scrubbedExcerpt(firstText, 200, (t) => this.scrubText(t)),
    };
    if (result.isError === true) record.error = scrubbedExcerpt(firstText, 500, (t) => this.scrubText(t));
  }

  private base(agent: RecordedAgent | undefined, type: AuditRecord['type'], params: Record<string, unknown> | undefined): Omit<AuditRecord, 'outcome'> {
    const meta = params?._meta as Record<string, unknown> | undefined;
    const traceparent = typeof meta?.traceparent === 'string' ? /^[\da-f]{2}-([\da-f]{32})-/.exec(meta.traceparent)?.[1] : undefined;
    const now = Date.now();
    const { user, bundleVersion } = this.opts.context();
    return {
      id: `${now.toString(36).padStart(9, '0')}-${(this.nextRecord++).toString(36).padStart(6, '0')}`,
      ts: new Date(now).toISOString(),
      type,
      correlationId: traceparent ?? randomUUID(),
      user,
      agent: agent?.agent ?? null,
      clientInfo: agent?.clientInfo ?? null,
      server: null,
      tool: null,
      decision: null,
      error: null,
      latencyMs: null,
      result: null,
      bundleVersion,
    };
  }
}

function roundMs(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}

/**
 * The start of a result for the record, redacted before it is cut: a secret that
 * straddles the cut must not leave its first half behind. Only a window is redacted
 * (results can be megabytes); it is wider than any held secret's encoded form.
 */
function scrubbedExcerpt(text: string, max: number, scrub: (t: string) => string): string {
  return cutText(scrub(cutText(text, max + 8192)), max);
}

/** A call's outcome for the record: how the upstream answered, or how the agent stopped waiting. */
function outcomeOf(response: JsonRpcResponse, ended: CallEnding | undefined): AuditRecord['outcome'] {
  if (ended) return ended.as;
  if ('result' in response) return response.result.isError === true ? 'error' : 'ok';
  return response.error.code === ErrorCode.RequestTimeout ? 'timeout' : 'error';
}
