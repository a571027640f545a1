import { z } from 'zod';
import { eagerSchemaCompiler } from '../../shared/policy/eager-schemas.ts';
import { parseBundle, type Bundle } from '../../shared/bundle/schema.ts';
import { PolicyDocSchema, type PolicyDiff, type PolicyDoc, type SimulateResponse } from '../../shared/console/contract.ts';
import { DEFAULT_DENY, Policy, PolicyError } from '../../shared/policy/evaluate.ts';
import type { RegistryFile } from '../admin/workspace.ts';

// The policies page: rules checked as a desktop checks them, the simulator
// answered by the desktop's own policy code (shared/policy/evaluate.ts), and
// what a publish would change for whom.

/** Path roots may name `${bundleDir}` and `${dataDir}`, which only a desktop knows; the simulator uses stand-ins. */
const VARS = { bundleDir: '/bundle', dataDir: '/data' };

export interface Issue {
  path: string;
  message: string;
}

export type Checked = { ok: true; doc: PolicyDoc; bundle: Bundle } | { ok: false; issues: Issue[] };

/** Parses a policy document and checks it as desktops will: the bundle schema, then the rules compile. */
export function checkDoc(raw: unknown, registry: RegistryFile): Checked {
  const doc = PolicyDocSchema.safeParse(raw);
  if (!doc.success) return { ok: false, issues: doc.error.issues.map((i) => ({ path: i.path.join('.') || '(root)', message: i.message })) };
  const parsed = parseBundle({
    schemaVersion: 1,
    name: 'check',
    servers: registry.servers,
    agents: doc.data.agents,
    policies: doc.data.policies,
    profiles: doc.data.profiles,
    settings: registry.settings,
  });
  if (!parsed.ok) return { ok: false, issues: parsed.issues };
  try {
    new Policy(parsed.bundle, VARS, undefined, eagerSchemaCompiler);
  } catch (err) {
    if (err instanceof PolicyError) return { ok: false, issues: [{ path: 'policies', message: err.message }] };
    throw err;
  }
  return { ok: true, doc: doc.data, bundle: parsed.bundle };
}

export function workspaceDoc(r: RegistryFile): PolicyDoc {
  return { policies: r.policies, profiles: r.profiles, agents: r.agents };
}

export interface SimulateInput {
  user: string;
  groups: string[];
  agent: string;
  server: string;
  tool: string;
  arguments: Record<string, unknown>;
}

export function simulate(bundle: Bundle, q: SimulateInput): SimulateResponse {
  const policy = new Policy(bundle, VARS, undefined, eagerSchemaCompiler);
  const subject = { user: q.user, groups: q.groups, agent: q.agent };
  const decision = policy.check(subject, q.server, q.tool, q.arguments);
  return {
    effect: decision.effect,
    rule: decision.rule,
    reason: decision.effect === 'deny' ? decision.reason : null,
    ruleDefinition: decision.rule === DEFAULT_DENY ? null : (bundle.policies.rules.find((r) => r.id === decision.rule) ?? null),
    visible: policy.visible(subject, q.server, q.tool),
    candidates: policy.rulesFor(q.server, q.tool),
  };
}

const PublishedSchema = z.object({ version: z.number().int().optional() }).passthrough();

/** Rule by rule, and for every pinned tool who may call it, the last published bundle against `next`. */
export function policyDiff(published: Record<string, unknown> | null, next: Bundle): PolicyDiff {
  const before = published ? parseBundle({ ...published, keys: undefined }) : null;
  const old: Bundle | null = before?.ok ? before.bundle : null;
  const oldRules = new Map((old?.policies.rules ?? []).map((r) => [r.id, JSON.stringify(r)]));
  const newRules = new Map(next.policies.rules.map((r) => [r.id, JSON.stringify(r)]));
  const oldPolicy = old ? new Policy(old, VARS, undefined, eagerSchemaCompiler) : null;
  const newPolicy = new Policy(next, VARS, undefined, eagerSchemaCompiler);
  const tools: PolicyDiff['tools'] = [];
  const seen = new Set<string>();
  for (const s of [...next.servers, ...(old?.servers ?? [])]) {
    for (const tool of Object.keys(s.pins)) {
      const key = `${s.id}\u0000${tool}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const a = oldPolicy?.rulesFor(s.id, tool) ?? [];
      const b = newPolicy.rulesFor(s.id, tool);
      if (JSON.stringify(a) !== JSON.stringify(b)) tools.push({ server: s.id, tool, before: a, after: b });
    }
  }
  return {
    against: { version: published ? (PublishedSchema.parse(published).version ?? null) : null },
    rules: {
      added: [...newRules.keys()].filter((id) => !oldRules.has(id)),
      removed: [...oldRules.keys()].filter((id) => !newRules.has(id)),
      changed: [...newRules].filter(([id, text]) => oldRules.has(id) && oldRules.get(id) !== text).map(([id]) => id),
    },
    tools,
  };
}
