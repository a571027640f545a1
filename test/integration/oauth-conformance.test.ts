// Gatehouse's upstream OAuth client against the official conformance suite's
// client auth scenarios: each starts its own MCP server and authorization server.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import { FIXTURES, ROOT, tempDir } from '../helpers/daemon.ts';

const run = promisify(execFile);

describe('OAuth client: conformance suite, auth scenarios', () => {
  it('passes all 14 scenarios of --suite auth', async () => {
    const { stdout } = await run(join(ROOT, 'node_modules', '.bin', 'conformance'), [
      'client', '--command', `${process.execPath} ${join(FIXTURES, 'oauth-conformance-client.ts')}`, '--suite', 'auth', '-o', tempDir('gh-auth-conf-'),
    ], { maxBuffer: 16 * 1024 * 1024 }).catch((e: { stdout: string }) => ({ stdout: e.stdout }));
    const results = [...stdout.matchAll(/^([✓✗]) (auth\/[\w-]+): (\d+) passed, (\d+) failed/gm)].map((m) => ({ name: m[2]!, ok: m[1] === '✓' }));
    console.log(`oauth conformance: ${results.filter((r) => r.ok).length}/${results.length} scenarios`);
    assert.equal(results.length, 14, stdout.slice(-2000));
    assert.deepEqual(results.filter((r) => !r.ok).map((r) => r.name), []);
  });
});
