import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { eagerSchemaCompiler } from './eager-schemas.ts';
import { PoliciesSchema, ProfileSchema, AgentSchema } from '../bundle/schema.ts';
import { DEFAULT_DENY, Policy, PolicyError, type Subject } from './evaluate.ts';
import { SWEEP_AT } from './rate-limit.ts';

const alice: Subject = { user: 'alice@acme.com', groups: ['eng'], agent: 'cursor' };
const bob: Subject = { user: 'bob@acme.com', groups: ['sales'], agent: 'claude' };

function policy(rules: unknown[], extra: { rateLimits?: unknown[]; profiles?: unknown[]; agents?: unknown[] } = {}): Policy {
  return new Policy(
    {
      policies: PoliciesSchema.parse({ rules, rateLimits: extra.rateLimits ?? [] }),
      profiles: (extra.profiles ?? []).map((p) => ProfileSchema.parse(p)),
      agents: (extra.agents ?? []).map((a) => AgentSchema.parse(a)),
    },
    { bundleDir: '/srv/demo' },
    undefined,
    eagerSchemaCompiler,
  );
}

const files = policy([
  {
    id: 'eng-files',
    effect: 'allow',
    subjects: { groups: ['eng'] },
    servers: ['filesystem'],
    tools: ['read_*', 'list_directory', 'read_multiple_files'],
    paths: [
      { argument: 'path', within: ['${bundleDir}/files'] },
      { argument: 'paths', within: ['${bundleDir}/files'] },
    ],
  },
  { id: 'no-write', effect: 'deny', servers: ['filesystem'], tools: ['write_*'] },
  {
    id: 'echo-short',
    effect: 'allow',
    servers: ['everything'],
    tools: ['echo'],
    arguments: { type: 'object', properties: { message: { type: 'string', maxLength: 20 } }, required: ['message'], additionalProperties: false },
  },
]);

describe('policy decisions', () => {
  it('denies by default, naming the default rule', () => {
    const d = policy([]).check(alice, 'everything', 'echo', {});
    assert.equal(d.effect, 'deny');
    assert.equal(d.rule, DEFAULT_DENY);
    assert.equal(policy([]).visible(alice, 'everything', 'echo'), false);
  });

  it('matches subjects by group, user and agent', () => {
    assert.equal(files.check(alice, 'filesystem', 'read_text_file', { path: '/srv/demo/files/a.txt' }).effect, 'allow');
    assert.equal(files.check(bob, 'filesystem', 'read_text_file', { path: '/srv/demo/files/a.txt' }).effect, 'deny');
    assert.equal(files.visible(bob, 'filesystem', 'read_text_file'), false);
    const byAgent = policy([{ id: 'only-cursor', effect: 'allow', subjects: { agents: ['cur*'], users: ['*@acme.com'] } }]);
    assert.equal(byAgent.check(alice, 's', 't', {}).effect, 'allow');
    assert.equal(byAgent.check(bob, 's', 't', {}).effect, 'deny');
    assert.equal(byAgent.check({ ...alice, user: 'mallory@evil.com' }, 's', 't', {}).effect, 'deny');
  });

  it('lets a deny rule win over an allow rule, wherever it sits', () => {
    const p = policy([
      { id: 'all', effect: 'allow' },
      { id: 'no-write', effect: 'deny', tools: ['write_*'] },
    ]);
    const d = p.check(alice, 'filesystem', 'write_file', {});
    assert.deepEqual([d.effect, d.rule], ['deny', 'no-write']);
    assert.equal(p.visible(alice, 'filesystem', 'write_file'), false);
    assert.equal(p.visible(alice, 'filesystem', 'read_file'), true);
  });

  it('keeps bundle order across rules indexed by server and wildcard ones', () => {
    const p = policy([
      { id: 'wild-first', effect: 'allow', servers: ['s*'], tools: ['t'], arguments: { type: 'object', required: ['x'] } },
      { id: 'literal', effect: 'allow', servers: ['s1'], tools: ['t'] },
      { id: 'wild-last', effect: 'allow', servers: ['*'], tools: ['t'] },
    ]);
    assert.equal(p.check(alice, 's1', 't', { x: 1 }).rule, 'wild-first');
    assert.equal(p.check(alice, 's1', 't', {}).rule, 'literal');
    assert.equal(p.check(alice, 's2', 't', {}).rule, 'wild-last');
    const deny = policy([
      { id: 'a', effect: 'allow', servers: ['s1'] },
      { id: 'd', effect: 'deny', servers: ['*'], tools: ['t'] },
    ]);
    assert.equal(deny.check(alice, 's1', 't', {}).rule, 'd');
  });

  it('treats glob metacharacters other than * and ? literally', () => {
    const p = policy([{ id: 'dot', effect: 'allow', servers: ['a.b'], tools: ['t(1)'] }]);
    assert.equal(p.check(alice, 'a.b', 't(1)', {}).effect, 'allow');
    assert.equal(p.check(alice, 'axb', 't(1)', {}).effect, 'deny');
    assert.equal(p.check(alice, 'a.b', 't1', {}).effect, 'deny');
  });
});

