import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { parseSliced } from './sliced-json.ts';

// The oracle is JSON.parse itself: the sliced parser must give the same value, prototypes
// and own keys included, or refuse what it refuses. Tiny pieces put every input through the
// splitting paths, which real pages only reach above 64 KB.

type Outcome = { ok: true; value: unknown } | { ok: false };
const viaJson = (text: string): Outcome => {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false };
  }
};
const viaSlices = async (text: string, piece: number): Promise<Outcome> => {
  try {
    return { ok: true, value: await parseSliced(text, { piece, scanStep: 1 + (piece % 7), sliceMs: 0, yieldTurn: async () => {} }) };
  } catch (err) {
    assert.ok(err instanceof SyntaxError, `a refusal is a SyntaxError, not ${String(err)}`);
    return { ok: false };
  }
};

/** JSON texts with white space JSON allows wherever a token may be followed by it. */
const spaced = fc
  .tuple(fc.jsonValue(), fc.constantFrom(undefined, 1, '\t', ' \r\n '))
  .map(([v, indent]) => JSON.stringify(v, null, indent as string | number | undefined));

describe('parseSliced', () => {
  it('gives what JSON.parse gives for any JSON text, split at any piece size', async () => {
    await fc.assert(
      fc.asyncProperty(spaced, fc.integer({ min: 1, max: 40 }), async (text, piece) => {
        assert.deepStrictEqual(await viaSlices(text, piece), viaJson(text));
      }),
      { numRuns: 600 },
    );
  });

  it('refuses exactly what JSON.parse refuses: broken JSON, any text', async () => {
    const structural = fc.constantFrom('{', '}', '[', ']', ',', ':', '"', '\\', ' ', '1', 'x', '\n');
    const broken = fc.tuple(spaced, fc.nat(), fc.nat(), structural).map(([text, at, cut, ch]) => {
      const i = text.length ? at % text.length : 0;
      // Insert, replace or delete one character somewhere.
      return cut % 3 === 0
        ? text.slice(0, i) + ch + text.slice(i)
        : cut % 3 === 1
          ? text.slice(0, i) + ch + text.slice(i + 1)
          : text.slice(0, i) + text.slice(i + 1);
    });
    await fc.assert(
      fc.asyncProperty(fc.oneof(broken, fc.string(), fc.string({ unit: structural })), fc.integer({ min: 1, max: 16 }), async (text, piece) => {
        assert.deepStrictEqual(await viaSlices(text, piece), viaJson(text));
      }),
      { numRuns: 3000 },
    );
  });

  it('makes `__proto__` an own key, and keeps a duplicate key in its first place with its last value', async () => {
    const text = '{"__proto__":{"polluted":1},"a":1,"b":[{"__proto__":[]}],"a":2}';
    const got = (await parseSliced(text, { piece: 1 })) as Record<string, unknown>;
    assert.deepStrictEqual(got, JSON.parse(text));
    assert.equal(Object.getPrototypeOf(got), Object.prototype);
    assert.deepEqual(Object.keys(got), ['__proto__', 'a', 'b']);
    assert.equal(got.a, 2);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });

  it('scans a hostile, deeply nested line a bounded number of times', async () => {
    // Each level it splits scans its members again: `[[[[…]]]]` once cost a scan per level (minutes for 2 MB).
    const depth = 1500;
    const text = `${'[{"a":'.repeat(depth)}1${'}]'.repeat(depth)}`;
    let turns = 0;
    const got = await parseSliced(text, { piece: 1, scanStep: 256, sliceMs: 0, yieldTurn: async () => void turns++ });
    assert.equal(JSON.stringify(got), text);
    assert.ok(turns < 1000, `${turns} turns for ${text.length} characters`);
  });

  it('gives the loop turns while it parses a 20,000-tool page', async () => {
    const page = {
      jsonrpc: '2.0',
      id: 7,
      result: {
        tools: Array.from({ length: 20_000 }, (_, i) => ({
          name: `tool_${i}`,
          description: `Does thing ${i} — with "quotes", \\ and ünïcode 🙂.`,
          inputSchema: { type: 'object', properties: { q: { type: 'string', description: `q ${i}` } }, required: ['q'] },
        })),
      },
    };
    const text = JSON.stringify(page);
    let turns = 0;
    let timerRan = false;
    setTimeout(() => (timerRan = true), 0);
    const got = await parseSliced(text, {
      sliceMs: 0,
      yieldTurn: () => new Promise((resolve) => setImmediate(() => (turns++, resolve()))),
    });
    assert.deepStrictEqual(got, page);
    assert.ok(turns > 100, `only ${turns} turns`);
    assert.ok(timerRan, 'a timer due meanwhile ran before the parse ended');
  });
});
