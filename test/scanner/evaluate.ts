// Honest figures for the scanner: recall per family of poisoned tools with Wilson
// 95% intervals and the macro average, false alarms per benign tool and per
// benign server. Prints aggregates only (no poisoned text), so measuring a
// held-out set does not show it to whoever tunes the rules.
//   node test/scanner/evaluate.ts            dev corpus, leave-one-family-out
//   node test/scanner/evaluate.ts extra      the extra set (held out)
//   node test/scanner/evaluate.ts paraphrase the fresh paraphrase set (paraphrase2: the second; paraphrase3: the third, with its benign twins; paraphrase4 to paraphrase13: the fourth to thirteenth; 13 with its rug pulls)
//   node test/scanner/evaluate.ts benign     captured real servers (benign-servers/)
//   node test/scanner/evaluate.ts benign2    the second captured set (benign-servers-2/, tuned on from the sixth round), alarms by rule
//   node test/scanner/evaluate.ts hard2      hard benign set 2 (fourth round), alone and per server (hard3 to hard14: sets 3 to 14)
//   node test/scanner/evaluate.ts fresh DIR  a held-out set written elsewhere (poisoned.fresh.jsonl,
//                                            benign.fresh.jsonl in DIR): per technique and false alarms,
//                                            aggregates only; a rug pull is also judged as the change it is
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SEVERITIES, type Severity } from '../../shared/scanner/rules.ts';
import { scanChange } from '../../shared/scanner/change.ts';
import { scanTool, scanToolList, type ToolScan } from '../../shared/scanner/scan.ts';
import { ROOT } from '../helpers/daemon.ts';
import { CORPUS_DIR, type CorpusEntry } from './corpus.ts';
import { PARAPHRASES, PARAPHRASES_2 } from './paraphrases.ts';
import { BENIGN_3, PARAPHRASES_3 } from './paraphrases-3.ts';
import { HARD_BENIGN } from './hard-benign.ts';
import { HARD_BENIGN_2, type BenignServerSet } from './hard-benign-2.ts';
import { HARD_BENIGN_3 } from './hard-benign-3.ts';
import { HARD_BENIGN_4 } from './hard-benign-4.ts';
import { HARD_BENIGN_5 } from './hard-benign-5.ts';
import { PARAPHRASES_4 } from './paraphrases-4.ts';
import { PARAPHRASES_5 } from './paraphrases-5.ts';
import { PARAPHRASES_6, RUG_PULLS_6 } from './paraphrases-6.ts';
import { HARD_BENIGN_6 } from './hard-benign-6.ts';
import { HARD_BENIGN_7, PARAPHRASES_7, RUG_PULLS_7 } from './paraphrases-7.ts';
import { HARD_BENIGN_8, PARAPHRASES_8, RUG_PULLS_8 } from './paraphrases-8.ts';
import { HARD_BENIGN_9, PARAPHRASES_9 } from './paraphrases-9.ts';
import { HARD_BENIGN_10 } from './hard-benign-10.ts';
import { PARAPHRASES_10 } from './paraphrases-10.ts';
import { HARD_BENIGN_11 } from './hard-benign-11.ts';
import { HARD_BENIGN_12, PARAPHRASES_11 } from './paraphrases-11.ts';
import { HARD_BENIGN_13, PARAPHRASES_12 } from './paraphrases-12.ts';
import { PARAPHRASES_13, RUG_PULLS_13 } from './paraphrases-13.ts';
import { HARD_BENIGN_14 } from './hard-benign-14.ts';

type Tool = Record<string, unknown>;
const isRecord = (v: unknown): v is Tool => typeof v === 'object' && v !== null && !Array.isArray(v);
export const BENIGN_SERVERS_DIR = join(ROOT, 'test', 'scanner', 'benign-servers');
export const BENIGN_SERVERS_2_DIR = join(ROOT, 'test', 'scanner', 'benign-servers-2');
export const flaggedAt = (s: ToolScan, floor: Severity = 'medium') => SEVERITIES.indexOf(s.risk) >= SEVERITIES.indexOf(floor);