describe('argument constraints under attack', () => {
  const read = (args: unknown) => files.check(alice, 'filesystem', 'read_text_file', args);
  const denied = (args: unknown) => {
    const d = read(args);
    assert.equal(d.effect, 'deny', `should deny ${JSON.stringify(args)}`);
    return d.effect === 'deny' ? d.reason : '';
  };

  it('allows paths inside the root, and the root itself', () => {
    for (const path of ['/srv/demo/files', '/srv/demo/files/', '/srv/demo/files/a/b.txt', '/srv/demo/files/./a', '/srv/demo/files/a/../b']) {
      assert.equal(read({ path }).effect, 'allow', path);
    }
  });

  it('refuses traversal in every spelling', () => {
    for (const path of [
      '/srv/demo/files/../../../etc/passwd',
      '/srv/demo/files/..',
      '/srv/demo/files/%2e%2e/%2e%2e/etc/passwd',
      '/srv/demo/files/%252e%252e/secret',
      '/srv/demo/files/..%2f..%2fsecret',
      '/srv/demo/files\\..\\..\\secret',
      'file:///srv/demo/files/../../etc/passwd',
      'file:///etc/passwd',
      '/srv/demo/files-evil/x',
      '/srv/demo/filesx',
      '//etc/passwd',
    ])
      denied({ path });
  });

  it('refuses relative paths, home expansion and control characters', () => {
    assert.match(denied({ path: 'notes.txt' }), /not absolute/);
    assert.match(denied({ path: '../files/x' }), /not absolute/);
    assert.match(denied({ path: '~/secrets' }), /~/);
    assert.match(denied({ path: '/srv/demo/files/a\u0000.txt' }), /control/);
    assert.match(denied({ path: '/srv/demo/files/a%00/../../../../etc' }), /NUL|outside/);
  });

  it('refuses type confusion: arrays, objects, numbers in a path argument', () => {
    assert.match(denied({ path: { toString: '/srv/demo/files/a' } }), /path string/);
    assert.match(denied({ path: 42 }), /path string/);
    assert.match(denied({ path: null }), /path string/);
    assert.equal(read({ path: ['/srv/demo/files/a', '/srv/demo/files/b'] }).effect, 'allow');
    denied({ path: ['/srv/demo/files/a', '/etc/passwd'] });
    denied({ path: [['/etc/passwd']] });
    assert.match(denied(['/srv/demo/files/a']), /object/);
    assert.equal(files.check(alice, 'filesystem', 'read_multiple_files', { paths: ['/srv/demo/files/a', '/srv/demo/files/../../x'] }).effect, 'deny');
  });

  it('checks JSON Schema constraints without coercing types or dropping extra properties', () => {
    const echo = (args: unknown) => files.check(alice, 'everything', 'echo', args);
    assert.equal(echo({ message: 'hello' }).effect, 'allow');
    assert.equal(echo({ message: 'x'.repeat(21) }).effect, 'deny');
    assert.equal(echo({ message: 12345 }).effect, 'deny');
    assert.equal(echo({ message: ['hello'] }).effect, 'deny');
    assert.equal(echo({ message: 'hi', extra: 'smuggled' }).effect, 'deny');
    assert.equal(echo({}).effect, 'deny');
    assert.equal(echo(undefined).effect, 'deny');
    const args = { message: 'hi' };
    echo(args);
    assert.deepEqual(args, { message: 'hi' }, 'validation must not change the arguments');
    const d = echo({ message: 'hi', extra: 1 });
    assert.equal(d.rule, 'echo-short');
  });

  it('rejects a policy whose schema does not compile, or whose root is relative', () => {
    assert.throws(() => policy([{ id: 'bad', effect: 'allow', arguments: { type: 'nonsense' } }]), PolicyError);
    assert.throws(() => policy([{ id: 'rel', effect: 'allow', paths: [{ argument: 'p', within: ['files'] }] }]), /not an absolute path/);
  });
});

