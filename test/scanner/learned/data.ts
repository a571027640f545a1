// Every labelled tool the repo holds, grouped by SOURCE (a public family, a paraphrase set, a spent
// held-out set) so a model can be trained without one source and scored on it. Benign tools are
// kept with their server's other tools: the gateway always knows a tool's siblings.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { featureVector } from '../../../shared/scanner/learned/features.ts';
import { scanChange } from '../../../shared/scanner/change.ts';
import { scanTool, scanToolList } from '../rules-only.ts';
import { ROOT } from '../../helpers/daemon.ts';
import type { CorpusEntry } from '../corpus.ts';
import { BENIGN_SERVERS_2_DIR, devBenignServers, familyOf, flaggedAt, loadBenignServers, loadJsonl } from '../evaluate.ts';
import { HARD_BENIGN } from '../hard-benign.ts';
import { HARD_BENIGN_10 } from '../hard-benign-10.ts';
import { HARD_BENIGN_11 } from '../hard-benign-11.ts';
import { HARD_BENIGN_2, type BenignServerSet } from '../hard-benign-2.ts';
import { HARD_BENIGN_3 } from '../hard-benign-3.ts';
import { HARD_BENIGN_4 } from '../hard-benign-4.ts';
import { HARD_BENIGN_5 } from '../hard-benign-5.ts';
import { HARD_BENIGN_6 } from '../hard-benign-6.ts';
import { PARAPHRASES, PARAPHRASES_2 } from '../paraphrases.ts';
import { BENIGN_3, PARAPHRASES_3 } from '../paraphrases-3.ts';
import { PARAPHRASES_4 } from '../paraphrases-4.ts';
import { PARAPHRASES_5 } from '../paraphrases-5.ts';
import { PARAPHRASES_6, RUG_PULLS_6 } from '../paraphrases-6.ts';
import { HARD_BENIGN_7, PARAPHRASES_7, RUG_PULLS_7 } from '../paraphrases-7.ts';
import { HARD_BENIGN_8, PARAPHRASES_8, RUG_PULLS_8 } from '../paraphrases-8.ts';
import { HARD_BENIGN_9, PARAPHRASES_9 } from '../paraphrases-9.ts';
import { PARAPHRASES_10 } from '../paraphrases-10.ts';
import { HARD_BENIGN_12, PARAPHRASES_11 } from '../paraphrases-11.ts';
import { HARD_BENIGN_13, PARAPHRASES_12 } from '../paraphrases-12.ts';
import { PARAPHRASES_13, RUG_PULLS_13 } from '../paraphrases-13.ts';
import { HARD_BENIGN_14 } from '../hard-benign-14.ts';
import { BENIGN_VARIANTS, POISONED_VARIANTS } from '../variants.ts';
import { z } from 'zod';
import type { Example } from './logistic.ts';
import { jsonlIn, readTarGz } from './tarball.ts';

type Tool = Record<string, unknown>;
/** Where a benign tool comes from: real npm servers, or tools written by the team (hard negatives, dev, held-out). */
export type BenignKind = 'real' | 'real-2' | 'dev' | 'hard' | 'heldout';
export interface Item {
  id: string;
  tool: Tool;
  siblings?: string[];
  label: 0 | 1;
  /** The group left out together: a public family, a paraphrase set, a held-out set. */
  source: string;
  technique: string;
  server: string;
  kind?: BenignKind;
  example: Example;
  /** The frozen rules' verdict at medium or higher (a rug pull judged as a pending change). */
  rules: boolean;
  /** A carrier: the benign part of a poisoned tool, trained on as benign, never measured. */
  carrier?: boolean;
}

/**
 * The benign part of a poisoned tool: its name, its first sentence when the description has
 * more than one, and its parameters' names and types. Poisoned tools in the corpora are mostly
 * toy and demo tools (add, read_file, get_weather); without their clean counterparts the model
 * learns that adding numbers or reading files is suspicious instead of what the attack asks.
 */
export function carrierOf(tool: Tool): Tool {
  const description = typeof tool.description === 'string' ? tool.description.trim() : '';
  const first = /^[^\n]*?[.!?](?=\s)/.exec(description)?.[0];
  const schema = tool.inputSchema as { properties?: Record<string, { type?: unknown }> } | undefined;
  const properties: Record<string, unknown> = {};
  for (const [name, p] of Object.entries(schema?.properties ?? {})) {
    // A parameter name of three words or more may be the attack itself (schema_param_name).
    if (name.split(/_|-|(?<=[a-z])(?=[A-Z])/).length <= 2) properties[name] = { type: typeof p?.type === 'string' ? p.type : 'string' };
  }
  return { name: tool.name, ...(first && first.length < description.length ? { description: first } : {}), inputSchema: { type: 'object', properties } };
}

