import assert from 'node:assert/strict';
import { appendFileSync, copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { Decision } from '../../shared/pinning/pending.ts';
import { PinStore, type PinEntry } from './store.ts';

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
const dataDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'gh-pins-'));
  dirs.push(d);
  return d;
};

function accept(store: PinStore, tool: string, hash = `sha256:${tool}`): void {
  const entry: PinEntry = { server: 's', tool, hash, by: 'trust-on-first-use', at: '2026-01-01T00:00:00.000Z', reason: null };
  const decision: Decision = { ...entry, id: `id-${tool}-${hash}`, decision: 'trusted-on-first-use', risk: 'none' };
  store.accept(entry, { name: tool }, decision);
}

/** A store in a fresh data dir with these tools trusted and committed. */
function committed(...tools: string[]): { dir: string; store: PinStore } {
  const dir = dataDir();
  const store = new PinStore(dir);
  for (const t of tools) accept(store, t);
  store.commit();
  return { dir, store };
}

describe('PinStore', () => {
  it('writes a batch of decisions once, at commit, and nothing before', () => {
    const dir = dataDir();
    const store = new PinStore(dir);
    for (let i = 0; i < 500; i++) accept(store, `t${i}`);
    assert.equal(store.accepted('s', 't499')?.hash, 'sha256:t499', 'decided in memory at once');
    assert.ok(!existsSync(join(dir, 'pins.journal')), 'not durable, so not yet acknowledged');
    assert.equal(new PinStore(dir).accepted('s', 't0'), undefined);
    store.commit();
    const journal = readFileSync(join(dir, 'pins.journal'), 'utf8');
    assert.equal(journal.split('\n').filter(Boolean).length, 500);
    const reloaded = new PinStore(dir);
    assert.equal(reloaded.accepted('s', 't499')?.hash, 'sha256:t499');
    assert.equal(reloaded.decisions().length, 500);
    assert.deepEqual(reloaded.definition('sha256:t7'), { name: 't7' });
  });

  it('loses nothing committed when a crash tears the next append', () => {
    const { dir } = committed('kept');
    // The crash: half of the next batch's first line reached the disk.
    appendFileSync(join(dir, 'pins.journal'), '{"op":"accept","seq":2,"entry":{"server":"s","to');
    const reloaded = new PinStore(dir);
    assert.equal(reloaded.accepted('s', 'kept')?.hash, 'sha256:kept');
    assert.equal(reloaded.decisions().length, 1);
    // Load folded the journal into the snapshot, so the torn tail is gone for good.
    assert.ok(!existsSync(join(dir, 'pins.journal')));
    accept(reloaded, 'next');
    reloaded.commit();
    assert.deepEqual(
      new PinStore(dir).decisions().map((d) => d.tool),
      ['kept', 'next'],
    );
  });

  it('refuses a journal damaged in the middle rather than guessing', () => {
    const { dir } = committed('a');
    appendFileSync(join(dir, 'pins.journal'), '{"op":"accept","seq":"2"}\n');
    assert.throws(() => new PinStore(dir), /pins\.journal is damaged at line 2/);
  });

  it('replays nothing twice when a crash falls between the snapshot and removing the journal', () => {
    const { dir } = committed('a', 'b');
    const journal = join(dir, 'pins.journal');
    copyFileSync(journal, `${journal}.copy`);
    assert.equal(new PinStore(dir).decisions().length, 2); // load compacts and removes the journal
    copyFileSync(`${journal}.copy`, journal); // ...as if the removal never happened
    const again = new PinStore(dir);
    assert.deepEqual(
      again.decisions().map((d) => d.tool),
      ['a', 'b'],
    );
  });

  it('reads a pins.json written before the journal existed', () => {
    const dir = dataDir();
    const entry = { server: 's', tool: 'old', hash: 'sha256:old', by: 'local:me', at: '2026-01-01T00:00:00.000Z', reason: null };
    writeFileSync(join(dir, 'pins.json'), JSON.stringify({ version: 1, accepted: [entry], rejected: [], pending: [], decisions: [], definitions: {} }));
    const store = new PinStore(dir);
    assert.equal(store.accepted('s', 'old')?.by, 'local:me');
    accept(store, 'new');
    store.commit();
    const reloaded = new PinStore(dir);
    assert.ok(reloaded.accepted('s', 'old') && reloaded.accepted('s', 'new'));
  });

  it('treats tool and server names as data, not as object keys', () => {
    const store = new PinStore();
    accept(store, '__proto__', '__proto__');
    accept(store, 'constructor');
    assert.equal(store.accepted('s', '__proto__')?.hash, '__proto__');
    assert.equal(store.accepted('s', 'toString'), undefined);
    assert.equal(store.definition('toString'), undefined);
  });

  it('keeps a change decided while its batch is still pending out of the pending list', () => {
    const dir = dataDir();
    const store = new PinStore(dir);
    const change = {
      id: 'c1',
      server: 's',
      tool: 't',
      exposedName: 's__t',
      kind: 'new' as const,
      oldHash: null,
      newHash: 'sha256:t',
      oldDefinition: null,
      newDefinition: { name: 't' },
      diff: [],
      findings: [],
      risk: 'none' as const,
      localDecision: true,
      createdAt: '2026-01-01T00:00:00.000Z',
    };
    store.putPending([change, { ...change, id: 'c2', tool: 'u' }]);
    store.commit();
    store.accept(
      { server: 's', tool: 't', hash: 'sha256:t', by: 'local:me', at: 'x', reason: null },
      { name: 't' },
      { id: 'c1', server: 's', tool: 't', hash: 'sha256:t', decision: 'approved', by: 'local:me', reason: null, at: 'x', risk: 'none' },
    );
    store.commit();
    assert.deepEqual(
      store.pending().map((p) => p.id),
      ['c2'],
    );
    assert.equal(store.retainPending('s', new Set(['c1'])), true, 'c2 is no longer in the tool list');
    store.commit();
    const reloaded = new PinStore(dir);
    assert.deepEqual(reloaded.pending(), []);
    assert.equal(reloaded.pendingChange('c1'), undefined);
    assert.equal(reloaded.accepted('s', 't')?.by, 'local:me');
  });
});
