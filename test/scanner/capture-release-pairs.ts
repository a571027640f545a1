// Captures an earlier release of each real server in benign-servers/ and
// benign-servers-2/ (the newest stable version published at least 90 days before
// the captured one, else the one before it), so the change scan can be measured on
// what real upgrades do. Written to test/scanner/release-pairs/<slug>.old.json.
// Run by hand, never in the suite (it needs the npm registry):
//   node test/scanner/capture-release-pairs.ts [package…]
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ROOT } from '../helpers/daemon.ts';
import { capture, slug, TARGETS } from './capture-benign.ts';
import { capturedServers } from './release-pairs.ts';

const run = promisify(execFile);
const OUT = join(ROOT, 'test', 'scanner', 'release-pairs');
const DAY = 86_400_000;

async function earlierRelease(pkg: string, version: string): Promise<string | undefined> {
  const { stdout } = await run('npm', ['view', pkg, 'time', '--json'], { timeout: 60_000 });
  const time = JSON.parse(stdout) as Record<string, string>;
  const at = Date.parse(time[version] ?? '');
  if (!at) return undefined;
  const earlier = Object.entries(time)
    .filter(([v]) => /^\d+\.\d+\.\d+$/.test(v) && v !== version)
    .map(([v, t]) => [v, Date.parse(t)] as const)
    .filter(([, t]) => t < at)
    .sort((a, b) => b[1] - a[1]);
  return (earlier.find(([, t]) => t <= at - 90 * DAY) ?? earlier.at(-1))?.[0];
}

if (import.meta.main) {
  const wanted = process.argv.slice(2);
  const servers = capturedServers().filter((s) => !wanted.length || wanted.includes(s.package));
  let next = 0;
  const worker = async () => {
    while (next < servers.length) {
      const s = servers[next++]!;
      if (existsSync(join(OUT, `${slug(s.package)}.old.json`)) && !wanted.length) continue;
      try {
        const version = await earlierRelease(s.package, s.version);
        if (!version) {
          console.log(`${s.package}: no earlier release on the registry`);
          continue;
        }
        const target = TARGETS.find((t) => t.pkg === s.package) ?? { pkg: s.package, env: { API_KEY: 'placeholder-not-a-real-key' } };
        console.log(`${s.package} ${version} → ${s.version}: ${await capture(target, { out: OUT, version })}`);
      } catch (err) {
        console.log(`${s.package}: FAILED ${(err as Error).message.split('\n')[0]!.slice(0, 200)}`);
      }
    }
  };
  await Promise.all([worker(), worker()]);
}
