// Policy decision per call with 1,000 rules: the cached path (a tool called
// before by the same subject) and the first call (rules matched from scratch),
// plus the argument checks (JSON Schema, path roots) that run on every call.
//   node bench/policy.ts
import { AgentSchema, PoliciesSchema, ProfileSchema } from '../shared/bundle/schema.ts';
import { eagerSchemaCompiler } from '../shared/policy/eager-schemas.ts';
import { Policy, type Subject } from '../shared/policy/evaluate.ts';

const rules: unknown[] = [];
for (let i = 0; i < 1000; i++) {
  const kind = i % 4;
  if (kind === 0)
    rules.push({ id: `r${i}`, effect: 'allow', subjects: { groups: [`team-${i % 50}`] }, servers: [`srv-${i % 200}`], tools: ['read_*', 'list_*'] });
  else if (kind === 1) rules.push({ id: `r${i}`, effect: 'deny', servers: [`srv-${i % 200}`], tools: [`danger_${i}`] });
  else if (kind === 2)
    rules.push({
      id: `r${i}`,
      effect: 'allow',
      subjects: { agents: [`agent-${i % 10}*`] },
      servers: [`srv-${i % 200}`],
      tools: ['write_*'],
      paths: [{ argument: 'path', within: [`/srv/data/${i % 200}`] }],
    });
  else
    rules.push({
      id: `r${i}`,
      effect: 'allow',
      subjects: { users: ['*@acme.com'] },
      servers: [`srv-${i % 200}`],
      tools: ['echo'],
      arguments: { type: 'object', properties: { message: { type: 'string', maxLength: 100 } }, additionalProperties: false },
    });
}
const policy = new Policy(
  {
    policies: PoliciesSchema.parse({ rules }),
    profiles: [].map((p) => ProfileSchema.parse(p)),
    agents: [].map((a) => AgentSchema.parse(a)),
  },
  {},
  undefined,
  eagerSchemaCompiler,
);
const subject: Subject = { user: 'alice@acme.com', groups: ['team-4'], agent: 'agent-2-cursor' };

function measure(label: string, n: number, fn: (i: number) => void): void {
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    fn(i);
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  const us = (p: number) => (times[Math.min(times.length - 1, Math.floor(times.length * p))]! * 1000).toFixed(2);
  console.log(`${label}: p50 ${us(0.5)} µs, p99 ${us(0.99)} µs (${n} decisions)`);
}

// Warm the JIT on another subject so the first-call figure is about matching, not compiling.
for (let i = 0; i < 2000; i++) policy.check({ ...subject, user: `warm${i}@acme.com` }, `srv-${i % 200}`, 'read_file', {});
for (const [server, tool, args] of [
  ['srv-4', 'read_file', {}],
  ['srv-104', 'read_file', {}],
  ['srv-22', 'write_file', { path: '/srv/data/22/a' }],
  ['srv-3', 'echo', { message: 'hi' }],
] as const) {
  if (policy.check(subject, server, tool, args).effect !== 'allow') throw new Error(`the bench expects ${server}/${tool} to be allowed`);
}
measure('first call of a tool by a subject (1,000 rules, indexed by server)', 5000, (i) =>
  policy.check({ ...subject, user: `u${i}@acme.com` }, `srv-${(i % 2) * 100 + 4}`, 'read_file', {}),
);
measure('a denial (default deny), cached', 200_000, (i) => policy.check(subject, `srv-${i % 200}`, 'danger_x', {}));
measure('cached, no argument constraints', 200_000, (i) => policy.check(subject, `srv-${(i % 2) * 100 + 4}`, 'read_file', {}));
measure('cached, JSON Schema constraint', 200_000, (i) => policy.check(subject, `srv-${(i % 50) * 4 + 3}`, 'echo', { message: 'hello' }));
measure('cached, path constraint', 200_000, (i) =>
  policy.check(subject, `srv-${(i % 10) * 20 + 2}`, 'write_file', { path: `/srv/data/${(i % 10) * 20 + 2}/notes/a.txt` }),
);
measure('rate limit check (no limits declared)', 200_000, (i) => policy.rate(subject, `srv-${i % 200}`, 'echo', i));