export function loadJsonl(file: string, dir = CORPUS_DIR): CorpusEntry[] {
  const path = join(dir, file);
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as CorpusEntry);
}

/** The public family (the source) a corpus entry comes from: the unit left out in leave-one-family-out. */
export function familyOf(e: CorpusEntry & { source?: string; fidelity?: string }): string {
  const s = (e.source ?? '').toLowerCase();
  const known: [RegExp, string][] = [
    [/mcptox/, 'MCPTox'],
    [/\bmsb\b|mcp security bench/, 'MSB'],
    [/mcpsecbench/, 'MCPSecBench'],
    [/invariant|mcp-injection-experiments/, 'Invariant'],
    [/cisco/, 'Cisco'],
    [/cyberark|fsp/, 'CyberArk'],
    [/agentnull/, 'AgentNull'],
    [/medusa/, 'medusa'],
    [/safe-mcp/, 'SAFE-MCP'],
    [/damn-vulnerable/, 'DVMCP'],
    [/mcpproxy/, 'mcpproxy'],
    [/acuvity/, 'acuvity'],
  ];
  for (const [re, name] of known) if (re.test(s)) return name;
  return e.fidelity === 'constructed' ? 'constructed' : 'other write-ups';
}

/** Wilson score interval at 95%. */
export function wilson(hits: number, n: number): [number, number] {
  if (n === 0) return [0, 1];
  const z = 1.96;
  const p = hits / n;
  const centre = (p + (z * z) / (2 * n)) / (1 + (z * z) / n);
  const half = (z / (1 + (z * z) / n)) * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n));
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}

export interface Recall {
  family: string;
  hits: number;
  n: number;
  low: number;
  high: number;
}

/**
 * Recall per family. The scanner has no part learned from data (its rules and
 * word lists are written by hand and frozen before a measurement), so leaving a
 * family out of the build changes nothing and leave-one-family-out reduces to
 * scoring each family with the frozen rules; a learned part would be rebuilt
 * here without the family before scoring it.
 */
export function recallByFamily(
  entries: CorpusEntry[],
  floor: Severity = 'medium',
  key: (e: CorpusEntry) => string = familyOf,
): { rows: Recall[]; macro: number; micro: Recall } {
  const groups = new Map<string, { hits: number; n: number }>();
  let hits = 0;
  for (const e of entries) {
    const hit = flaggedAt(scanTool(e.tool), floor);
    const g = groups.get(key(e)) ?? { hits: 0, n: 0 };
    g.n++;
    if (hit) {
      g.hits++;
      hits++;
    }
    groups.set(key(e), g);
  }
  const rows = [...groups]
    .map(([family, g]) => {
      const [low, high] = wilson(g.hits, g.n);
      return { family, ...g, low, high };
    })
    .sort((a, b) => b.n - a.n);
  const macro = rows.reduce((s, r) => s + r.hits / r.n, 0) / Math.max(1, rows.length);
  const [low, high] = wilson(hits, entries.length);
  return { rows, macro, micro: { family: 'all', hits, n: entries.length, low, high } };
}

export interface BenignServer {
  package: string;
  version: string;
  tools: Tool[];
}

export function loadBenignServers(dir = BENIGN_SERVERS_DIR): BenignServer[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as BenignServer);
}

/** How many alarmed tools each rule takes part in, most first. */
export function alarmsByRule(fa: FalseAlarms): [string, number][] {
  const counts = new Map<string, number>();
  for (const a of fa.alarms) for (const rule of new Set(a.rules)) counts.set(rule, (counts.get(rule) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1]);
}

export interface FalseAlarms {
  tools: number;
  alarmedTools: number;
  servers: number;
  alarmedServers: number;
  alarms: { server: string; tool: string; rules: string[] }[];
}

