import { expandVars } from '../text/expand-vars.ts';
import type { SchemaCheck, SchemaCompiler } from './argument-schema.ts';
import type { Bundle, PolicyRule, Profile, RateLimit, SubjectMatch } from '../bundle/schema.ts';
import { matchesAny } from './glob.ts';
import { checkPath, normalizeRoot } from './path.ts';
import { limitIdentity, TokenBuckets, type LimitBuckets, type Wanted } from './rate-limit.ts';

// Tool-level access control. A decision depends on who asks (user, groups,
// agent), which server and tool, and the call's arguments. Everything that does
// not depend on the arguments is worked out once per (subject, tool) and
// cached, so a call pays a map lookup plus its argument checks.

export interface Subject {
  user: string;
  groups: readonly string[];
  agent: string;
}

/** Who the local user is (the org login's subject and groups, or the OS account). */
export type Identity = Omit<Subject, 'agent'>;

export type Verdict = { effect: 'allow'; rule: string } | { effect: 'deny'; rule: string; reason: string };

export interface RuleSummary {
  rule: string;
  effect: 'allow' | 'deny';
  who: string;
  constrained: boolean;
}

export type RateVerdict = { ok: true } | { ok: false; limit: string; retryAfterMs: number };

/** The rule a refusal names when no rule allows. */
export const DEFAULT_DENY = 'default-deny';
/** The rule an allowed prompt, resource or completion request names: the server is open to the caller. */
export const SERVER_ACCESS = 'server-access';

interface CompiledRule {
  index: number;
  rule: PolicyRule;
  validate: SchemaCheck | undefined;
  paths: { argument: string; roots: string[] }[];
}

/** What a subject may do with one tool before looking at arguments. */
interface Access {
  visible: boolean;
  deny: Verdict | undefined;
  allows: CompiledRule[];
}

export class PolicyError extends Error {}

/** Whether a profile includes a server (and, given, one of its tools). */
function profileIncludes(profile: Profile, server: string, tool?: string): boolean {
  return profile.tools.some((t) => matchesAny([t.server], server) && (tool === undefined || matchesAny(t.tools, tool)));
}

function subjectMatches(m: SubjectMatch, s: Subject): boolean {
  if (m.users && !matchesAny(m.users, s.user)) return false;
  if (m.agents && !matchesAny(m.agents, s.agent)) return false;
  if (m.groups && !m.groups.some((g) => s.groups.includes(g))) return false;
  return true;
}

export class Policy {
  private readonly rules: CompiledRule[];
  private readonly rulesByServer = new Map<string, CompiledRule[]>();
  private readonly wildcardRules: CompiledRule[] = [];
  private readonly limits: { limit: RateLimit; buckets: LimitBuckets }[];
  private readonly profiles: Map<string, Profile>;
  private readonly agentProfile: Map<string, string>;
  private readonly cache = new Map<string, Access>();
  private readonly buckets: TokenBuckets;
  /** Kept for the policy that replaces this one. */
  private readonly compile: SchemaCompiler | undefined;