interface Poisoned {
  id: string;
  technique: string;
  tool: Tool;
  /** A rug pull's earlier, benign version. */
  before?: Tool;
}
interface BenignServerIn {
  name: string;
  tools: Tool[];
  kind: BenignKind;
  source: string;
}

const HELDOUT = join(ROOT, 'test', 'scanner', 'heldout');
const toolShape = z.record(z.string(), z.unknown());
/** A spent held-out set's line: the archive is data from another helper, so its shape is checked. */
const HeldoutLine = z.object({
  id: z.string(),
  technique: z.string().default('unknown'),
  tool: toolShape,
  rug_pull_before: toolShape.optional(),
  server: z.string().optional(),
});
function heldoutLines(archive: string, suffix: string): { id: string; technique: string; tool: Tool; before?: Tool; server?: string }[] {
  return jsonlIn(readTarGz(join(HELDOUT, archive)), suffix).map((raw) => {
    const l = HeldoutLine.parse(raw);
    return {
      id: l.id,
      technique: l.technique,
      tool: l.tool,
      ...(l.rug_pull_before ? { before: l.rug_pull_before } : {}),
      ...(l.server ? { server: l.server } : {}),
    };
  });
}

/**
 * Spent held-out sets that are not training sources: sets 10 and 11 were read for the fourteenth round, and the model
 * retrained with them was not kept (docs/scanner-learned.md); sets 13 and 14 were read for the fifteenth round, sets 15 and 16 for the sixteenth, set 17 for the seventeenth.
 * `recall-all.ts` checks them beside the sources.
 */
export function spentNotLearned(): [string, Poisoned[]][] {
  return [
    ['heldout-10', heldoutLines('fresh-set-10-2026-12-02.tar.gz', 'poisoned.jsonl')],
    ['heldout-11', heldoutLines('fresh-set-11-2026-12-02.tar.gz', 'poisoned.jsonl')],
    ['heldout-13', heldoutLines('fresh-set-13-2026-12-02.tar.gz', 'poisoned.jsonl')],
    ['heldout-14', heldoutLines('fresh-set-14-2026-12-02.tar.gz', 'poisoned.jsonl')],
    ['heldout-15', heldoutLines('fresh-set-15-2026-12-02.tar.gz', 'poisoned.jsonl')],
    ['heldout-16', heldoutLines('fresh-set-16-2026-12-02.tar.gz', 'poisoned.jsonl')],
    ['heldout-17', heldoutLines('fresh-set-17-2026-12-02.tar.gz', 'poisoned.jsonl')],
  ];
}

