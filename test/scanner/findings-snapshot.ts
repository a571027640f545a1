// The oracle for speed work on the rules: every finding the rules give on every tool set the repo
// has, written as canonical JSON, so a change meant to be faster can be shown to change nothing.
//   node test/scanner/findings-snapshot.ts [--out FILE]        write the snapshot (default /tmp/scanner-findings.json)
//   node test/scanner/findings-snapshot.ts --compare FILE      scan again and print every difference from FILE
// Sets: the corpus (dev, extra, benign dev), paraphrase sets 1–11 and their benign twins and rug pulls, the
// hard benign sets (alone and per server), the variants and the stress set, both captured real-server sets
// (per server with siblings, and once as one catalogue through one index), the spent held-out archives 1
// and 2 (extracted to a temporary folder and deleted; their differences are printed without their text),
// and the real release pairs through scanChange. The rules alone: the learned model is off.
import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { scanChange } from '../../shared/scanner/change.ts';
import { scanTool, scanToolList, type Finding, type ToolScan } from '../../shared/scanner/scan.ts';
import { indexTools } from '../../shared/scanner/tool-index.ts';
import { ROOT } from '../helpers/daemon.ts';
import { BENIGN_SERVERS_2_DIR, loadBenignServers, loadJsonl } from './evaluate.ts';
import type { CorpusEntry } from './corpus.ts';
import { jsonlIn, readTarGz } from './learned/tarball.ts';
import { HARD_BENIGN } from './hard-benign.ts';
import { HARD_BENIGN_2, type BenignServerSet } from './hard-benign-2.ts';
import { HARD_BENIGN_3 } from './hard-benign-3.ts';
import { HARD_BENIGN_4 } from './hard-benign-4.ts';
import { HARD_BENIGN_5 } from './hard-benign-5.ts';
import { HARD_BENIGN_6 } from './hard-benign-6.ts';
import { HARD_BENIGN_10 } from './hard-benign-10.ts';
import { HARD_BENIGN_11 } from './hard-benign-11.ts';
import { PARAPHRASES, PARAPHRASES_2 } from './paraphrases.ts';
import { BENIGN_3, PARAPHRASES_3 } from './paraphrases-3.ts';
import { PARAPHRASES_4 } from './paraphrases-4.ts';
import { PARAPHRASES_5 } from './paraphrases-5.ts';
import { PARAPHRASES_6, RUG_PULLS_6 } from './paraphrases-6.ts';
import { HARD_BENIGN_7, PARAPHRASES_7, RUG_PULLS_7 } from './paraphrases-7.ts';
import { HARD_BENIGN_8, PARAPHRASES_8, RUG_PULLS_8 } from './paraphrases-8.ts';
import { HARD_BENIGN_9, PARAPHRASES_9 } from './paraphrases-9.ts';
import { PARAPHRASES_10 } from './paraphrases-10.ts';
import { HARD_BENIGN_12, PARAPHRASES_11 } from './paraphrases-11.ts';
import { capturedServers } from './release-pairs.ts';
import { BENIGN_VARIANTS, POISONED_VARIANTS } from './variants.ts';

type Tool = Record<string, unknown>;
/** One scan as the oracle keeps it: everything a reviewer or the pin gate reads. */
interface Entry {
  risk: string;
  score: number;
  findings: Pick<Finding, 'rule' | 'severity' | 'family' | 'path' | 'evidence' | 'message'>[];
}
type Snapshot = Record<string, Entry>;

const rulesOnly = { learned: false } as const;
const keep = (s: ToolScan): Entry => ({
  risk: s.risk,
  score: s.score,
  findings: s.findings.map(({ rule, severity, family, path, evidence, message }) => ({ rule, severity, family, path, evidence, message })),
});
const nameOf = (t: Tool) => (typeof t.name === 'string' ? t.name : '');