  /**
   * Compiles every argument schema up front: a schema ajv cannot compile rejects the bundle.
   * `previous` is the policy this one replaces: its rate-limit state carries over for
   * the limits that did not change, so a reload is not a way around them.
   */
  constructor(
    bundle: Pick<Bundle, 'policies' | 'profiles' | 'agents'>,
    vars: Record<string, string> = {},
    previous?: Policy,
    compile: SchemaCompiler | undefined = previous?.compile,
  ) {
    this.compile = compile;
    const expand = (s: string) => expandVars(s, vars).text;
    this.rules = bundle.policies.rules
      .map((rule) => {
        let validate: SchemaCheck | undefined;
        try {
          if (rule.arguments) {
            if (!compile) throw new Error('this process was given no schema compiler');
            validate = compile(rule.arguments);
          }
        } catch (err) {
          throw new PolicyError(`policy rule "${rule.id}": its arguments schema does not compile: ${(err as Error).message}`);
        }
        const paths = rule.paths.map((p) => {
          const roots = p.within.map((r) => expand(r));
          for (const r of roots) if (!/^(\/|[A-Za-z]:[\\/])/.test(r)) throw new PolicyError(`policy rule "${rule.id}": root "${r}" is not an absolute path`);
          return { argument: p.argument, roots: roots.map(normalizeRoot) };
        });
        return { index: 0, rule, validate, paths };
      })
      .map((c, index) => ({ ...c, index }));
    // Most rules name their servers outright: index those, so a decision looks at the
    // rules for its server and the wildcard ones, not all of them.
    for (const c of this.rules) {
      const literal = c.rule.servers.every((s) => !s.includes('*') && !s.includes('?'));
      if (!literal) {
        this.wildcardRules.push(c);
        continue;
      }
      for (const server of c.rule.servers) {
        const list = this.rulesByServer.get(server) ?? [];
        list.push(c);
        this.rulesByServer.set(server, list);
      }
    }
    // Two identical entries are still two limits, each with its own buckets.
    const seen = new Map<string, number>();
    const identities = bundle.policies.rateLimits.map((l) => {
      const id = limitIdentity(l);
      const n = seen.get(id) ?? 0;
      seen.set(id, n + 1);
      return n === 0 ? id : `${id}#${n}`;
    });
    this.buckets = TokenBuckets.carriedOver(previous?.buckets, identities);
    this.limits = bundle.policies.rateLimits.map((limit, i) => ({ limit, buckets: this.buckets.of(identities[i]!) }));
    this.profiles = new Map(bundle.profiles.map((p) => [p.id, p]));
    this.agentProfile = new Map(bundle.agents.flatMap((a) => (a.profile ? [[a.name, a.profile] as const] : [])));
  }

  private profileOf(agent: string): Profile | undefined {
    const id = this.agentProfile.get(agent);
    return id === undefined ? undefined : this.profiles.get(id);
  }

  private access(subject: Subject, server: string, tool: string): Access {
    const key = `${subject.user}\u0000${subject.agent}\u0000${subject.groups.join('\u0001')}\u0000${server}\u0000${tool}`;
    let access = this.cache.get(key);
    if (!access) {
      access = this.work(subject, server, tool);
      if (this.cache.size > 100_000) this.cache.clear();
      this.cache.set(key, access);
    }
    return access;
  }

  private work(subject: Subject, server: string, tool: string): Access {
    const profile = this.profileOf(subject.agent);
    if (profile && !profileIncludes(profile, server, tool)) {
      return {
        visible: false,
        deny: {
          effect: 'deny',
          rule: `profile:${profile.id}`,
          reason: `agent "${subject.agent}" is bound to profile "${profile.id}", which does not include this tool`,
        },
        allows: [],
      };
    }
    const allows: CompiledRule[] = [];
    for (const c of this.candidates(server)) {
      const r = c.rule;
      if (!matchesAny(r.servers, server) || !matchesAny(r.tools, tool) || !subjectMatches(r.subjects, subject)) continue;
      if (r.effect === 'deny') return { visible: false, deny: { effect: 'deny', rule: r.id, reason: r.description ?? `denied by rule "${r.id}"` }, allows: [] };
      allows.push(c);
    }
    if (allows.length === 0)
      return {
        visible: false,
        deny: { effect: 'deny', rule: DEFAULT_DENY, reason: `no policy rule allows ${subject.user} (agent ${subject.agent}) to use this tool` },
        allows,
      };
    return { visible: true, deny: undefined, allows };
  }

  /** The rules that can match a server, in bundle order. */
  private candidates(server: string): CompiledRule[] {
    const named = this.rulesByServer.get(server);
    if (!named) return this.wildcardRules;
    if (this.wildcardRules.length === 0) return named;
    return [...named, ...this.wildcardRules].sort((a, b) => a.index - b.index);
  }

  /**
   * The rules that could decide calls to this tool, whoever asks, in bundle order:
   * what the dashboard shows as "allowed for whom". Profiles are listed as limits.
   */
  rulesFor(server: string, tool: string): RuleSummary[] {
    const out: RuleSummary[] = [];
    for (const { rule: r, validate, paths } of this.candidates(server)) {
      if (!matchesAny(r.servers, server) || !matchesAny(r.tools, tool)) continue;
      const who =
        [
          r.subjects.groups ? `groups ${r.subjects.groups.join(', ')}` : '',
          r.subjects.users ? `users ${r.subjects.users.join(', ')}` : '',
          r.subjects.agents ? `agents ${r.subjects.agents.join(', ')}` : '',
        ]
          .filter(Boolean)
          .join('; ') || 'everyone';
      out.push({ rule: r.id, effect: r.effect, who, constrained: validate !== undefined || paths.length > 0 });
    }
    // A profile only narrows what some rule allows.
    if (!out.some((r) => r.effect === 'allow')) return out;
    for (const [agent, id] of this.agentProfile) {
      const p = this.profiles.get(id);
      if (p && !profileIncludes(p, server, tool)) out.push({ rule: `profile:${id}`, effect: 'deny', who: `agent ${agent}`, constrained: false });
    }
    return out;
  }

