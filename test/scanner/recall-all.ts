// Every poisoned tool the repo has (dev, extra, paraphrase sets 1-13 with their rug pulls, variants, the stress set,
// the spent held-out sets 1-5), scanned alone (a rug pull as its change), rules alone and as shipped: which are caught
// at medium or higher. With --out FILE the verdicts are written; with --compare FILE every tool whose verdict changed
// is printed by id (never its text). The tenth round's check that a false-alarm cut loses no attack.
//   node test/scanner/recall-all.ts --out /tmp/recall-before.json
//   node test/scanner/recall-all.ts --compare /tmp/recall-before.json
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { scanChange } from '../../shared/scanner/change.ts';
import { scanTool } from '../../shared/scanner/scan.ts';
import { ROOT } from '../helpers/daemon.ts';
import { familyOf, flaggedAt, loadJsonl } from './evaluate.ts';
import { PARAPHRASES, PARAPHRASES_2 } from './paraphrases.ts';
import { PARAPHRASES_3 } from './paraphrases-3.ts';
import { PARAPHRASES_4 } from './paraphrases-4.ts';
import { PARAPHRASES_5 } from './paraphrases-5.ts';
import { PARAPHRASES_6, RUG_PULLS_6 } from './paraphrases-6.ts';
import { PARAPHRASES_7, RUG_PULLS_7 } from './paraphrases-7.ts';
import { PARAPHRASES_8, RUG_PULLS_8 } from './paraphrases-8.ts';
import { PARAPHRASES_9 } from './paraphrases-9.ts';
import { PARAPHRASES_10 } from './paraphrases-10.ts';
import { PARAPHRASES_11 } from './paraphrases-11.ts';
import { PARAPHRASES_12 } from './paraphrases-12.ts';
import { PARAPHRASES_13, RUG_PULLS_13 } from './paraphrases-13.ts';
import { readTarGz, jsonlIn } from './learned/tarball.ts';

type Tool = Record<string, unknown>;
interface P {
  id: string;
  tool: Tool;
  before?: Tool;
}
const rug = (set: { id: string; before: Tool; after: Tool }[]): P[] => set.map((r) => ({ id: r.id, tool: r.after, before: r.before }));
const heldout = (archive: string, suffix: string): P[] =>
  jsonlIn(readTarGz(join(ROOT, 'test', 'scanner', 'heldout', archive)), suffix).map((raw) => {
    const l = raw as { id: string; tool: Tool; rug_pull_before?: Tool };
    return { id: l.id, tool: l.tool, ...(l.rug_pull_before ? { before: l.rug_pull_before } : {}) };
  });

function sets(): [string, P[]][] {
  const strict = (e: { label_confidence?: string }) => e.label_confidence !== 'context_dependent';
  const stress = JSON.parse(readFileSync(join(ROOT, 'test', 'scanner', 'stress-set.json'), 'utf8')) as { poisoned: Tool[] };
  return [
    [
      'dev',
      loadJsonl('poisoned.dev.jsonl')
        .filter(strict)
        .map((e) => ({ id: `${familyOf(e)}:${e.id}`, tool: e.tool as Tool })),
    ],
    [
      'extra',
      loadJsonl('poisoned.extra.jsonl')
        .filter(strict)
        .map((e) => ({ id: `${familyOf(e)}:${e.id}`, tool: e.tool as Tool })),
    ],
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
    ['stress', stress.poisoned.map((tool, k) => ({ id: `stress-${k}`, tool }))],
    ['heldout-1', heldout('fresh-2026-11-30.tar.gz', 'poisoned.fresh.jsonl')],
    ['heldout-2', heldout('fresh-2026-12-01.tar.gz', 'poisoned.jsonl')],
    ['heldout-3', heldout('fresh-set-3-2026-12-01.tar.gz', 'poisoned.jsonl')],
    ['heldout-4', heldout('fresh-set-4-2026-12-01.tar.gz', 'poisoned.jsonl')],
    ['heldout-5', heldout('fresh-set-5-2026-12-01.tar.gz', 'poisoned.jsonl')],
  ];
}

const verdicts: Record<string, { rules: boolean; shipped: boolean }> = {};
const counts: string[] = [];
for (const [name, list] of sets()) {
  let r = 0,
    a = 0;
  list.forEach((p, k) => {
    const scan = (learned: boolean) => (p.before ? scanChange(p.before, p.tool, { learned }) : scanTool(p.tool, { learned }));
    const v = { rules: flaggedAt(scan(false)), shipped: flaggedAt(scan(true)) };
    verdicts[`${name}/${k}/${p.id}`] = v;
    r += +v.rules;
    a += +v.shipped;
  });
  counts.push(`| ${name} | ${list.length} | ${r} | ${a} |`);
}
console.log('| set | tools | rules | as shipped |\n|---|---|---|---|\n' + counts.join('\n'));
const at = (flag: string) => (process.argv.indexOf(flag) > 0 ? process.argv[process.argv.indexOf(flag) + 1] : undefined);
const out = at('--out');
if (out) writeFileSync(out, JSON.stringify(verdicts));
const cmp = at('--compare');
if (cmp) {
  const old = JSON.parse(readFileSync(cmp, 'utf8')) as typeof verdicts;
  let n = 0;
  for (const [id, v] of Object.entries(verdicts)) {
    const o = old[id];
    if (!o || o.rules !== v.rules || o.shipped !== v.shipped) {
      n++;
      console.log(`${id}: rules ${o?.rules} → ${v.rules}, as shipped ${o?.shipped} → ${v.shipped}`);
    }
  }
  console.log(`${n} verdicts changed of ${Object.keys(verdicts).length}`);
}
