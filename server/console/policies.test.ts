// The policies page's checks: a document desktops would refuse is refused with
// the field that is wrong; the simulator names the deciding rule and checks
// arguments; the publish diff says which rules and which tools' callers change.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RegistryFileSchema } from '../admin/workspace.ts';
import { checkDoc, policyDiff, simulate } from './policies.ts';

const registry = RegistryFileSchema.parse({
  servers: [
    { id: 'fs', transport: { type: 'stdio', command: 'node' }, pins: { read: `sha256:${'a'.repeat(64)}`, write: `sha256:${'b'.repeat(64)}` }, approvedAt: 'x' },
  ],
});
const doc = (rules: unknown[]) => ({ policies: { rules, rateLimits: [] }, profiles: [], agents: [] });

describe('console policies', () => {
  it('refuses what desktops would refuse, naming the field', () => {
    const r = checkDoc(doc([{ id: 'd', effect: 'deny', arguments: { type: 'object' } }]), registry);
    assert.equal(r.ok, false);
    assert.ok(!r.ok && r.issues.some((i) => i.path.startsWith('policies.rules.0')), JSON.stringify(r));
    const dup = checkDoc(
      doc([
        { id: 'a', effect: 'allow' },
        { id: 'a', effect: 'allow' },
      ]),
      registry,
    );
    assert.ok(!dup.ok && dup.issues.some((i) => /duplicate rule/.test(i.message)));
    const schema = checkDoc(doc([{ id: 'bad', effect: 'allow', arguments: { type: 'nonsense' } }]), registry);
    assert.equal(schema.ok, false, 'an argument schema that does not compile');
  });

  it('simulates with the desktop policy code, arguments included', () => {
    const r = checkDoc(
      doc([
        {
          id: 'eng-write',
          effect: 'allow',
          subjects: { groups: ['eng'] },
          servers: ['fs'],
          tools: ['write'],
          paths: [{ argument: 'path', within: ['/work'] }],
        },
        { id: 'no-bots', effect: 'deny', subjects: { agents: ['bot'] } },
      ]),
      registry,
    );
    assert.ok(r.ok);
    const q = { user: 'alice', groups: ['eng'], agent: 'cursor', server: 'fs', tool: 'write' };
    assert.equal(simulate(r.bundle, { ...q, arguments: { path: '/work/a.txt' } }).rule, 'eng-write');
    const outside = simulate(r.bundle, { ...q, arguments: { path: '/etc/passwd' } });
    assert.deepEqual([outside.effect, outside.rule], ['deny', 'eng-write']);
    assert.match(outside.reason ?? '', /path/);
    const bot = simulate(r.bundle, { ...q, agent: 'bot', arguments: { path: '/work/a' } });
    assert.deepEqual([bot.effect, bot.rule, bot.ruleDefinition?.id], ['deny', 'no-bots', 'no-bots']);
    const nobody = simulate(r.bundle, { ...q, groups: [], tool: 'read', arguments: {} });
    assert.deepEqual([nobody.effect, nobody.rule, nobody.ruleDefinition], ['deny', 'default-deny', null]);
  });

  it('diffs against the last published bundle, rule by rule and tool by tool', () => {
    const published = {
      schemaVersion: 1,
      name: 'x',
      version: 4,
      servers: registry.servers,
      policies: {
        rules: [
          { id: 'all', effect: 'allow' },
          { id: 'old', effect: 'deny', tools: ['write'] },
        ],
        rateLimits: [],
      },
    };
    const next = checkDoc(
      doc([
        { id: 'all', effect: 'allow', subjects: { groups: ['eng'] } },
        { id: 'new', effect: 'deny', tools: ['read'] },
      ]),
      registry,
    );
    assert.ok(next.ok);
    const d = policyDiff(published, next.bundle);
    assert.deepEqual(d.rules, { added: ['new'], removed: ['old'], changed: ['all'] });
    assert.equal(d.against.version, 4);
    assert.deepEqual(d.tools.map((t) => t.tool).sort(), ['read', 'write']);
    const first = policyDiff(null, next.bundle);
    assert.equal(first.against.version, null);
    assert.deepEqual(first.rules.added.sort(), ['all', 'new']);
  });
});
