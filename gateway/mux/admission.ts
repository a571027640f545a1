import { createRequire } from 'node:module';
import type * as AjvModule from 'ajv/dist/2020.js';
import type { Bundle } from '../../shared/bundle/schema.ts';
import { ErrorCode, type JsonRpcRequest } from '../../shared/jsonrpc/message.ts';
import { exposedName } from '../../shared/naming/tool-names.ts';
import type { PendingChange } from '../../shared/pinning/pending.ts';
import { clip } from '../../shared/pinning/word-diff.ts';
import { schemaCompiler } from '../../shared/policy/argument-schema.ts';
import { Policy, type Verdict, type Identity, type RuleSummary, type Subject } from '../../shared/policy/evaluate.ts';
import type { AuditRecorder } from '../audit/call-record.ts';
import type { PinGate } from '../pinning/gate.ts';
import type { Upstream } from '../upstream/upstream.ts';
import { fail } from './answers.ts';
import type { DecisionSource } from './approval.ts';
import type { ClientSession } from './client-session.ts';
import type { ViewFilter } from './lists.ts';

export interface AdmissionOptions {
  bundle(): Bundle;
  identity: Identity;
  /** Values for `${name}` in policy path roots (bundleDir, dataDir). */
  vars?: Record<string, string> | undefined;
  gate: PinGate;
  recorder: AuditRecorder;
  /** A decision changed what a server may show: judge it again and tell agents. */
  reevaluate(server: string): void;
}

/** What a call is about, for the policy and for the agent's error. */
export interface Target {
  upstream: Upstream;
  /** The upstream's tool name, for tools/call; undefined for anything else (server access). */
  tool: string | undefined;
  args: unknown;
  /** The name the agent used. */
  shown: string;
}

/**
 * Whether a request may reach its upstream: the bundle's policy for this subject and
 * its rate limits; and the pin gate's decisions on held-back definitions, wherever
 * they are taken (API, CLI, or the agent's conversation through mux/approval.ts).
 */
/** ajv loads with the first bundle that has an argument schema: most have none, and it costs the daemon about 13 MB. */
const lazySchemas = schemaCompiler(() => (createRequire(import.meta.url)('ajv/dist/2020.js') as typeof AjvModule).Ajv2020);

export class Admission {
  private readonly opts: AdmissionOptions;
  private policy: Policy;
  private who: Identity;

  constructor(opts: AdmissionOptions) {
    this.opts = opts;
    this.who = opts.identity;
    this.policy = new Policy(opts.bundle(), opts.vars, undefined, lazySchemas);
  }

  get identity(): Identity {
    return this.who;
  }
  set identity(identity: Identity) {
    this.who = identity;
  }

  /** Compiles a new bundle's policy; throws before anything changes if a rule does not compile. Unchanged rate limits keep their state. */
  compile(bundle: Bundle): Policy {
    return new Policy(bundle, this.opts.vars, this.policy);
  }

  use(policy: Policy): void {
    this.policy = policy;
  }

  /** Who the bundle's policy lets call a tool (for the dashboard). */
  rulesFor(server: string, tool: string): RuleSummary[] {
    return this.policy.rulesFor(server, tool);
  }

  subjectOf(session: Pick<ClientSession, 'agent'>): Subject {
    return { user: this.who.user, groups: this.who.groups, agent: session.agent };
  }

  /** The policy's list filters for this session; bound to the policy in force now, as the view they build is. */
  filterFor(session: Pick<ClientSession, 'agent'>): ViewFilter {
    const subject = this.subjectOf(session);
    const policy = this.policy;
    return {
      key: `${subject.user}\u0000${subject.agent}`,
      tool: (u, tool) => policy.visible(subject, u.id, String(tool.name)),
      server: (u) => policy.serverVisible(subject, u.id),
    };
  }

