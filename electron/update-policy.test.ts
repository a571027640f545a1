import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compareVersions, readPrefs, updatePlan } from './update-policy.ts';

test('versions order as semver does, prereleases before their release', () => {
  const ordered = [
    '0.9.9',
    '1.0.0-alpha',
    '1.0.0-alpha.1',
    '1.0.0-alpha.beta',
    '1.0.0-beta.2',
    '1.0.0-beta.11',
    '1.0.0-rc.1',
    '1.0.0',
    '1.0.1',
    '1.10.0',
    '10.0.0',
  ];
  for (let i = 0; i + 1 < ordered.length; i++) {
    assert.equal(compareVersions(ordered[i]!, ordered[i + 1]!), -1, `${ordered[i]} < ${ordered[i + 1]}`);
    assert.equal(compareVersions(ordered[i + 1]!, ordered[i]!), 1);
  }
  assert.equal(compareVersions('v1.2.3+build.5', '1.2.3'), 0);
  assert.equal(compareVersions('1.2', '1.2.0'), null);
});

test('below the org minimum the update is required and checked often; at or above it is not', () => {
  const below = updatePlan({ current: '0.1.0', channel: 'stable', orgMinimum: '0.2.0' });
  assert.equal(below.required, true);
  assert.match(below.notice!, /requires Gatehouse 0\.2\.0 or later \(this is 0\.1\.0\)/);
  assert.ok(below.checkEveryMs < updatePlan({ current: '0.2.0', channel: 'stable', orgMinimum: '0.2.0' }).checkEveryMs);
  assert.equal(updatePlan({ current: '0.2.0', channel: 'stable', orgMinimum: '0.2.0' }).required, false);
  assert.equal(updatePlan({ current: '0.2.0-beta.1', channel: 'beta', orgMinimum: '0.2.0' }).required, true);
  assert.equal(updatePlan({ current: '0.1.0', channel: 'stable', orgMinimum: null }).required, false);
});

test('an unreadable minimum counts as unmet rather than ignored', () => {
  assert.equal(updatePlan({ current: '9.9.9', channel: 'stable', orgMinimum: 'latest' }).required, true);
});

test("the channel picks electron-updater's channel; downgrades are never allowed", () => {
  assert.deepEqual(
    [updatePlan({ current: '1.0.0', channel: 'beta', orgMinimum: null })].map((p) => [p.channel, p.allowPrerelease, p.allowDowngrade]),
    [['beta', true, false]],
  );
  assert.deepEqual(
    [updatePlan({ current: '1.0.0', channel: 'stable', orgMinimum: null })].map((p) => [p.channel, p.allowPrerelease, p.allowDowngrade]),
    [['latest', false, false]],
  );
});

test('preferences fall back to defaults on a missing, broken or hostile file', () => {
  for (const text of [null, '', '{', '[]', '{"updateChannel":"nightly"}', '{"__proto__":{"x":1}}'])
    assert.deepEqual(readPrefs(text), { updateChannel: 'stable' }, String(text));
  assert.deepEqual(readPrefs('{"updateChannel":"beta"}'), { updateChannel: 'beta' });
});

test('the bundle carries the org minimum as settings.desktop.minimumVersion, a plain version or nothing', async () => {
  const { BundleSchema } = await import('../shared/bundle/schema.ts');
  const bundle = (desktop: unknown) => ({ schemaVersion: 1, name: 'org', servers: [], settings: { desktop } });
  assert.equal(BundleSchema.parse(bundle({ minimumVersion: '1.4.0' })).settings.desktop?.minimumVersion, '1.4.0');
  for (const bad of [{ minimumVersion: 'latest' }, { minimumVersion: '1.4' }, { minimumVersion: '1.4.0', extra: true }])
    assert.equal(BundleSchema.safeParse(bundle(bad)).success, false, JSON.stringify(bad));
  assert.equal(BundleSchema.parse({ schemaVersion: 1, name: 'personal', servers: [] }).settings.desktop, undefined);
});