describe('profiles', () => {
  const p = policy([{ id: 'all', effect: 'allow' }], {
    profiles: [
      {
        id: 'readonly',
        tools: [
          { server: 'filesystem', tools: ['read_*'] },
          { server: 'everything', tools: ['echo'] },
        ],
      },
    ],
    agents: [{ name: 'cursor', profile: 'readonly' }],
  });

  it("shows a bound agent only its profile's tools", () => {
    assert.equal(p.visible(alice, 'filesystem', 'read_file'), true);
    assert.equal(p.visible(alice, 'filesystem', 'write_file'), false);
    assert.equal(p.visible(alice, 'memory', 'create_entities'), false);
    assert.equal(p.serverVisible(alice, 'memory'), false);
    assert.equal(p.check(alice, 'filesystem', 'write_file', {}).rule, 'profile:readonly');
    assert.equal(p.visible(bob, 'memory', 'create_entities'), true, 'an unbound agent is governed by rules only');
  });
});

describe('what the dashboard shows', () => {
  it('lists the rules that decide a tool, for whom, and profiles that leave it out', () => {
    const p = policy(
      [
        { id: 'eng', effect: 'allow', subjects: { groups: ['eng'], agents: ['cursor'] }, servers: ['gh'] },
        { id: 'limited', effect: 'allow', servers: ['gh'], tools: ['search'], arguments: { type: 'object' } },
        { id: 'no-delete', effect: 'deny', tools: ['delete_*'] },
      ],
      { profiles: [{ id: 'ro', tools: [{ server: 'gh', tools: ['get_*'] }] }], agents: [{ name: 'claude', profile: 'ro' }] },
    );
    assert.deepEqual(p.rulesFor('gh', 'search'), [
      { rule: 'eng', effect: 'allow', who: 'groups eng; agents cursor', constrained: false },
      { rule: 'limited', effect: 'allow', who: 'everyone', constrained: true },
      { rule: 'profile:ro', effect: 'deny', who: 'agent claude', constrained: false },
    ]);
    assert.deepEqual(
      p.rulesFor('gh', 'delete_repo').map((r) => `${r.effect} ${r.rule}`),
      ['allow eng', 'deny no-delete', 'deny profile:ro'],
    );
    assert.deepEqual(p.rulesFor('other', 'x'), []);
  });
});

