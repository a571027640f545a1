import assert from 'node:assert/strict';
import { test } from 'node:test';
import { findNode, nodeCandidates, outsidePath, supportedNode } from './node-runtime.ts';

const versions = new Map([
  ['/opt/app/resources/node/bin/node', 'v24.1.0'],
  ['/usr/bin/node', 'v18.19.0\n'],
  ['/home/u/.nvm/bin/node', 'v22.12.0\n'],
]);
const base = {
  env: { PATH: '/usr/bin:relative/bin:/home/u/.nvm/bin' },
  platform: 'linux' as const,
  selfPath: '/opt/app/gatehouse',
  versionOf: (p: string) => versions.get(p) ?? null,
};

test('a Node shipped with the app comes first, then GATEHOUSE_NODE, then PATH, never the app binary or a relative PATH entry', () => {
  assert.deepEqual(nodeCandidates({ ...base, bundledDir: '/opt/app/resources/node', env: { ...base.env, GATEHOUSE_NODE: '/opt/app/gatehouse' } }), [
    '/opt/app/resources/node/bin/node',
    '/usr/bin/node',
    '/home/u/.nvm/bin/node',
  ]);
});

test('the first Node new enough is chosen; older ones are named in the problem when none is', () => {
  assert.deepEqual(findNode(base), { path: '/home/u/.nvm/bin/node', version: 'v22.12.0' });
  assert.deepEqual(findNode({ ...base, bundledDir: '/opt/app/resources/node' }), { path: '/opt/app/resources/node/bin/node', version: 'v24.1.0' });
  const none = findNode({ ...base, env: { PATH: '/usr/bin' } });
  assert.equal(none.path, null);
  assert.match((none as { problem: string }).problem, /\/usr\/bin\/node is v18\.19\.0.*GATEHOUSE_NODE/);
});

test('versions', () => {
  for (const v of ['v22.12.0', 'v22.18.1', 'v23.0.0', 'v24.19.2']) assert.equal(supportedNode(v), true, v);
  for (const v of ['v22.11.9', 'v20.19.0', 'Electron 45', '', 'v22']) assert.equal(supportedNode(v), false, v);
});

test('paths inside the archive map to the unpacked copy', () => {
  assert.equal(outsidePath('/opt/Gatehouse/resources/app.asar/bin/gatehouse.js'), '/opt/Gatehouse/resources/app.asar.unpacked/bin/gatehouse.js');
  assert.equal(outsidePath('/home/u/src/gatehouse/bin/gatehouse.js'), '/home/u/src/gatehouse/bin/gatehouse.js');
});