function collect(): { snapshot: Snapshot; secret: Set<string> } {
  const snapshot: Snapshot = Object.create(null) as Snapshot;
  /** Held-out entries: their differences are printed without text. */
  const secret = new Set<string>();
  const put = (id: string, s: ToolScan) => {
    if (id in snapshot) throw new Error(`duplicate id ${id}`);
    snapshot[id] = keep(s);
  };
  const alone = (set: string, tools: { id?: string; tool: Tool }[]) =>
    tools.forEach((e, i) => put(`${set}/${i}/${e.id ?? nameOf(e.tool)}`, scanTool(e.tool, rulesOnly)));
  const servers = (set: string, list: { server: string; tools: Tool[] }[]) => {
    for (const s of list) scanToolList(s.tools, rulesOnly).forEach((scan, i) => put(`${set}/${s.server}/${i}/${scan.name}`, scan));
  };
  const pulls = (set: string, list: { id: string; before: Tool; after: Tool }[]) =>
    list.forEach((r, i) => put(`${set}/${i}/${r.id}`, scanChange(r.before, r.after, rulesOnly)));

  for (const file of ['poisoned.dev.jsonl', 'poisoned.extra.jsonl', 'benign.dev.jsonl']) alone(file, loadJsonl(file));
  const paraphrases: [string, { id: string; tool: Tool }[]][] = [
    ['paraphrases-1', PARAPHRASES],
    ['paraphrases-2', PARAPHRASES_2],
    ['paraphrases-3', PARAPHRASES_3],
    ['benign-3', BENIGN_3],
    ['paraphrases-4', PARAPHRASES_4],
    ['paraphrases-5', PARAPHRASES_5],
    ['paraphrases-6', PARAPHRASES_6],
    ['paraphrases-7', PARAPHRASES_7],
    ['paraphrases-8', PARAPHRASES_8],
    ['paraphrases-9', PARAPHRASES_9],
    ['paraphrases-10', PARAPHRASES_10],
    ['paraphrases-11', PARAPHRASES_11],
    ['poisoned-variants', POISONED_VARIANTS],
  ];
  for (const [set, list] of paraphrases) alone(set, list);
  BENIGN_VARIANTS.forEach((e, i) => put(`benign-variants/${i}/${e.id}`, scanTool(e.tool, { ...rulesOnly, siblings: e.siblings ?? [] })));
  pulls('rug-pulls-6', RUG_PULLS_6);
  pulls('rug-pulls-7', RUG_PULLS_7);
  pulls('rug-pulls-8', RUG_PULLS_8);
  const stress = JSON.parse(readFileSync(join(ROOT, 'test', 'scanner', 'stress-set.json'), 'utf8')) as { poisoned: Tool[]; benign: Tool[] };
  alone(
    'stress-poisoned',
    stress.poisoned.map((tool) => ({ tool })),
  );
  alone(
    'stress-benign',
    stress.benign.map((tool) => ({ tool })),
  );

  alone(
    'hard-benign-1',
    HARD_BENIGN.map((tool) => ({ tool })),
  );
  const hard: [string, BenignServerSet[]][] = [
    ['hard-2', HARD_BENIGN_2],
    ['hard-3', HARD_BENIGN_3],
    ['hard-4', HARD_BENIGN_4],
    ['hard-5', HARD_BENIGN_5],
    ['hard-6', HARD_BENIGN_6],
    ['hard-7', HARD_BENIGN_7],
    ['hard-8', HARD_BENIGN_8],
    ['hard-9', HARD_BENIGN_9],
    ['hard-10', HARD_BENIGN_10],
    ['hard-11', HARD_BENIGN_11],
    ['hard-12', HARD_BENIGN_12],
  ];
  for (const [set, list] of hard) {
    alone(
      `${set}-alone`,
      list.flatMap((s) => s.tools.map((tool) => ({ id: `${s.server}/${nameOf(tool)}`, tool }))),
    );
    servers(`${set}-servers`, list);
  }

  const real = [...loadBenignServers(), ...loadBenignServers(BENIGN_SERVERS_2_DIR)].map((s) => ({ server: `${s.package}@${s.version}`, tools: s.tools }));
  servers('real', real);
  // First sight of the whole catalogue: every server's tools against one index of all of them (collisions, squats, names in text).
  const index = indexTools(real.flatMap((s) => s.tools.map((t) => ({ server: s.server, name: nameOf(t) }))));
  for (const s of real)
    scanToolList(s.tools, { ...rulesOnly, index, server: s.server }).forEach((scan, i) => put(`catalogue/${s.server}/${i}/${scan.name}`, scan));

  // Real upgrades: every changed tool of each earlier release, judged as the pending change it is.
  const current = new Map(capturedServers().map((c) => [c.package, c]));
  const pairsDir = join(ROOT, 'test', 'scanner', 'release-pairs');
  for (const old of loadBenignServers(pairsDir)) {
    const now = current.get(old.package);
    if (!now || now.version === old.version) continue;
    const siblings = now.tools.map(nameOf);
    const before = new Map(old.tools.map((t) => [nameOf(t), t]));
    for (const tool of now.tools) {
      const was = before.get(nameOf(tool));
      if (was && JSON.stringify(was) !== JSON.stringify(tool))
        put(`release-pair/${old.package}/${nameOf(tool)}`, scanChange(was, tool, { ...rulesOnly, siblings }));
    }
  }

  const spent: [string, string, string][] = [
    ['heldout-1', 'fresh-2026-11-30.tar.gz', 'poisoned.fresh.jsonl'],
    ['heldout-2', 'fresh-2026-12-01.tar.gz', 'poisoned.jsonl'],
  ];
  for (const [set, archive, poisonedFile] of spent) {
    const before = Object.keys(snapshot).length;
    const files = readTarGz(join(ROOT, 'test', 'scanner', 'heldout', archive));
    const entries = (file: string) => jsonlIn(files, file) as CorpusEntry[];
    entries(poisonedFile).forEach((e, i) => {
      const was = (e as { rug_pull_before?: unknown }).rug_pull_before;
      const id = `${set}/poisoned/${i}/${e.id}`;
      put(id, scanTool(e.tool, rulesOnly));
      if (was && typeof was === 'object') put(`${id}/as-change`, scanChange(was as Tool, e.tool, rulesOnly));
    });
    const benign = entries(poisonedFile.replace('poisoned', 'benign'));
    benign.forEach((e, i) => put(`${set}/benign-alone/${i}/${e.id}`, scanTool(e.tool, rulesOnly)));
    const byServer = new Map<string, Tool[]>();
    for (const e of benign) if (e.server) byServer.set(e.server, [...(byServer.get(e.server) ?? []), e.tool]);
    servers(
      `${set}-servers`,
      [...byServer].map(([server, tools]) => ({ server, tools })),
    );
    Object.keys(snapshot)
      .slice(before)
      .forEach((id) => secret.add(id));
  }
  return { snapshot, secret };
}

