// The bundle build (scripts/bundle-cli.mjs, scripts/clean-dist.mjs) against a daemon
// that outlives a rebuild: its lazy chunks are named by a hash of their content, so a
// rebuild must leave the old ones where the running process will look for them. A small
// stand-in project (a CLI with one lazy import), built twice, is enough to show it.
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, it } from 'node:test';
import { ROOT, tempDir } from '../helpers/daemon.ts';

function writeSources(project: string, value: string): void {
  mkdirSync(join(project, 'dist', 'gateway', 'cli'), { recursive: true });
  // Asks for the lazy module each time a line arrives, as a daemon does on a later event.
  writeFileSync(
    join(project, 'dist', 'gateway', 'cli', 'main.js'),
    `import { createInterface } from 'node:readline';
console.log('ready');
for await (const _ of createInterface({ input: process.stdin })) {
  try { console.log((await import('../lazy.js')).value); } catch (err) { console.log('failed: ' + err.message); }
}
`,
  );
  writeFileSync(join(project, 'dist', 'gateway', 'lazy.js'), `export const value = ${JSON.stringify(value)};\n`);
}

function build(project: string, value: string): void {
  execFileSync(process.execPath, [join(ROOT, 'scripts', 'clean-dist.mjs'), project]);
  writeSources(project, value);
  execFileSync(process.execPath, [join(ROOT, 'scripts', 'bundle-cli.mjs'), project]);
}

function start(project: string) {
  const child = spawn(process.execPath, [join(project, 'dist', 'bundle', 'main.js')], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  const next = async () => String((await lines.next()).value);
  const ask = async () => {
    child.stdin!.write('\n');
    return next();
  };
  return { child, next, ask };
}

/** What a process started now answers when it first imports the lazy module. */
async function freshAnswer(project: string): Promise<string> {
  const fresh = start(project);
  try {
    assert.equal(await fresh.next(), 'ready');
    return await fresh.ask();
  } finally {
    fresh.child.kill();
  }
}

const chunks = (project: string) => readdirSync(join(project, 'dist', 'bundle')).filter((f) => f.endsWith('.js') && f !== 'main.js');

describe('the bundle build', () => {
  it('leaves the chunks a running process started from, so a rebuild does not break its lazy imports', async () => {
    const project = tempDir('gh-bundle-');
    build(project, 'first');
    const old = start(project);
    try {
      assert.equal(await old.next(), 'ready');
      const before = chunks(project);
      build(project, 'second');
      const after = chunks(project);
      assert.ok(
        after.some((c) => !before.includes(c)),
        'the changed module got a chunk of a new name',
      );
      assert.ok(
        before.every((c) => after.includes(c)),
        'every chunk of the first build is still there',
      );
      // Without the old chunk this answers "failed: Cannot find module …".
      assert.equal(await old.ask(), 'first');
      assert.equal(await freshAnswer(project), 'second');
    } finally {
      old.child.kill();
    }
  });

  it('prunes chunks no build has written for 90 days, and keeps the current ones', async () => {
    const project = tempDir('gh-bundle-');
    build(project, 'first');
    // esbuild names a lazy module's chunk after its file: lazy-<hash of its content>.js.
    const lazy = (names: string[]) => names.filter((c) => c.startsWith('lazy-'));
    const [stale] = lazy(chunks(project));
    build(project, 'second');
    const [current] = lazy(chunks(project)).filter((c) => c !== stale);
    assert.ok(stale && current, 'each build wrote its own lazy chunk');
    const longAgo = new Date(Date.now() - 100 * 24 * 3600 * 1000);
    for (const c of chunks(project)) utimesSync(join(project, 'dist', 'bundle', c), longAgo, longAgo);
    build(project, 'second');
    const now = chunks(project);
    assert.ok(!now.includes(stale!), 'a chunk no build wrote for 100 days is gone');
    assert.ok(now.includes(current!), 'a chunk the build writes stays, however old its first copy');
    assert.equal(await freshAnswer(project), 'second');
  });
});
