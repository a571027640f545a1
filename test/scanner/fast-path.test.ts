// The scanner's fast path (the word gates in front of the rules, scan.ts RULE_GATES; any gate added
// later belongs under ScanContext.exhaustive too) is a speed-up only. This compares it with the
// exhaustive scan, finding by finding, over every corpus in the repo and a generated variant of each
// tool (case changes, look-alike letters, zero-width characters, encoded payloads), alone and beside
// its server's siblings and an index of every other tool: any drift fails.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { scanTool, type ScanContext } from '../../shared/scanner/scan.ts';
import { indexTools } from '../../shared/scanner/tool-index.ts';
import { ROOT } from '../helpers/daemon.ts';
import { CORPUS_DIR } from './corpus.ts';
import { loadBenignServers, loadJsonl } from './evaluate.ts';

type Tool = Record<string, unknown>;
interface Group {
  id: string;
  tools: Tool[];
}

const isTool = (v: unknown): v is Tool =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && typeof (v as Tool).name === 'string' && ('description' in v || 'inputSchema' in v);

/** Tools anywhere in a module's exports: plain lists, `{ tool }` entries, `{ before, after }` pairs, `{ server, tools }` sets. */
function collect(value: unknown, id: string, out: Group[]): void {
  if (!Array.isArray(value)) return;
  const loose: Tool[] = [];
  value.forEach((v, i) => {
    if (isTool(v)) loose.push(v);
    else if (typeof v === 'object' && v !== null) {
      const e = v as Record<string, unknown>;
      for (const k of ['tool', 'before', 'after']) if (isTool(e[k])) loose.push(e[k]);
      if (Array.isArray(e.tools) && e.tools.every(isTool)) out.push({ id: `${id}/${typeof e.server === 'string' ? e.server : i}`, tools: e.tools });
    }
  });
  if (loose.length) out.push({ id, tools: loose });
}

async function corpora(): Promise<Group[]> {
  const groups: Group[] = [];
  const dir = join(ROOT, 'test', 'scanner');
  for (const file of readdirSync(dir).filter((f) => /^(?:paraphrases|hard-benign|variants)[\w-]*\.ts$/.test(f))) {
    const mod = (await import(pathToFileURL(join(dir, file)).href)) as Record<string, unknown>;
    for (const [name, value] of Object.entries(mod)) collect(value, `${file}:${name}`, groups);
  }
  if (existsSync(CORPUS_DIR)) for (const file of readdirSync(CORPUS_DIR).filter((f) => f.endsWith('.jsonl'))) collect(loadJsonl(file), file, groups);
  const stress = JSON.parse(readFileSync(join(dir, 'stress-set.json'), 'utf8')) as Record<string, unknown>;
  for (const [name, value] of Object.entries(stress)) collect(value, `stress-set:${name}`, groups);
  for (const s of loadBenignServers()) groups.push({ id: s.package, tools: s.tools });
  return groups;
}

/** Applies f to every description and title in a definition. */
function mapTexts(value: unknown, f: (s: string) => string): unknown {
  if (Array.isArray(value)) return value.map((v) => mapTexts(v, f));
  if (!value || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [k, (k === 'description' || k === 'title') && typeof v === 'string' ? f(v) : mapTexts(v, f)]),
  );
}

const LOOKALIKE: Record<string, string> = { a: '\u0430', e: '\u0435', o: '\u043e', p: '\u0440', c: '\u0441', i: '\u0456' };
const VARIANTS: [string, (s: string) => string][] = [
  ['upper case', (s) => s.toUpperCase()],
  ['title case', (s) => s.replace(/\b[a-z]/g, (c) => c.toUpperCase())],
  ['look-alike letters', (s) => s.replace(/\S+/g, (w, at: number) => (at % 3 === 0 ? w.replace(/[aeopci]/g, (c) => LOOKALIKE[c]!) : w))],
  ['zero-width characters', (s) => [...s].map((c, i) => (i % 5 === 4 ? `${c}\u200b` : c)).join('')],
  ['base64 payload', (s) => `Helper. Decode this and follow it: ${Buffer.from(s).toString('base64')}`],
  ['percent-encoded', (s) => `Helper: ${encodeURIComponent(s)}`],
  ['escaped', (s) => `Helper: ${[...s].map((c, i) => (i % 2 ? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}` : c)).join('')}`],
  ['html entities', (s) => `Helper: ${s.replace(/[a-z]/gi, (c, at: number) => (at % 2 ? `&#${c.charCodeAt(0)};` : c))}`],
];

const key = (tool: Tool, ctx: ScanContext) => JSON.stringify(scanTool(tool, ctx));

describe('the scanner fast path', () => {
  it('finds exactly what the exhaustive scan finds, on every corpus and generated variants', async () => {
    const groups = await corpora();
    const all = groups.flatMap((g) => g.tools);
    assert.ok(all.length > 1500, `only ${all.length} tools`);
    const index = indexTools(groups.flatMap((g) => g.tools.map((t) => ({ server: g.id, name: String(t.name) }))));
    const drift: string[] = [];
    const compare = (label: string, tool: Tool, ctx: ScanContext) => {
      const fast = key(tool, ctx);
      const full = key(tool, { ...ctx, exhaustive: true });
      if (fast !== full) drift.push(`${label}: fast ${fast} / exhaustive ${full}`);
    };
    let n = 0;
    for (const g of groups) {
      const siblings = g.tools.map((t) => String(t.name));
      const inServer: ScanContext = { siblings, index, server: g.id };
      for (const tool of g.tools) {
        const name = `${g.id} ${String(tool.name)}`;
        compare(name, tool, {});
        compare(`${name} (beside its server and the index)`, tool, inServer);
        const [what, f] = VARIANTS[n++ % VARIANTS.length]!;
        compare(`${name} (${what})`, mapTexts(tool, f) as Tool, inServer);
      }
    }
    assert.deepEqual(drift.slice(0, 5), [], `${drift.length} scans differ`);
  });
});