/** Every poisoned tool the repo has, by source; also what `recall-all.ts` checks. */
export function poisonedSources(): [string, Poisoned[]][] {
  const strict = (e: CorpusEntry) => e.label_confidence !== 'context_dependent';
  const byFamily = new Map<string, Poisoned[]>();
  for (const file of ['poisoned.dev.jsonl', 'poisoned.extra.jsonl'])
    for (const e of loadJsonl(file).filter(strict)) byFamily.set(familyOf(e), [...(byFamily.get(familyOf(e)) ?? []), e]);
  const rug = (set: { id: string; before: Tool; after: Tool }[]) => set.map((r) => ({ id: r.id, technique: 'rug_pull', tool: r.after, before: r.before }));
  const stress = JSON.parse(readFileSync(join(ROOT, 'test', 'scanner', 'stress-set.json'), 'utf8')) as { poisoned: Tool[] };
  return [
    ...[...byFamily].sort(([a], [b]) => a.localeCompare(b)),
    ['paraphrase-1', PARAPHRASES],
    ['paraphrase-2', PARAPHRASES_2],
    ['paraphrase-3', PARAPHRASES_3],
    ['paraphrase-4', PARAPHRASES_4],
    ['paraphrase-5', PARAPHRASES_5],
    ['paraphrase-6', [...PARAPHRASES_6, ...rug(RUG_PULLS_6)]],
    ['paraphrase-7', [...PARAPHRASES_7, ...rug(RUG_PULLS_7)]],
    ['paraphrase-8', [...PARAPHRASES_8, ...rug(RUG_PULLS_8)]],
    ['paraphrase-9', PARAPHRASES_9],
    ['paraphrase-10', PARAPHRASES_10],
    ['paraphrase-11', PARAPHRASES_11],
    ['paraphrase-12', PARAPHRASES_12],
    ['paraphrase-13', [...PARAPHRASES_13, ...rug(RUG_PULLS_13)]],
    ['variants', POISONED_VARIANTS.map((v) => ({ ...v, technique: 'variant' }))],
    ['stress', stress.poisoned.map((tool, k) => ({ id: `stress-${k}`, technique: 'stress', tool }))],
    ['heldout-1', heldoutLines('fresh-2026-11-30.tar.gz', 'poisoned.fresh.jsonl')],
    ['heldout-2', heldoutLines('fresh-2026-12-01.tar.gz', 'poisoned.jsonl')],
    ['heldout-3', heldoutLines('fresh-set-3-2026-12-01.tar.gz', 'poisoned.jsonl')],
    ['heldout-4', heldoutLines('fresh-set-4-2026-12-01.tar.gz', 'poisoned.jsonl')],
    ['heldout-5', heldoutLines('fresh-set-5-2026-12-01.tar.gz', 'poisoned.jsonl')],
    ['heldout-6', heldoutLines('fresh-set-6-2026-12-02.tar.gz', 'poisoned.jsonl')],
    ['heldout-7', heldoutLines('fresh-set-7-2026-12-02.tar.gz', 'poisoned.jsonl')],
    ['heldout-8', heldoutLines('fresh-set-8-2026-12-02.tar.gz', 'poisoned.jsonl')],
    ['heldout-9', heldoutLines('fresh-set-9-2026-12-02.tar.gz', 'poisoned.jsonl')],
  ];
}

function benignServers(): BenignServerIn[] {
  const alone = (tools: { id: string; tool: Tool }[], source: string, kind: BenignKind = 'hard') =>
    tools.map((t) => ({ name: `${source}:${t.id}`, tools: [t.tool], kind, source }));
  const sets = (list: BenignServerSet[], source: string) => list.map((s) => ({ name: `${source}:${s.server}`, tools: s.tools, kind: 'hard' as const, source }));
  const stress = JSON.parse(readFileSync(join(ROOT, 'test', 'scanner', 'stress-set.json'), 'utf8')) as { benign: Tool[] };
  // The later held-out sets put their benign tools on made-up servers: each is scanned beside its siblings.
  const byServer = (archive: string, source: string) => {
    const servers = new Map<string, Tool[]>();
    for (const l of heldoutLines(archive, 'benign.jsonl')) servers.set(l.server ?? l.id, [...(servers.get(l.server ?? l.id) ?? []), l.tool]);
    return [...servers].map(([name, tools]) => ({ name: `${source}:${name}`, tools, kind: 'heldout' as const, source }));
  };
  return [
    ...devBenignServers().map((s) => ({ name: `dev:${s.name}`, tools: s.tools, kind: 'dev' as const, source: 'dev-benign' })),
    ...loadBenignServers().map((s) => ({ name: s.package, tools: s.tools, kind: 'real' as const, source: 'real' })),
    ...loadBenignServers(BENIGN_SERVERS_2_DIR).map((s) => ({ name: `2:${s.package}`, tools: s.tools, kind: 'real-2' as const, source: 'real' })),
    ...alone(
      HARD_BENIGN.map((tool, k) => ({ id: `hb1-${k}`, tool })),
      'hard-benign-1',
    ),
    ...sets(HARD_BENIGN_2, 'hard-benign-2'),
    ...sets(HARD_BENIGN_3, 'hard-benign-3'),
    ...sets(HARD_BENIGN_4, 'hard-benign-4'),
    ...sets(HARD_BENIGN_5, 'hard-benign-5'),
    ...sets(HARD_BENIGN_6, 'hard-benign-6'),
    ...alone(BENIGN_3, 'paraphrase-3'),
    ...sets(HARD_BENIGN_7, 'paraphrase-7'),
    ...sets(HARD_BENIGN_8, 'paraphrase-8'),
    ...sets(HARD_BENIGN_9, 'paraphrase-9'),
    ...sets(HARD_BENIGN_10, 'hard-benign-10'),
    ...sets(HARD_BENIGN_11, 'hard-benign-11'),
    ...sets(HARD_BENIGN_12, 'paraphrase-11'),
    ...sets(HARD_BENIGN_13, 'paraphrase-12'),
    ...sets(HARD_BENIGN_14, 'hard-benign-14'),
    ...BENIGN_VARIANTS.map((b) => ({ name: `variants:${b.id}`, tools: [b.tool], kind: 'hard' as const, source: 'variants' })),
    ...alone(
      stress.benign.map((tool, k) => ({ id: `s${k}`, tool })),
      'stress',
    ),
    ...alone(heldoutLines('fresh-2026-11-30.tar.gz', 'benign.fresh.jsonl'), 'heldout-1', 'heldout'),
    ...byServer('fresh-2026-12-01.tar.gz', 'heldout-2'),
    ...byServer('fresh-set-3-2026-12-01.tar.gz', 'heldout-3'),
    ...byServer('fresh-set-4-2026-12-01.tar.gz', 'heldout-4'),
    ...byServer('fresh-set-5-2026-12-01.tar.gz', 'heldout-5'),
    ...byServer('fresh-set-6-2026-12-02.tar.gz', 'heldout-6'),
    ...byServer('fresh-set-7-2026-12-02.tar.gz', 'heldout-7'),
    ...byServer('fresh-set-8-2026-12-02.tar.gz', 'heldout-8'),
    ...byServer('fresh-set-9-2026-12-02.tar.gz', 'heldout-9'),
  ];
}