/** Every difference, one line each; a held-out entry's text is left out. */
function compare(was: Snapshot, now: Snapshot, secret: ReadonlySet<string>): string[] {
  const out: string[] = [];
  const show = (id: string, f: Entry['findings'][number]) =>
    secret.has(id) || id.startsWith('heldout-') ? `${f.rule} ${f.severity} ${f.path}` : `${f.rule} ${f.severity} ${f.path} «${f.evidence}» (${f.message})`;
  for (const id of new Set([...Object.keys(was), ...Object.keys(now)])) {
    const a = was[id];
    const b = now[id];
    if (!a || !b) {
      out.push(`${id}: only in the ${a ? 'snapshot' : 'new scan'}`);
      continue;
    }
    if (JSON.stringify(a) === JSON.stringify(b)) continue;
    if (a.risk !== b.risk || a.score !== b.score) out.push(`${id}: risk ${a.risk} ${a.score} → ${b.risk} ${b.score}`);
    const key = (f: Entry['findings'][number]) => JSON.stringify(f);
    const before = new Set(a.findings.map(key));
    const after = new Set(b.findings.map(key));
    for (const f of a.findings) if (!after.has(key(f))) out.push(`${id}: lost ${show(id, f)}`);
    for (const f of b.findings) if (!before.has(key(f))) out.push(`${id}: gained ${show(id, f)}`);
    if (a.findings.length === b.findings.length && a.findings.every((f) => after.has(key(f)))) out.push(`${id}: same findings in another order`);
  }
  return out;
}

if (import.meta.main) {
  const args = process.argv.slice(2);
  const arg = (flag: string) => {
    const i = args.indexOf(flag);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const started = performance.now();
  const { snapshot, secret } = collect();
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  const against = arg('--compare');
  if (against) {
    const diffs = compare(JSON.parse(readFileSync(against, 'utf8')) as Snapshot, snapshot, secret);
    for (const d of diffs) console.log(d);
    console.log(`${Object.keys(snapshot).length} scans in ${seconds} s; ${diffs.length} differences from ${against}`);
    process.exitCode = diffs.length ? 1 : 0;
  } else {
    const out = arg('--out') ?? join(tmpdir(), 'scanner-findings.json');
    writeFileSync(out, `${JSON.stringify(snapshot, null, 1)}\n`);
    const findings = Object.values(snapshot).reduce((n, e) => n + e.findings.length, 0);
    console.log(`${Object.keys(snapshot).length} scans, ${findings} findings, in ${seconds} s: written to ${out}`);
  }
}