  /**
   * The policy's word on one request, before it reaches the upstream. A refusal is
   * recorded and answered with an error that names the rule; undefined then.
   */
  admit(session: ClientSession, req: JsonRpcRequest, target: Target): Verdict | undefined {
    const { upstream, tool, args, shown } = target;
    const subject = this.subjectOf(session);
    const decision = tool === undefined ? this.policy.checkServer(subject, upstream.id) : this.policy.check(subject, upstream.id, tool, args);
    if (decision.effect === 'deny') {
      this.deny(session, target, decision.rule);
      fail(session, req.id, ErrorCode.PolicyDenied, `denied by policy rule "${decision.rule}": ${decision.reason}`, {
        rule: decision.rule,
        server: upstream.id,
        target: shown,
      });
      return undefined;
    }
    if (tool === undefined) return decision;
    const rate = this.policy.rate(subject, upstream.id, tool, Date.now());
    if (!rate.ok) {
      this.deny(session, target, `rate-limit:${rate.limit}`);
      fail(
        session,
        req.id,
        ErrorCode.RateLimited,
        `rate limit "${rate.limit}" reached for ${shown}: retry after ${Math.ceil(rate.retryAfterMs / 100) / 10} s`,
        { limit: rate.limit, retryAfterMs: rate.retryAfterMs },
      );
      return undefined;
    }
    return decision;
  }

  /** The policy's word on a server, for what has no answer of its own to carry a refusal (a listen stream's resource): a refusal is recorded. */
  allows(session: ClientSession, _req: JsonRpcRequest, target: Target): boolean {
    const decision = this.policy.checkServer(this.subjectOf(session), target.upstream.id);
    if (decision.effect === 'deny') this.deny(session, target, decision.rule);
    return decision.effect !== 'deny';
  }

  exposedName(server: string, tool: string): string {
    const settings = this.opts.bundle().settings;
    return exposedName(server, tool, settings.toolNameSeparator, settings.naming === 'passthrough');
  }

  /**
   * Approves or rejects a pending change, then shows agents the result. The
   * decision names where it was taken and, from a chat, the agent and its client.
   */
  decide(id: string, decision: 'approve' | 'reject', by: string, reason: string | null, context: DecisionSource = { via: 'api' }): PendingChange {
    const { gate, recorder } = this.opts;
    const kept = {
      via: context.via,
      agent: context.session?.agent,
      client: clientName(context.session?.clientInfo),
      correlationId: context.correlationId,
      late: context.late || undefined,
    };
    const change = decision === 'approve' ? gate.approve(id, by, reason, kept) : gate.reject(id, by, reason, kept);
    recorder.record(context.session, 'decision', {
      ...(context.correlationId ? { correlationId: context.correlationId } : {}),
      server: change.server,
      tool: change.exposedName,
      outcome: 'ok',
      decision: { effect: decision === 'approve' ? 'allow' : 'deny', rule: `pending change ${id}` },
      detail: { by, via: context.via, reason, risk: change.risk, hash: change.newHash, ...(context.late ? { late: true } : {}) },
    });
    this.opts.reevaluate(change.server);
    return change;
  }

  /** Undoes a rejection: the definition is pending again, to be decided anew. */
  reopen(id: string, by: string, reason: string | null, via: DecisionSource['via']): PendingChange | undefined {
    const { gate, recorder } = this.opts;
    const d = gate.reopen(id, by, reason, { via });
    recorder.record(undefined, 'decision', {
      server: d.server,
      tool: this.exposedName(d.server, d.tool),
      outcome: 'ok',
      decision: { effect: 'deny', rule: `reopened change ${id}` },
      detail: { by, via, reason, risk: d.risk, hash: d.hash },
    });
    this.opts.reevaluate(d.server);
    return gate.pending().find((p) => p.id === id);
  }

  private deny(session: ClientSession, target: Target, rule: string): void {
    this.opts.recorder.record(session, 'denial', {
      server: target.upstream.id,
      tool: target.shown,
      outcome: 'denied',
      decision: { effect: 'deny', rule },
      arguments: this.opts.recorder.scrub(target.args),
    });
  }
}

/** The client's name as it introduced itself, for decision records. */
function clientName(info: Record<string, unknown> | undefined): string | undefined {
  return typeof info?.name === 'string' ? clip(`${info.name}${typeof info.version === 'string' ? ` ${info.version}` : ''}`, 100) : undefined;
}
