import assert from 'node:assert/strict';
import { test } from 'node:test';
import { allowedMethods, matchRoute, routePath, ROUTES, type RouteName } from './routes.ts';

const SAMPLE: Record<string, string> = { id: '0123456789ab', server: 'fs', slot: 'TOKEN', agent: 'cursor', login: 'abcdefgh12', client: 'cursor' };

test('every route is found again from the path its clients build', () => {
  for (const name of Object.keys(ROUTES) as RouteName[]) {
    const path = `/api/v1${routePath(name, name.endsWith('AgentRequest') ? { id: '0123456789abcdef0123456789abcdef' } : SAMPLE)}`;
    assert.deepEqual(matchRoute(ROUTES[name].method, path)?.name, name, `${name}: ${path}`);
  }
});

test('parameters are checked, and names that are object properties are just unknown paths', () => {
  assert.equal(matchRoute('GET', '/api/v1/pending/not-hex'), undefined);
  assert.equal(matchRoute('POST', '/api/v1/servers/../restart'), undefined);
  assert.equal(matchRoute('GET', '/api/v1/__proto__'), undefined);
  assert.equal(matchRoute('GET', '/api/v1/constructor'), undefined);
  assert.equal(matchRoute('GET', '/api/v1/status/'), undefined);
  assert.deepEqual({ ...matchRoute('POST', '/api/v1/secrets/fs/TOKEN/rotate')?.params }, { server: 'fs', slot: 'TOKEN' });
});

test('a known path under the wrong method is told which methods it takes', () => {
  assert.deepEqual(allowedMethods('/api/v1/secrets/fs/TOKEN').sort(), ['DELETE', 'PUT']);
  assert.deepEqual(allowedMethods('/api/v1/nothing'), []);
});
