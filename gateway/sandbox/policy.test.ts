import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseBundle } from '../../shared/bundle/schema.ts';
import { declaredSandbox, describeNetwork, hostAllowed, parseHostRule, resolveSandbox } from './policy.ts';

describe('sandbox policy', () => {
  it('matches hosts exactly, wildcards on subdomains only, and ports as listed', () => {
    const rules = ['*.github.com:443', 'registry.npmjs.org:443', '127.0.0.1:8080', '[::1]:*'].map(parseHostRule);
    assert.ok(hostAllowed(rules, 'api.github.com', 443));
    assert.ok(hostAllowed(rules, 'API.GitHub.com.', 443), 'case and the trailing dot are not a way out, nor a way in');
    assert.ok(!hostAllowed(rules, 'github.com', 443), 'the wildcard matched the bare domain');
    assert.ok(!hostAllowed(rules, 'evilgithub.com', 443));
    assert.ok(!hostAllowed(rules, 'api.github.com.evil.net', 443));
    assert.ok(!hostAllowed(rules, 'api.github.com', 80));
    assert.ok(hostAllowed(rules, '127.0.0.1', 8080));
    assert.ok(!hostAllowed(rules, 'localhost', 8080), 'a name for a listed address is another host');
    assert.ok(hostAllowed(rules, '[::1]', 5));
    assert.ok(!hostAllowed(rules, '127.0.0.1', 0));
    assert.ok(!hostAllowed(rules, 'registry.npmjs.org', 70000));
    assert.ok(!hostAllowed([], 'anything', 443));
  });

  it('resolves variables, and drops entries whose variable has no value here (less access, never more)', () => {
    const r = resolveSandbox(
      { read: ['${home}/src/', '${workspace}/repo', '/etc/app'], write: ['${dataDir}//mem'], network: { allow: ['*.github.com:443'] } },
      { home: '/home/u', dataDir: '/d' },
    );
    assert.deepEqual(r.read, ['/home/u/src', '/etc/app']);
    assert.deepEqual(r.write, ['/d/mem']);
    assert.deepEqual(r.dropped, ['${workspace}/repo (no value for its variable here)']);
    assert.equal(describeNetwork(r.network), '*.github.com:443');
  });

  it('refuses a variable whose value would make the path relative or climb out', () => {
    assert.throws(() => resolveSandbox({ read: ['${home}/x'], write: [], network: 'none' }, { home: 'relative' }), /not an absolute path/);
    assert.throws(() => resolveSandbox({ read: ['${home}/x'], write: [], network: 'none' }, { home: '/a/../..' }), /not an absolute path/);
  });

  it('takes a server without a sandbox from settings.sandbox.default, which is off unless the bundle says', () => {
    const base = {
      schemaVersion: 1,
      name: 't',
      servers: [
        { id: 'a', transport: { type: 'stdio', command: 'x' } },
        { id: 'b', transport: { type: 'stdio', command: 'x' }, sandbox: 'off' },
      ],
    };
    const plain = parseBundle(base);
    assert.ok(plain.ok);
    assert.equal(declaredSandbox(plain.bundle.servers[0]!, plain.bundle.settings), 'off');
    assert.equal(plain.bundle.settings.sandbox.allowUnsandboxed, false, 'fail closed is the default');
    const strict = parseBundle({ ...base, settings: { sandbox: { default: { network: 'none' } } } });
    assert.ok(strict.ok);
    assert.deepEqual(declaredSandbox(strict.bundle.servers[0]!, strict.bundle.settings), { read: [], write: [], network: 'none' });
    assert.equal(declaredSandbox(strict.bundle.servers[1]!, strict.bundle.settings), 'off', 'an explicit off was overridden');
  });

  it('refuses sandboxes the schema cannot mean', () => {
    const bad = parseBundle({
      schemaVersion: 1,
      name: 't',
      servers: [
        {
          id: 'a',
          transport: { type: 'stdio', command: 'x' },
          sandbox: { read: ['relative/path', '/a/../b'], write: [], network: { allow: ['no-port', '*:443', 'a.com:0', 'a.com:70000'] }, extra: 1 },
        },
        { id: 'r', transport: { type: 'http', url: 'https://x.example' }, sandbox: { network: 'none' } },
      ],
    });
    assert.ok(!bad.ok);
    const paths = bad.issues.map((i) => i.path);
    for (const p of [
      'servers.0.sandbox.read.0',
      'servers.0.sandbox.read.1',
      'servers.0.sandbox.network.allow.0',
      'servers.0.sandbox.network.allow.1',
      'servers.0.sandbox.network.allow.2',
      'servers.0.sandbox.network.allow.3',
      'servers.0.sandbox',
      'servers.1.sandbox',
    ]) {
      assert.ok(paths.includes(p), `${p} not reported: ${JSON.stringify(bad.issues)}`);
    }
  });
});