  /** Whether the tool appears in the subject's tools/list: some rule could allow a call. */
  visible(subject: Subject, server: string, tool: string): boolean {
    return this.access(subject, server, tool).visible;
  }

  /** Whether the subject may see a server's prompts and resources: some rule allows it some tool there. */
  serverVisible(subject: Subject, server: string): boolean {
    const profile = this.profileOf(subject.agent);
    if (profile && !profileIncludes(profile, server)) return false;
    let allowed = false;
    for (const { rule: r } of this.candidates(server)) {
      if (!matchesAny(r.servers, server) || !subjectMatches(r.subjects, subject)) continue;
      if (r.effect === 'deny' && r.tools.includes('*')) return false;
      if (r.effect === 'allow') allowed = true;
    }
    return allowed;
  }

  /** The decision for a request to a server that names no tool (prompts, resources, completions). */
  checkServer(subject: Subject, server: string): Verdict {
    return this.serverVisible(subject, server)
      ? { effect: 'allow', rule: SERVER_ACCESS }
      : { effect: 'deny', rule: DEFAULT_DENY, reason: `no policy rule lets ${subject.user} (agent ${subject.agent}) use server "${server}"` };
  }

  /** The decision for one call. The first allow rule whose constraints the arguments meet wins. */
  check(subject: Subject, server: string, tool: string, args: unknown): Verdict {
    const access = this.access(subject, server, tool);
    if (access.deny) return access.deny;
    let first: Verdict | undefined;
    for (const c of access.allows) {
      const failure = this.constraintFailure(c, args);
      if (failure === undefined) return { effect: 'allow', rule: c.rule.id };
      first ??= { effect: 'deny', rule: c.rule.id, reason: failure };
    }
    return first!;
  }

  private constraintFailure(c: CompiledRule, args: unknown): string | undefined {
    if (!c.validate && c.paths.length === 0) return undefined;
    const value = args ?? {};
    const failed = c.validate?.(value);
    if (failed !== undefined) return `arguments do not meet rule "${c.rule.id}": ${failed}`;
    if (c.paths.length && (typeof value !== 'object' || value === null || Array.isArray(value))) return `arguments must be an object for rule "${c.rule.id}"`;
    for (const p of c.paths) {
      const arg = (value as Record<string, unknown>)[p.argument];
      if (arg === undefined) continue;
      for (const item of Array.isArray(arg) ? arg : [arg]) {
        const verdict = checkPath(item, p.roots);
        if (!verdict.ok) return `argument "${p.argument}" ${verdict.reason} (rule "${c.rule.id}")`;
      }
    }
    return undefined;
  }

  /** Takes a token from every limit that applies; over any, the call waits `retryAfterMs`. */
  rate(subject: Subject, server: string, tool: string, now: number): RateVerdict {
    if (this.limits.length === 0) return { ok: true };
    const wanted: (Wanted & { id: string })[] = [];
    for (const { limit: l, buckets } of this.limits) {
      if (!matchesAny(l.servers, server) || !matchesAny(l.tools, tool) || !subjectMatches(l.subjects, subject)) continue;
      const key = l.per === 'user' ? subject.user : l.per === 'agent' ? subject.agent : l.per === 'server' ? server : `${server}\u0000${tool}`;
      wanted.push({ buckets, key, capacity: l.calls, perMs: l.perSeconds * 1000, id: l.id });
    }
    if (wanted.length === 0) return { ok: true };
    const r = this.buckets.take(wanted, now);
    if (r.ok) return r;
    return { ok: false, limit: wanted[r.index]!.id, retryAfterMs: r.retryAfterMs };
  }
}