describe('rate limits', () => {
  it('refuses a burst over the limit with the time to wait, per user', () => {
    const p = policy([{ id: 'all', effect: 'allow' }], { rateLimits: [{ id: 'five-a-second', per: 'user', calls: 5, perSeconds: 1 }] });
    const t0 = 1_000_000;
    const results = Array.from({ length: 8 }, () => p.rate(alice, 's', 't', t0));
    assert.equal(results.filter((r) => r.ok).length, 5);
    const refused = results[5]!;
    assert.equal(refused.ok, false);
    if (!refused.ok) {
      assert.equal(refused.limit, 'five-a-second');
      assert.ok(refused.retryAfterMs > 0 && refused.retryAfterMs <= 200, `retry after ${refused.retryAfterMs}`);
    }
    assert.equal(p.rate(bob, 's', 't', t0).ok, true, 'another user has their own bucket');
    assert.equal(p.rate(alice, 's', 't', t0 + 200).ok, true, 'a token refills after 200 ms');
  });

  it('does not spend a token of one limit when another refuses', () => {
    const p = policy([{ id: 'all', effect: 'allow' }], {
      rateLimits: [
        { id: 'tool', per: 'tool', tools: ['slow'], calls: 1, perSeconds: 60 },
        { id: 'user', per: 'user', calls: 2, perSeconds: 60 },
      ],
    });
    assert.equal(p.rate(alice, 's', 'slow', 0).ok, true);
    assert.equal(p.rate(alice, 's', 'slow', 0).ok, false);
    assert.equal(p.rate(alice, 's', 'fast', 0).ok, true, 'the refused call did not spend the user token');
    assert.equal(p.rate(alice, 's', 'fast', 0).ok, false);
  });

  it('carries buckets over to the next policy for limits that did not change, and only those', () => {
    const limit = { id: 'two', per: 'user', calls: 2, perSeconds: 60 };
    const other = { id: 'other', per: 'user', tools: ['x'], calls: 1, perSeconds: 60 };
    const first = policy([{ id: 'all', effect: 'allow' }], { rateLimits: [limit, other] });
    for (let i = 0; i < 2; i++) assert.equal(first.rate(alice, 's', 't', 0).ok, true);
    assert.equal(first.rate(alice, 's', 'x', 0).ok, false, 'two and other together: other has a token, two has none');
    const build = (rules: unknown[], rateLimits: unknown[], previous: Policy) =>
      new Policy({ policies: PoliciesSchema.parse({ rules, rateLimits }), profiles: [], agents: [] }, {}, previous);
    // An unrelated change: a new rule, the limits reordered.
    const second = build(
      [
        { id: 'all', effect: 'allow' },
        { id: 'new', effect: 'deny', servers: ['z'] },
      ],
      [other, limit],
      first,
    );
    assert.equal(second.rate(alice, 's', 't', 1).ok, false, 'still used up after an unrelated change');
    assert.equal(second.rate(bob, 's', 't', 1).ok, true, 'other subjects are unaffected');
    // The limit changed (more calls): a fresh bucket; the limit that went away leaves nothing behind.
    const third = build([{ id: 'all', effect: 'allow' }], [{ ...limit, calls: 3 }], second);
    assert.equal(third.rate(alice, 's', 't', 2).ok, true);
    // Changed back: not the old bucket either, which went with the policy that had it.
    const fourth = build([{ id: 'all', effect: 'allow' }], [limit], third);
    assert.equal(fourth.rate(alice, 's', 't', 3).ok, true);
  });

  it('keeps two identical limit entries as two limits', () => {
    const limit = { id: 'one', per: 'user', calls: 1, perSeconds: 60 };
    const p = policy([{ id: 'all', effect: 'allow' }], { rateLimits: [limit, limit] });
    assert.equal(p.rate(alice, 's', 't', 0).ok, true, 'one call takes one token from each, not two from one');
    assert.equal(p.rate(alice, 's', 't', 0).ok, false);
  });

  it('forgets refilled buckets when peers invent names faster than they come back', () => {
    const p = policy([{ id: 'all', effect: 'allow' }], { rateLimits: [{ id: 'per-agent', per: 'agent', calls: 1, perSeconds: 1 }] });
    const buckets = (p as unknown as { limits: { buckets: Map<string, unknown> }[] }).limits[0]!.buckets;
    for (let i = 0; i < SWEEP_AT * 3; i++) p.rate({ ...alice, agent: `agent-${i}` }, 's', 't', i * 10);
    assert.ok(buckets.size < SWEEP_AT * 2, `${buckets.size} buckets kept`);
    // A bucket still in use is kept: that agent stays limited.
    const now = SWEEP_AT * 30;
    assert.equal(p.rate({ ...alice, agent: 'busy' }, 's', 't', now).ok, true);
    for (let i = 0; i < SWEEP_AT * 2; i++) p.rate({ ...alice, agent: `late-${i}` }, 's', 't', now);
    assert.equal(p.rate({ ...alice, agent: 'busy' }, 's', 't', now).ok, false);
  });
});