/** Every item with its features and the rules' verdict; weights as described in docs/scanner-learned.md. */
export function loadItems(carrierWeight: number, balanceSources = false, realWeight = 1): Item[] {
  const items: Item[] = [];
  for (const [source, list] of poisonedSources()) {
    for (const p of list) {
      const rules = flaggedAt(p.before ? scanChange(p.before, p.tool, { learned: false }) : scanTool(p.tool));
      items.push({
        id: p.id,
        tool: p.tool,
        label: 1,
        source,
        technique: p.technique,
        server: '',
        example: { ...featureVector(p.tool), label: 1, weight: 1 },
        rules,
      });
      // A rug pull's earlier version is a real clean counterpart; otherwise the clean part is cut out.
      const carrier = p.before ?? carrierOf(p.tool);
      const example = { ...featureVector(carrier), label: 0 as const, weight: carrierWeight };
      items.push({
        id: `${p.id} (carrier)`,
        tool: carrier,
        label: 0,
        source,
        technique: p.technique,
        server: `carrier:${p.id}`,
        carrier: true,
        example,
        rules: false,
      });
    }
  }
  for (const s of benignServers()) {
    const scans = scanToolList(s.tools);
    const names = s.tools.map((t) => String(t.name));
    s.tools.forEach((tool, i) => {
      const example = { ...featureVector(tool, names), label: 0 as const, weight: 1 };
      items.push({
        id: `${s.name}/${String(tool.name)}`,
        tool,
        siblings: names,
        label: 0,
        source: s.source,
        technique: 'benign',
        server: s.name,
        kind: s.kind,
        example,
        rules: flaggedAt(scans[i]!),
      });
    });
  }
  // The classes weigh the same in total; a big server counts no more than a few small ones.
  const sizes = new Map<string, number>();
  for (const it of items) if (!it.label && !it.carrier) sizes.set(it.server, (sizes.get(it.server) ?? 0) + 1);
  // Optionally real servers' tools count more than the team-written ones: their false alarms are the ones users meet.
  const real = (it: Item) => (it.kind === 'real' || it.kind === 'real-2' ? realWeight : 1);
  for (const it of items) if (!it.label && !it.carrier) it.example.weight = real(it) / Math.sqrt(sizes.get(it.server)!);
  const negWeight = items.filter((i) => !i.label).reduce((s, i) => s + i.example.weight, 0);
  // Optionally a big source (100 stress items, 225 held-out ones) counts no more than a few small ones.
  const perSource = new Map<string, number>();
  for (const it of items) if (it.label) perSource.set(it.source, (perSource.get(it.source) ?? 0) + 1);
  const raw = (it: Item) => (balanceSources ? 1 / Math.sqrt(perSource.get(it.source)!) : 1);
  const posWeight = items.filter((i) => i.label).reduce((s, i) => s + raw(i), 0);
  for (const it of items) if (it.label) it.example.weight = (raw(it) * negWeight) / posWeight;
  return items;
}
