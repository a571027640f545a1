// Enforcement at the gateway, against a real daemon, the real filesystem server
// from npm and our fixture servers: registry-only, tool RBAC with argument and
// path constraints, rate limits and profiles. Each test attacks one of them.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Client } from '@modelcontextprotocol/client';
import { ErrorCode } from '../../shared/jsonrpc/message.ts';
import { refusal, stdioClient } from '../helpers/clients.ts';
import { startDaemon, stdioServer, tempDir, writeBundle, type TestDaemon } from '../helpers/daemon.ts';

const textOf = (r: unknown) => (r as { content: { text: string }[] }).content[0]!.text;

describe('policy enforcement at the gateway', () => {
  let d: TestDaemon;
  const clients: Client[] = [];
  const work = realpathSync(tempDir('gh-policy-'));
  const root = join(work, 'shared');
  const marker = join(work, 'revoked-was-spawned');

  before(async () => {
    mkdirSync(root);
    writeFileSync(join(root, 'notes.txt'), 'inside the root');
    writeFileSync(join(work, 'secret.txt'), 'OUTSIDE-SECRET');
    mkdirSync(join(work, 'shared-evil'));
    writeFileSync(join(work, 'shared-evil', 'x.txt'), 'OUTSIDE-SIBLING');
    d = await startDaemon({
      bundle: writeBundle({
        schemaVersion: 1,
        name: 'policy',
        version: 3,
        servers: [
          // The server's own root is the parent, so only our policy stands between the agent and the secret.
          { id: 'files', transport: { type: 'npm', package: '@modelcontextprotocol/server-filesystem', args: [work] } },
          stdioServer('fx', 'faulty-server.ts'),
          stdioServer('limited', 'faulty-server.ts'),
          {
            id: 'gone',
            status: 'revoked',
            transport: { type: 'stdio', command: process.execPath, args: ['-e', `require('fs').writeFileSync(${JSON.stringify(marker)}, 'spawned')`] },
          },
        ],
        agents: [{ name: 'reader', profile: 'read-only' }],
        profiles: [{ id: 'read-only', tools: [{ server: 'files', tools: ['read_text_file', 'list_allowed_directories'] }] }],
        policies: {
          rules: [
            {
              id: 'files-in-shared',
              effect: 'allow',
              servers: ['files'],
              paths: [
                { argument: 'path', within: [root] },
                { argument: 'paths', within: [root] },
                { argument: 'source', within: [root] },
                { argument: 'destination', within: [root] },
              ],
            },
            { id: 'no-file-writes', effect: 'deny', servers: ['files'], tools: ['write_file', 'edit_file', 'move_file', 'create_directory'] },
            {
              id: 'short-echo',
              effect: 'allow',
              servers: ['fx'],
              tools: ['echo'],
              arguments: { type: 'object', properties: { message: { type: 'string', maxLength: 16 } }, required: ['message'], additionalProperties: false },
            },
            { id: 'fx-pid-for-cursor', effect: 'allow', subjects: { agents: ['cursor'] }, servers: ['fx'], tools: ['pid'] },
            { id: 'limited-all', effect: 'allow', servers: ['limited'] },
          ],
          rateLimits: [{ id: 'three-a-minute', per: 'tool', servers: ['limited'], tools: ['echo'], calls: 3, perSeconds: 60 }],
        },
      }),
    });
  });

  after(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await d?.stop();
  });

  async function agent(name: string): Promise<Client> {
    const c = await stdioClient(d.dataDir, name);
    clients.push(c);
    return c;
  }

  it('lists only what the caller may use', async () => {
    const names = (await (await agent('claude')).listTools()).tools.map((t) => t.name);
    assert.ok(names.includes('files__read_text_file'));
    assert.ok(names.includes('fx__echo'));
    assert.ok(!names.includes('files__write_file'), 'denied tools are not listed');
    assert.ok(!names.includes('fx__pid'), 'a tool only another agent may use is not listed');
    assert.ok(!names.includes('fx__crash'), 'a tool no rule allows is not listed');
    assert.ok(!names.some((n) => n.startsWith('gone__')), 'a revoked server has no tools');
    const cursor = (await (await agent('cursor')).listTools()).tools.map((t) => t.name);
    assert.ok(cursor.includes('fx__pid'));
  });

  it('refuses a denied call with an error that names the rule', async () => {
    const c = await agent('claude');
    const write = await refusal(c.callTool({ name: 'files__write_file', arguments: { path: join(root, 'x.txt'), content: 'x' } }));
    assert.equal(write.code, ErrorCode.PolicyDenied);
    assert.match(write.message, /no-file-writes/);
    assert.equal(write.data.rule, 'no-file-writes');
    const crash = await refusal(c.callTool({ name: 'fx__crash', arguments: {} }));
    assert.equal(crash.data.rule, 'default-deny');
    const pid = await refusal(c.callTool({ name: 'fx__pid', arguments: {} }));
    assert.equal(pid.code, ErrorCode.PolicyDenied);
    assert.match(textOf(await (await agent('cursor')).callTool({ name: 'fx__pid', arguments: {} })), /^\d+$/);
  });

  it('keeps path arguments inside the root however they are spelled', async () => {
    const c = await agent('claude');
    assert.equal(textOf(await c.callTool({ name: 'files__read_text_file', arguments: { path: join(root, 'notes.txt') } })), 'inside the root');
    for (const path of [
      join(root, '..', 'secret.txt'),
      `${root}/%2e%2e/secret.txt`,
      `${root}/..%2fsecret.txt`,
      `${root}\\..\\secret.txt`,
      `file://${root}/../secret.txt`,
      join(work, 'shared-evil', 'x.txt'),
      'secret.txt',
      '../secret.txt',
      '~/secret.txt',
    ]) {
      const r = await refusal(c.callTool({ name: 'files__read_text_file', arguments: { path } }));
      assert.equal(r.code, ErrorCode.PolicyDenied, `${path}: ${r.message}`);
      assert.equal(r.data.rule, 'files-in-shared');
    }
    const many = await refusal(c.callTool({ name: 'files__read_multiple_files', arguments: { paths: [join(root, 'notes.txt'), join(work, 'secret.txt')] } }));
    assert.equal(many.code, ErrorCode.PolicyDenied);
    const confused = await refusal(c.callTool({ name: 'files__read_text_file', arguments: { path: [join(work, 'secret.txt')] } }));
    assert.equal(confused.code, ErrorCode.PolicyDenied);
    const obj = await refusal(c.callTool({ name: 'files__read_text_file', arguments: { path: { toString: join(work, 'secret.txt') } } }));
    assert.equal(obj.code, ErrorCode.PolicyDenied);
  });

  it('holds argument constraints against type confusion and extra properties', async () => {
    const c = await agent('claude');
    assert.equal(textOf(await c.callTool({ name: 'fx__echo', arguments: { message: 'hello' } })), 'hello');
    for (const args of [{ message: 'x'.repeat(17) }, { message: 42 }, { message: ['hello'] }, { message: 'hi', smuggled: 'x' }, {}]) {
      const r = await refusal(c.callTool({ name: 'fx__echo', arguments: args as Record<string, unknown> }));
      assert.equal(r.code, ErrorCode.PolicyDenied, JSON.stringify(args));
      assert.equal(r.data.rule, 'short-echo');
    }
  });

  it('refuses a burst over the rate limit with the time to wait', async () => {
    const c = await agent('claude');
    const results = await Promise.allSettled(Array.from({ length: 6 }, (_, i) => c.callTool({ name: 'limited__echo', arguments: { message: `m${i}` } })));
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 3);
    const refused = results
      .filter((r): r is PromiseRejectedResult => r.status === 'rejected')
      .map((r) => r.reason as { code: number; message: string; data: { retryAfterMs: number } });
    assert.equal(refused.length, 3);
    for (const r of refused) {
      assert.equal(r.code, ErrorCode.RateLimited);
      assert.match(r.message, /three-a-minute.*retry after/);
      assert.ok(r.data.retryAfterMs > 0 && r.data.retryAfterMs <= 20_000, String(r.data.retryAfterMs));
    }
  });

  it("shows an agent bound to a profile only the profile's tools", async () => {
    const c = await agent('reader');
    const names = (await c.listTools()).tools.map((t) => t.name).sort();
    assert.deepEqual(names, ['files__list_allowed_directories', 'files__read_text_file']);
    const r = await refusal(c.callTool({ name: 'fx__echo', arguments: { message: 'hi' } }));
    assert.equal(r.data.rule, 'profile:read-only');
  });

  it('never reaches an unregistered or revoked server, by any path', async () => {
    const c = await agent('claude');
    for (const name of ['ghost__anything', 'gone__anything', 'files__../fx__echo', 'gone', '__echo']) {
      const r = await refusal(c.callTool({ name, arguments: {} }));
      assert.ok([ErrorCode.InvalidParams, ErrorCode.PolicyDenied].includes(r.code as never), `${name}: ${r.code} ${r.message}`);
    }
    await assert.rejects(c.getPrompt({ name: 'gone__p' }));
    await assert.rejects(c.readResource({ uri: 'gone://anything' }));
    await assert.rejects(c.readResource({ uri: `file://${work}/secret.txt` }));
    await assert.rejects(c.subscribeResource({ uri: 'gone://anything' }));
    await assert.rejects(c.complete({ ref: { type: 'ref/prompt', name: 'gone__p' }, argument: { name: 'a', value: '' } }));
    const status = await d.control<{ servers: { id: string }[] }>('/servers');
    assert.ok(!status.body.servers.some((s) => s.id === 'gone' && (s as { state?: string }).state === 'ready'));
    assert.equal(existsSync(marker), false, 'the revoked server was never spawned');
  });

  it('records each denial with the rule behind it', async () => {
    const r = await d.control<{ records: { record: { type: string; decision: { rule: string } | null } }[] }>('/audit?outcome=denied&limit=1000');
    const rules = new Set(r.body.records.filter((x) => x.record.type === 'denial').map((x) => x.record.decision?.rule));
    for (const rule of ['no-file-writes', 'default-deny', 'files-in-shared', 'short-echo', 'rate-limit:three-a-minute', 'profile:read-only'])
      assert.ok(rules.has(rule), `missing a denial by ${rule}: ${[...rules].join(', ')}`);
  });
});
