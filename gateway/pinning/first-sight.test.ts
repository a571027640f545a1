import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { parseBundle, type Bundle } from '../../shared/bundle/schema.ts';
import type { PendingChange } from '../../shared/pinning/pending.ts';
import { PinGate } from './gate.ts';
import { PinStore } from './store.ts';

// First sight of many tools is judged in slices: these tests force one tool per
// slice so the in-between states are observable without any timing.

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const bundleWith = (pinning: Record<string, unknown>): Bundle => {
  const r = parseBundle({ schemaVersion: 1, name: 't', servers: [{ id: 's', transport: { type: 'stdio', command: 'x' } }], settings: { pinning } });
  assert.ok(r.ok);
  return r.bundle;
};
const toolsOf = (n: number, tag = '') =>
  Array.from({ length: n }, (_, i) => ({ name: `tool_${i}`, description: `Tool number ${i}${tag}.`, inputSchema: { type: 'object' } }));

function setup(pinning: Record<string, unknown>) {
  const dir = mkdtempSync(join(tmpdir(), 'gh-first-sight-'));
  dirs.push(dir);
  const bundle = bundleWith(pinning);
  const store = new PinStore(dir);
  const progress: string[] = [];
  const announced: PendingChange[] = [];
  const gate = new PinGate({
    store,
    settings: () => bundle.settings,
    exposedName: (s, t) => `${s}__${t}`,
    otherTools: () => [],
    onPending: (c) => announced.push(c),
    onDecision: () => {},
    onProgress: (s) => progress.push(s),
    slice: { minTools: 1, budgetMs: 0 },
  });
  return { dir, store, gate, progress, announced, server: bundle.servers[0]! };
}

describe('first sight in slices', () => {
  it('returns before judging everything, lets other work run, and fills in to the end', async () => {
    const { dir, gate, progress, server } = setup({ trustOnFirstUse: true });
    const tools = toolsOf(40);
    gate.evaluate(server, tools);
    assert.ok(gate.judging('s'));
    const shownAtReturn = tools.filter((t) => gate.isApproved('s', t)).length;
    assert.ok(shownAtReturn < tools.length, `only the first slice is judged synchronously (${shownAtReturn})`);
    // Another server's call, queued behind the judging, is served before it ends.
    const servedWhileJudging = await new Promise<boolean>((resolve) => setImmediate(() => resolve(gate.judging('s'))));
    assert.ok(servedWhileJudging);
    await gate.judged('s');
    assert.ok(!gate.judging('s'));
    assert.equal(tools.filter((t) => gate.isApproved('s', t)).length, 40);
    assert.ok(progress.length > 1 && progress.every((s) => s === 's'), 'the agent hears the list grow');
    assert.ok(gate.serverHash('s'));
    // Every trusted tool was made durable before it was shown.
    const reloaded = new PinStore(dir);
    assert.equal(tools.filter((t) => reloaded.accepted('s', t.name)).length, 40);
    assert.equal(reloaded.decisions().length, 40);
  });

  it('shows a tool only once its trust is on disk', async () => {
    const { dir, gate, server } = setup({ trustOnFirstUse: true });
    const tools = toolsOf(10);
    gate.evaluate(server, tools);
    for (;;) {
      const shown = tools.filter((t) => gate.isApproved('s', t));
      const onDisk = new PinStore(dir);
      for (const t of shown) assert.ok(onDisk.accepted('s', t.name), `${t.name} is listed but its trust is not durable`);
      if (!gate.judging('s')) break;
      await new Promise((r) => setImmediate(r));
    }
  });

  it('keeps a change approved while its batch is still being judged', async () => {
    const { dir, gate, server, announced } = setup({});
    const tools = toolsOf(30);
    gate.evaluate(server, tools);
    await new Promise((r) => setImmediate(r));
    assert.ok(gate.judging('s'));
    const first = gate.pending()[0]!;
    gate.approve(first.id, 'local:me', 'looked fine');
    // What the gateway does after a decision: re-evaluate, superseding the running batch.
    gate.evaluate(server, tools);
    await gate.judged('s');
    assert.ok(
      gate.isApproved(
        's',
        tools.find((t) => t.name === first.tool)!,
      ),
    );
    assert.equal(gate.pending().length, 29);
    assert.ok(!gate.pending().some((p) => p.id === first.id));
    assert.equal(new Set(announced.map((c) => c.id)).size, announced.length, 'each change announced once');
    assert.equal(announced.length, 30);
    const reloaded = new PinStore(dir);
    assert.equal(reloaded.accepted('s', first.tool)?.by, 'local:me');
    assert.equal(reloaded.pending().length, 29);
  });

  it('lets a newer tool list supersede a running batch, and resolves its waiters', async () => {
    const { gate, server } = setup({});
    gate.evaluate(server, toolsOf(30));
    const waiting = gate.judged('s');
    const newer = toolsOf(5, ' v2');
    gate.evaluate(server, newer);
    await waiting;
    assert.deepEqual(
      gate
        .pending()
        .map((p) => p.tool)
        .sort(),
      newer.map((t) => t.name).sort(),
    );
    assert.ok(gate.pending().every((p) => p.newDefinition.description!.toString().endsWith('v2.')));
  });

  it('judges a re-evaluation of the same tools at once, reusing the earlier scans', async () => {
    const { gate, server, announced } = setup({});
    const tools = toolsOf(5);
    gate.evaluate(server, tools);
    await gate.judged('s');
    gate.evaluate(server, tools);
    assert.ok(!gate.judging('s'), 'nothing left to slice: every tool was already known');
    assert.equal(gate.pending().length, 5);
    assert.equal(announced.length, 5, 'not announced again');
  });
});
