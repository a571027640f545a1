// The official MCP conformance suite against our fixture server, directly and
// through Gatehouse (pass-through naming). Gatehouse must not lose a scenario.
import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { FIXTURES, ROOT, startDaemon, tempDir, type TestDaemon } from '../helpers/daemon.ts';

const run = promisify(execFile);
const CONFORMANCE = join(ROOT, 'node_modules', '.bin', 'conformance');

/** Runs the suite and returns each scenario with whether it passed. */
async function suite(url: string): Promise<Map<string, boolean>> {
  const out = tempDir('gh-conformance-');
  const { stdout } = await run(CONFORMANCE, ['server', '--url', url, '--suite', 'all', '-o', out], { maxBuffer: 16 * 1024 * 1024 }).catch((e: { stdout: string }) => ({ stdout: e.stdout }));
  const results = new Map<string, boolean>();
  for (const line of stdout.split('\n')) {
    const m = /^([✓✗]) ([\w-]+): (\d+) passed, (\d+) failed/.exec(line);
    if (m) results.set(m[2]!, m[1] === '✓');
  }
  return results;
}

describe('official MCP conformance suite', () => {
  let direct: ChildProcess;
  let directUrl: string;
  let daemon: TestDaemon;

  before(async () => {
    direct = spawn(process.execPath, [join(FIXTURES, 'servers', 'fixture-server.ts'), '--http', '0'], { stdio: ['ignore', 'pipe', 'ignore'] });
    const { port } = await new Promise<{ port: number }>((resolve) => createInterface({ input: direct.stdout! }).once('line', (l) => resolve(JSON.parse(l))));
    directUrl = `http://127.0.0.1:${port}/mcp`;
    daemon = await startDaemon({ bundle: join(FIXTURES, 'bundles', 'conformance.json') });
  });
  after(async () => {
    direct.kill();
    await daemon.stop();
  });

  it('passes every scenario the direct connection passes', async () => {
    const baseline = await suite(directUrl);
    const through = await suite(daemon.url);
    assert.ok(baseline.size >= 30, `the suite ran ${baseline.size} scenarios`);
    const lost = [...baseline].filter(([name, ok]) => ok && !through.get(name)).map(([name]) => name);
    const passed = [...through.values()].filter(Boolean).length;
    console.log(`conformance: direct ${[...baseline.values()].filter(Boolean).length}/${baseline.size}, through Gatehouse ${passed}/${through.size}`);
    assert.deepEqual(lost, [], `Gatehouse lost: ${lost.join(', ')}`);
  });
});
