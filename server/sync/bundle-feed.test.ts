import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { openStore } from '../store/open.ts';
import { BundleFeed } from './bundle-feed.ts';

describe('BundleFeed', () => {
  it('reports a database that fails under a long-poll once, instead of swallowing it, and keeps the waiter', async () => {
    const store = await openStore(join(mkdtempSync(join(tmpdir(), 'gh-feed-')), 'sync.db'));
    const lines: string[] = [];
    const feed = new BundleFeed(store, 5, (m) => lines.push(m));
    let woke = false;
    const waiting = feed.wait('"bundle-0"', 60_000).then(() => {
      woke = true;
    });
    await store.close(); // every poll from now on fails
    while (lines.length === 0) await new Promise((r) => setTimeout(r, 5));
    await new Promise((r) => setTimeout(r, 60)); // a dozen more failed polls
    assert.equal(lines.length, 1, lines.join('\n'));
    assert.match(lines[0]!, /reading the latest bundle failed/);
    assert.equal(woke, false, 'the desktop still waits for a bundle');
    feed.close();
    await waiting;
  });
});
