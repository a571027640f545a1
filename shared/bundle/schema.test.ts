import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseBundle } from './schema.ts';

const server = (id: string, transport: unknown = { type: 'stdio', command: 'node' }) => ({ id, transport });

describe('bundle schema', () => {
  it('fills safe defaults', () => {
    const r = parseBundle({ schemaVersion: 1, name: 'b', servers: [server('a')] });
    assert.ok(r.ok);
    assert.equal(r.bundle.settings.toolNameSeparator, '__');
    assert.equal(r.bundle.settings.anonymousAgent, undefined, 'no anonymous HTTP access by default');
    assert.equal(r.bundle.servers[0]!.status, 'approved');
    assert.equal(r.bundle.servers[0]!.forwardRoots, false);
    assert.ok(!r.bundle.settings.inheritEnv.some((v) => /TOKEN|KEY|SECRET/.test(v)), 'no credentials inherited by default');
  });

  it('names the field and reason of every problem', () => {
    const r = parseBundle({
      schemaVersion: 1,
      name: 'b',
      servers: [server('a'), server('a'), server('x__y'), server('ok', { type: 'http', url: 'file:///etc/passwd' })],
      extra: 1,
    });
    assert.ok(!r.ok);
    const text = r.issues.map((i) => `${i.path}: ${i.message}`);
    assert.ok(
      text.some((t) => t.startsWith('servers.1.id: duplicate server id "a"')),
      text.join('\n'),
    );
    assert.ok(
      text.some((t) => t.startsWith('servers.2.id')),
      text.join('\n'),
    );
    assert.ok(
      text.some((t) => t === 'servers.3.transport.url: must be an http(s) URL'),
      text.join('\n'),
    );
    assert.ok(
      text.some((t) => t.includes('extra')),
      'unknown top-level keys are refused',
    );
  });

  it('refuses odd environment variable names', () => {
    const r = parseBundle({ schemaVersion: 1, name: 'b', servers: [server('a', { type: 'stdio', command: 'x', env: { 'BAD NAME': '1' } })] });
    assert.ok(!r.ok);
    assert.match(r.issues[0]!.path, /servers\.0\.transport\.env/);
  });
});
