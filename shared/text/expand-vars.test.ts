import assert from 'node:assert/strict';
import { test } from 'node:test';
import { expandVars } from './expand-vars.ts';

test('fills known names, leaves unknown ones as written and lists them, and never reads inherited properties', () => {
  assert.deepEqual(expandVars('${dataDir}/x/${nope}', { dataDir: '/d' }), { text: '/d/x/${nope}', missing: ['nope'] });
  assert.deepEqual(expandVars('${__proto__}${constructor}', {}), { text: '${__proto__}${constructor}', missing: ['__proto__', 'constructor'] });
  assert.deepEqual(expandVars('${a}', new Map([['a', '1']])), { text: '1', missing: [] });
});
