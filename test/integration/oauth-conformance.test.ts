// Gatehouse's upstream OAuth client against the official conformance suite's client
// auth scenarios, `latest` and the pinned prerelease: each scenario starts its own MCP
// server and authorization server. The prerelease also runs its auth suite against
// 2026-07-28 (stateless) servers, and its scenarios outside the suite one by one.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import { FIXTURES, ROOT, tempDir } from '../helpers/daemon.ts';

const run = promisify(execFile);
const LATEST = join(ROOT, 'node_modules', '@modelcontextprotocol', 'conformance', 'dist', 'index.js');
const NEXT = join(ROOT, 'node_modules', 'conformance-next', 'dist', 'index.js');
const CLIENT = `${process.execPath} ${join(FIXTURES, 'oauth-conformance-client.ts')}`;

/** The prerelease's auth scenarios that are not in its `auth` suite (extensions left out: DPoP, client credentials, …). */
const NEXT_ONLY = [
  'resource-mismatch',
  'offline-access-scope',
  'offline-access-not-supported',
  'authorization-server-migration',
  'iss-supported',
  'iss-not-advertised',
  'iss-supported-missing',
  'iss-wrong-issuer',
  'iss-unexpected',
  'iss-normalized',
  'metadata-issuer-mismatch',
  '2025-03-26-oauth-metadata-backcompat',
  '2025-03-26-oauth-endpoint-fallback',
];

/** Each scenario's checks that did not succeed (a warning counts: the suite does not tick it either). */
async function client(bin: string, args: string[]): Promise<Map<string, string[]>> {
  const out = tempDir('gh-auth-conf-');
  await run(process.execPath, [bin, 'client', '--command', CLIENT, ...args, '-o', out], { maxBuffer: 16 * 1024 * 1024 }).catch(() => undefined);
  const results = new Map<string, string[]>();
  const dir = join(out, 'auth');
  for (const entry of readdirSync(dir)) {
    const name = /^(.+)-\d{4}-\d\d-\d\dT/.exec(entry)?.[1];
    if (!name) continue;
    let checks: { id?: unknown; status?: unknown }[] = [];
    try {
      checks = JSON.parse(readFileSync(join(dir, entry, 'checks.json'), 'utf8')) as typeof checks;
    } catch {
      /* no checks: counted as failed below */
    }
    const bad = checks.filter((c) => c.status === 'FAILURE' || c.status === 'WARNING').map((c) => `${String(c.id)} (${String(c.status)})`);
    results.set(`auth/${name}`, checks.length ? bad : ['no checks recorded']);
  }
  return results;
}

function failing(results: Map<string, string[]>): Record<string, string[]> {
  return Object.fromEntries([...results].filter(([, bad]) => bad.length > 0));
}

describe('OAuth client: conformance suite, auth scenarios', () => {
  it('passes all 14 scenarios of --suite auth (latest)', async () => {
    const results = await client(LATEST, ['--suite', 'auth']);
    console.log(`oauth conformance latest: ${[...results.values()].filter((b) => !b.length).length}/${results.size} scenarios`);
    assert.equal(results.size, 14);
    assert.deepEqual(failing(results), {});
  });

  it('passes the prerelease auth suite against 2025-11-25 and 2026-07-28 servers', async () => {
    const [legacy, modern] = await Promise.all([client(NEXT, ['--suite', 'auth']), client(NEXT, ['--suite', 'auth', '--spec-version', '2026-07-28'])]);
    console.log(
      `oauth conformance next: ${[...legacy.values()].filter((b) => !b.length).length}/${legacy.size} (2025-11-25), ${[...modern.values()].filter((b) => !b.length).length}/${modern.size} (2026-07-28)`,
    );
    assert.equal(legacy.size, 14);
    assert.equal(modern.size, 14);
    assert.deepEqual({ legacy: failing(legacy), modern: failing(modern) }, { legacy: {}, modern: {} });
  });

  it('passes the prerelease auth scenarios outside its suite', async () => {
    const results = new Map<string, string[]>();
    // Three at a time: each is a short exchange with servers of its own.
    for (let i = 0; i < NEXT_ONLY.length; i += 3) {
      const batch = await Promise.all(NEXT_ONLY.slice(i, i + 3).map((name) => client(NEXT, ['--scenario', `auth/${name}`])));
      for (const r of batch) for (const [name, bad] of r) results.set(name, bad);
    }
    console.log(`oauth conformance next, other scenarios: ${[...results.values()].filter((b) => !b.length).length}/${results.size}`);
    assert.equal(results.size, NEXT_ONLY.length);
    assert.deepEqual(failing(results), {});
  });
});