/** Benign tools scanned the way the gateway sees them: each server's list, tools as each other's siblings. */
export function falseAlarms(servers: { name: string; tools: Tool[] }[], floor: Severity = 'medium'): FalseAlarms {
  const alarms: FalseAlarms['alarms'] = [];
  let tools = 0;
  const alarmed = new Set<string>();
  for (const server of servers) {
    tools += server.tools.length;
    scanToolList(server.tools).forEach((s) => {
      if (!flaggedAt(s, floor)) return;
      alarmed.add(server.name);
      alarms.push({
        server: server.name,
        tool: s.name,
        rules: s.findings.filter((f) => SEVERITIES.indexOf(f.severity) >= SEVERITIES.indexOf('medium')).map((f) => f.rule),
      });
    });
  }
  return { tools, alarmedTools: alarms.length, servers: servers.length, alarmedServers: alarmed.size, alarms };
}

export function devBenignServers(): { name: string; tools: Tool[] }[] {
  const byServer = new Map<string, Tool[]>();
  for (const e of loadJsonl('benign.dev.jsonl')) byServer.set(e.server ?? e.id, [...(byServer.get(e.server ?? e.id) ?? []), e.tool]);
  return [...byServer].map(([name, tools]) => ({ name, tools }));
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
function printRecall(title: string, r: ReturnType<typeof recallByFamily>): void {
  console.log(`\n${title}`);
  console.log('| family | caught | recall | 95% interval |\n|---|---|---|---|');
  for (const row of r.rows) console.log(`| ${row.family} | ${row.hits}/${row.n} | ${pct(row.hits / row.n)} | ${pct(row.low)}–${pct(row.high)} |`);
  console.log(`| **all (micro)** | ${r.micro.hits}/${r.micro.n} | ${pct(r.micro.hits / r.micro.n)} | ${pct(r.micro.low)}–${pct(r.micro.high)} |`);
  console.log(`macro average over ${r.rows.length} families: ${pct(r.macro)}`);
}
function printAlarms(title: string, fa: FalseAlarms, detail: boolean): void {
  const [tl, th] = wilson(fa.alarmedTools, fa.tools);
  const [sl, sh] = wilson(fa.alarmedServers, fa.servers);
  console.log(
    `\n${title}: ${fa.alarmedTools}/${fa.tools} tools (${pct(fa.alarmedTools / Math.max(1, fa.tools))}, 95% ${pct(tl)}–${pct(th)}), ${fa.alarmedServers}/${fa.servers} servers (${pct(fa.alarmedServers / Math.max(1, fa.servers))}, 95% ${pct(sl)}–${pct(sh)})`,
  );
  if (detail) for (const a of fa.alarms) console.log(`  ${a.server} / ${a.tool}: ${a.rules.join(', ')}`);
}

if (import.meta.main) {
  const what = process.argv[2] ?? 'dev';
  const strict = (e: CorpusEntry) => e.label_confidence !== 'context_dependent';
  if (what === 'dev') {
    const dev = loadJsonl('poisoned.dev.jsonl').filter(strict);
    printRecall('Dev corpus, leave-one-family-out, medium or higher', recallByFamily(dev));
    printRecall(
      'Dev corpus by technique, medium or higher',
      recallByFamily(dev, 'medium', (e) => e.technique),
    );
    printAlarms('Dev benign false alarms (medium+)', falseAlarms(devBenignServers()), true);
  } else if (what === 'extra') {
    const extra = loadJsonl('poisoned.extra.jsonl').filter(strict);
    printRecall('Extra set (held out) by source family, medium or higher', recallByFamily(extra));
    printRecall(
      'Extra set (held out) by technique, medium or higher',
      recallByFamily(extra, 'medium', (e) => e.technique),
    );
  } else if (what === 'paraphrase' || what === 'paraphrase2') {
    const set = what === 'paraphrase' ? PARAPHRASES : PARAPHRASES_2;
    printRecall(
      `Fresh paraphrases (${what === 'paraphrase' ? 'set 1' : 'set 2'}) by technique, medium or higher`,
      recallByFamily(
        set.map((p) => ({ id: p.id, technique: p.technique, tool: p.tool })),
        'medium',
        (e) => e.technique,
      ),
    );
  } else if (what === 'paraphrase3') {
    printRecall(
      'Paraphrase set 3 (written before the third round) by technique, medium or higher',
      recallByFamily(PARAPHRASES_3, 'medium', (e) => e.technique),
    );
    const benign = BENIGN_3.map((b) => ({ name: b.id, tools: [b.tool] }));
    printAlarms('Paraphrase set 3, hard benign tools, each scanned alone (medium+)', falseAlarms(benign), false);
  } else if (what === 'paraphrase5') {
    printRecall(
      'Paraphrase set 5 (written after the fourth round froze, not tuned on) by technique, medium or higher',
      recallByFamily(PARAPHRASES_5, 'medium', (e) => e.technique),
    );
  } else if (what === 'paraphrase9') {
    printRecall(
      'Paraphrase set 9 (written after the fifth round froze at f728242, not tuned on) by technique, medium or higher',
      recallByFamily(PARAPHRASES_9, 'medium', (e) => e.technique),
    );
  } else if (what === 'paraphrase11') {
    printRecall(
      'Paraphrase set 11 (written in the seventh round after set 10 was tuned on, measured when the round froze, not tuned on) by technique, medium or higher',
      recallByFamily(PARAPHRASES_11, 'medium', (e) => e.technique),
    );
  } else if (what === 'paraphrase12') {
    printRecall(
      "Paraphrase set 12 (written in the eighth round from blind set 4's misses, before its rule changes) by technique, medium or higher",
      recallByFamily(PARAPHRASES_12, 'medium', (e) => e.technique),
    );
  } else if (what === 'paraphrase13') {
    printRecall(
      "Paraphrase set 13 (written in the ninth round from blind set 5's misses, before its rule changes) by technique, medium or higher",
      recallByFamily(PARAPHRASES_13, 'medium', (e) => e.technique),
    );
    const caught = RUG_PULLS_13.filter((r) => flaggedAt(scanChange(r.before, r.after)));
    console.log(`\nrug pulls of set 13 judged as the change: ${caught.length}/${RUG_PULLS_13.length} at medium or higher`);
  } else if (what === 'paraphrase10') {
    printRecall(
      'Paraphrase set 10 (written at the start of the seventh round, before its rule changes) by technique, medium or higher',
      recallByFamily(PARAPHRASES_10, 'medium', (e) => e.technique),
    );
  } else if (what === 'paraphrase6' || what === 'paraphrase7' || what === 'paraphrase8') {
    const sets = {
      paraphrase6: [PARAPHRASES_6, RUG_PULLS_6, 'before the fifth round’s rule changes'],
      paraphrase7: [PARAPHRASES_7, RUG_PULLS_7, 'after the fifth round froze at d438de2, not tuned on'],
      paraphrase8: [PARAPHRASES_8, RUG_PULLS_8, 'after the fifth round’s last change, 6d09f71, not tuned on'],
    } as const;
    const [set, pulls, when] = sets[what];
    printRecall(
      `Paraphrase set ${what.slice(-1)} (written ${when}) by technique, medium or higher`,
      recallByFamily(set, 'medium', (e) => e.technique),
    );
    const caught = pulls.filter((r) => flaggedAt(scanChange(r.before, r.after)));
    console.log(`\nrug pulls of set ${what.slice(-1)} judged as the change: ${caught.length}/${pulls.length} at medium or higher`);
  } else if (what === 'paraphrase4') {
    printRecall(
      'Paraphrase set 4 (written before the fourth round’s recall changes) by technique, medium or higher',
      recallByFamily(PARAPHRASES_4, 'medium', (e) => e.technique),
    );
  } else if (what === 'hard') {
    const benign = HARD_BENIGN.map((tool, i) => ({ name: String(tool.name ?? i), tools: [tool] }));
    printAlarms('Hard benign tools (dev data), each scanned alone (medium+)', falseAlarms(benign), true);
  } else if (
    what === 'hard2' ||
    what === 'hard3' ||
    what === 'hard4' ||
    what === 'hard5' ||
    what === 'hard6' ||
    what === 'hard7' ||
    what === 'hard8' ||
    what === 'hard9' ||
    what === 'hard10' ||
    what === 'hard11' ||
    what === 'hard12' ||
    what === 'hard13' ||
    what === 'hard14'
  ) {
    const sets: BenignServerSet[] = {
      hard2: HARD_BENIGN_2,
      hard3: HARD_BENIGN_3,
      hard4: HARD_BENIGN_4,
      hard5: HARD_BENIGN_5,
      hard6: HARD_BENIGN_6,
      hard7: HARD_BENIGN_7,
      hard8: HARD_BENIGN_8,
      hard9: HARD_BENIGN_9,
      hard10: HARD_BENIGN_10,
      hard11: HARD_BENIGN_11,
      hard12: HARD_BENIGN_12,
      hard13: HARD_BENIGN_13,
      hard14: HARD_BENIGN_14,
    }[what];
    const alone = sets.flatMap((set) => set.tools.map((tool) => ({ name: `${set.server}/${String(tool.name)}`, tools: [tool] })));
    printAlarms(`Hard benign set ${what.slice(4)}, each tool alone (medium+)`, falseAlarms(alone), true);
    printAlarms(`Hard benign set ${what.slice(4)}, each tool alone (high+)`, falseAlarms(alone, 'high'), false);
    printAlarms(
      `Hard benign set ${what.slice(4)}, per server with its siblings (medium+)`,
      falseAlarms(sets.map((set) => ({ name: set.server, tools: set.tools }))),
      false,
    );
  } else if (what === 'fresh') {
    const dir = process.argv[3];
    if (!dir) throw new Error('usage: evaluate.ts fresh DIR');
    // Techniques whose items only look harmful beside the real sibling tool or in a wider context (the set's README says to score them apart).
    const contextual = new Set(['subtle_semantic_manipulation', 'name_collision', 'rug_pull']);
    const poisoned = loadJsonl('poisoned.fresh.jsonl', dir);
    printRecall(
      'Fresh held-out set, every item scanned alone, by technique, medium or higher',
      recallByFamily(poisoned, 'medium', (e) => e.technique),
    );
    printRecall(
      'Fresh held-out set without the context-dependent techniques, medium or higher',
      recallByFamily(
        poisoned.filter((e) => !contextual.has(e.technique)),
        'medium',
        (e) => e.technique,
      ),
    );
    const pulls = poisoned.filter((e) => isRecord((e as { rug_pull_before?: unknown }).rug_pull_before));
    const asChange = pulls.filter((e) => flaggedAt(scanChange((e as unknown as { rug_pull_before: Tool }).rug_pull_before, e.tool))).length;
    console.log(`\nrug pulls judged as the change (approved version → new version): ${asChange}/${pulls.length} at medium or higher`);
    const benign = loadJsonl('benign.fresh.jsonl', dir).map((e) => ({ name: e.id, tools: [e.tool] }));
    printAlarms('Fresh benign tools, each scanned alone (medium+)', falseAlarms(benign), false);
    printAlarms('Fresh benign tools, each scanned alone (high+)', falseAlarms(benign, 'high'), false);
  } else if (what === 'benign' || what === 'benign2') {
    const servers = loadBenignServers(what === 'benign' ? BENIGN_SERVERS_DIR : BENIGN_SERVERS_2_DIR).map((s) => ({
      name: `${s.package}@${s.version}`,
      tools: s.tools,
    }));
    const title = what === 'benign' ? 'Captured real servers' : 'Captured real servers, set 2 (tuned on)';
    const fa = falseAlarms(servers);
    printAlarms(`${title}, false alarms (medium+)`, fa, true);
    printAlarms(`${title}, high+`, falseAlarms(servers, 'high'), false);
    console.log('\nalarmed tools by rule (medium+):');
    for (const [rule, n] of alarmsByRule(fa)) console.log(`  ${rule}: ${n}`);
  }
}
