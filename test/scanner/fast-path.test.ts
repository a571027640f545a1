// The scanner's fast path (shared/scanner/text-memo.ts: work that depends on a text
// alone done once per distinct text) is a speed-up only. Every tool of every corpus is
// scanned with the memo and afresh (`fresh: true`), and the two answers must be equal
// to the last character of every finding. Then each tool's texts are reused in other
// tools, under other names, parameters, siblings and a catalogue of other servers, so a
// memoised answer that wrongly depended on its first tool's context would show.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { compileRules, DEFAULT_RULES } from '../../shared/scanner/rules.ts';
import { scanTool, type ScanContext } from '../../shared/scanner/scan.ts';
import { indexTools } from '../../shared/scanner/tool-index.ts';
import { ROOT } from '../helpers/daemon.ts';
import { loadBenignServers, loadJsonl } from './evaluate.ts';
import { HARD_BENIGN } from './hard-benign.ts';
import { BENIGN_3, PARAPHRASES_3 } from './paraphrases-3.ts';
import { PARAPHRASES, PARAPHRASES_2 } from './paraphrases.ts';
import type { Tool } from './tool-builders.ts';
import { BENIGN_VARIANTS, POISONED_VARIANTS } from './variants.ts';

const stress = JSON.parse(readFileSync(join(ROOT, 'test', 'scanner', 'stress-set.json'), 'utf8')) as { poisoned: Tool[]; benign: Tool[] };
const servers = loadBenignServers();
const loose: Tool[] = [
  ...['poisoned.dev.jsonl', 'poisoned.extra.jsonl', 'benign.dev.jsonl'].flatMap((f) => loadJsonl(f).map((e) => e.tool)),
  ...[...PARAPHRASES, ...PARAPHRASES_2, ...PARAPHRASES_3, ...BENIGN_3, ...POISONED_VARIANTS, ...BENIGN_VARIANTS].map((e) => e.tool),
  ...HARD_BENIGN,
  ...stress.poisoned,
  ...stress.benign,
];
const nameOf = (t: Tool) => (typeof t.name === 'string' ? t.name : '');

/** The cases whose fast scan differs from a fresh one, by label. */
function differences(cases: { tool: Tool; ctx: ScanContext; label: string }[]): string[] {
  // The fast scans first, in order, so later tools hit texts memoised by earlier ones.
  const fast = cases.map((c) => JSON.stringify(scanTool(c.tool, c.ctx)));
  return cases.filter((c, i) => JSON.stringify(scanTool(c.tool, { ...c.ctx, fresh: true })) !== fast[i]).map((c) => c.label);
}

/** Each tool's texts in another tool: renamed, its description moved into a parameter, a parameter renamed, with siblings and other servers. */
function variants(tool: Tool, i: number, others: readonly string[]): Tool[] {
  const description = typeof tool.description === 'string' ? tool.description : '';
  const schema = tool.inputSchema && typeof tool.inputSchema === 'object' ? (tool.inputSchema as Record<string, unknown>) : {};
  const props = schema.properties && typeof schema.properties === 'object' ? (schema.properties as Record<string, unknown>) : {};
  const renamedProps = Object.fromEntries(Object.entries(props).map(([k, v], j) => [j === 0 ? `${k}_contents` : k, v]));
  return [
    { ...tool, name: others[i % others.length] ?? `other_${i}` },
    { ...tool, name: `send_${nameOf(tool)}`, inputSchema: { ...schema, properties: renamedProps } },
    { name: `note_${i}`, description: 'Saves a note.', inputSchema: { type: 'object', properties: { ...props, body: { type: 'string', description } } } },
    { ...tool, inputSchema: { type: 'object', properties: {} } },
  ];
}

describe('the scanner fast path', () => {
  it('finds exactly what a fresh scan finds on every corpus, captured server and generated variant', () => {
    const cases: { tool: Tool; ctx: ScanContext; label: string }[] = [];
    for (const s of servers) {
      const siblings = s.tools.map(nameOf);
      for (const tool of s.tools) cases.push({ tool, ctx: { siblings }, label: `${s.package}/${nameOf(tool)}` });
    }
    for (const tool of loose) cases.push({ tool, ctx: {}, label: nameOf(tool) });
    assert.ok(cases.length > 1000, `only ${cases.length} tools`);
    // The same texts again, in other tools and other contexts: names the texts mention become siblings or other servers' tools.
    const names = cases.map((c) => nameOf(c.tool));
    const index = indexTools(servers.flatMap((s) => s.tools.map((t) => ({ server: s.package, name: nameOf(t) }))));
    const contexts: ScanContext[] = [
      { siblings: names.slice(0, 400) },
      { index, server: 'elsewhere' },
      { otherTools: [{ server: 'x', name: 'send_email' }] },
      {},
    ];
    const again = cases.flatMap((c, i) =>
      variants(c.tool, i, names).map((tool, j) => ({ tool, ctx: contexts[(i + j) % contexts.length]!, label: `variant ${j} of ${c.label}` })),
    );
    assert.deepEqual(differences([...cases, ...again, ...cases]), []);
  });

  it('keeps memoised rule findings apart per rule set', () => {
    const renamed = compileRules(DEFAULT_RULES.map((r) => ({ ...r, id: `${r.id}-other` })));
    const poisoned = loadJsonl('poisoned.dev.jsonl').map((e) => e.tool);
    const withDefault = poisoned.map((t) => scanTool(t).findings.map((f) => f.rule));
    const withOther = poisoned.map((t) => scanTool(t, { rules: renamed }).findings.map((f) => f.rule));
    assert.ok(withDefault.flat().some((r) => DEFAULT_RULES.some((d) => d.id === r)));
    assert.ok(withOther.flat().some((r) => r.endsWith('-other')));
    assert.deepEqual(
      withOther.flat().filter((r) => DEFAULT_RULES.some((d) => d.id === r)),
      [],
      'a finding of the default rules came back under the other rule set',
    );
  });
});
