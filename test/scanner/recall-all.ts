// Every poisoned tool the repo has (dev and extra by family, paraphrase sets 1-13 with their rug pulls, variants, the
// stress set, the spent held-out sets), scanned alone (a rug pull as its change), rules alone and as shipped: which are caught
// at medium or higher. With --out FILE the verdicts are written; with --compare FILE every tool whose verdict changed
// is printed by id (never its text). The tenth round's check that a false-alarm cut loses no attack.
//   node test/scanner/recall-all.ts --out /tmp/recall-before.json
//   node test/scanner/recall-all.ts --compare /tmp/recall-before.json
import { readFileSync, writeFileSync } from 'node:fs';
import { scanChange } from '../../shared/scanner/change.ts';
import { scanTool } from '../../shared/scanner/scan.ts';
import { flaggedAt } from './evaluate.ts';
import { poisonedSources, spentNotLearned } from './learned/data.ts';

// The same sources the learned model trains on (test/scanner/learned/data.ts), so a set added there is checked here too.
const sets = () => [...poisonedSources(), ...spentNotLearned()];

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
