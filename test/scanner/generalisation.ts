// How the scanner does on attacks it was not written for, two honest ways for
// rules written by hand (a leave-one-out that only re-scores frozen rules is
// degenerate: nothing is rebuilt).
//
//   node test/scanner/generalisation.ts ablation
//     Leave-one-technique-out by ablation: for each technique, the findings of the
//     detectors written *for* that technique (AIMED_AT) are removed, and so is any
//     text a decoder recovered when the technique is a hiding trick; the tool is
//     rated again. What is still caught is caught by detectors written for other
//     techniques: the recall a new technique of that kind could expect.
//
//   node test/scanner/generalisation.ts history <commit>…
//     The scanner as it was at each commit (shared/scanner extracted with git
//     archive into test-output/), scored on the extra set by source family and by
//     technique. At 731b008 nothing in the extra set had been read: those figures
//     are the leave-the-extra-set-out result. Aggregates only.
import { execFileSync } from 'node:child_process';
import { mkdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { SEVERITIES, type Severity } from '../../shared/scanner/rules.ts';
import { rate, type Finding, type ToolScan } from '../../shared/scanner/scan.ts';
import { scanTool } from './rules-only.ts';
import { ROOT } from '../helpers/daemon.ts';
import type { CorpusEntry } from './corpus.ts';
import { familyOf, loadJsonl, wilson } from './evaluate.ts';

/** The detectors written for each technique of the corpus (the rest of the scanner was written for others). */
export const AIMED_AT: Readonly<Record<string, readonly string[]>> = {
  cross_tool_invocation_hijack: [
    'cross-tool-demand',
    'tool-order-demand',
    'about-another-tool',
    'schema-payload',
    'cross-tool-hijack',
    'cross-tool-data-flow',
    'forced-first-call',
    'cross-server-reference',
    'tool-reference',
  ],
  cross_tool_shadowing: ['other-tool-rule', 'class-rule', 'parameter-tampering', 'fixed-extra-recipient'],
  hidden_instructions: ['hidden-instruction-block', 'instruction-block', 'addresses-model'],
  html_comment_hidden: ['hidden-instruction-block', 'instruction-block'],
  instruction_override: ['instruction-override', 'speaker-claim', 'claims-authority', 'revokes-instructions', 'bypasses-consent'],
  concealment_from_user: ['concealment', 'conceal-from-user'],
  preference_manipulation: [
    'preference-manipulation',
    'tool-disparagement',
    'self-promotion',
    'self-praise',
    'runs-down-alternatives',
    'claims-standing',
    'demands-preference',
  ],
  exfiltration_url: [
    'exfiltration-url',
    'email-exfiltration',
    'secret-to-address',
    'data-to-address',
    'markdown-beacon',
    'external-default',
    'secret-routed-out',
    'harvests-into-field',
    'preset-destination',
  ],
  conversation_history_exfil: [
    'conversation-exfiltration',
    'asks-for-agent-internals',
    'internals-into-parameter',
    'catch-all-parameter',
    'secret-routed-out',
    'secret-in-reply',
    'dump-in-reply',
    'harvests-into-field',
  ],
  hidden_secondary_behavior: ['unfitting-side-effect', 'hidden-side-effect', 'credential-harvest'],
  encoded_payload: ['encoded-base64', 'encoded-hex', 'encoded-escapes', 'encoded-rot13', 'decode-and-follow', 'hidden-instructions'],
  invisible_unicode_tags: ['unicode-tag-characters', 'hidden-instructions'],
  zero_width_chars: ['zero-width-characters', 'hidden-instructions'],
  bidi_override: ['bidi-control', 'hidden-instructions'],
  schema_param_name: ['instruction-in-parameter-name', 'sensitive-parameter-name'],
  schema_param_description: ['instruction-in-value'],
  schema_enum_default: [
    'instruction-in-value',
    'keep-default',
    'privileged-preset',
    'sensitive-flag-default',
    'external-default',
    'preset-destination',
    'preset-open-access',
    'preset-named-order',
  ],
  schema_structural: ['instruction-in-value'],
  name_collision: ['lookalike-name', 'non-ascii-name', 'name-collision', 'squatted-name', 'near-name'],
};
/** Techniques that are hiding places: without their decoder, nothing recovered from them would be scanned. */
const HIDING = new Set(['encoded_payload', 'invisible_unicode_tags', 'zero_width_chars', 'bidi_override']);

const caught = (risk: Severity) => SEVERITIES.indexOf(risk) >= SEVERITIES.indexOf('medium');
const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const strict = (e: CorpusEntry) => e.label_confidence !== 'context_dependent';

function ablate(findings: readonly Finding[], technique: string): Severity {
  const aimed = new Set(AIMED_AT[technique] ?? []);
  return rate(findings.filter((f) => !aimed.has(f.rule) && !(HIDING.has(technique) && f.path.includes('(decoded')))).risk;
}

function table(title: string, rows: Map<string, { hits: number; n: number; full?: number }>, withFull: boolean): void {
  console.log(`\n${title}\n| group | caught | recall | 95% interval |${withFull ? ' with all detectors |' : ''}\n|---|---|---|---|${withFull ? '---|' : ''}`);
  let hits = 0;
  let n = 0;
  let macro = 0;
  for (const [g, r] of [...rows].sort((a, b) => b[1].n - a[1].n)) {
    const [lo, hi] = wilson(r.hits, r.n);
    console.log(`| ${g} | ${r.hits}/${r.n} | ${pct(r.hits / r.n)} | ${pct(lo)}–${pct(hi)} |${withFull ? ` ${r.full}/${r.n} |` : ''}`);
    hits += r.hits;
    n += r.n;
    macro += r.hits / r.n;
  }
  const [lo, hi] = wilson(hits, n);
  console.log(
    `| **all (micro)** | ${hits}/${n} | ${pct(hits / n)} | ${pct(lo)}–${pct(hi)} |${withFull ? ' |' : ''}\nmacro average over ${rows.size} groups: ${pct(macro / Math.max(1, rows.size))}`,
  );
}

function ablation(): void {
  const entries = [...loadJsonl('poisoned.dev.jsonl'), ...loadJsonl('poisoned.extra.jsonl')].filter(strict);
  const rows = new Map<string, { hits: number; n: number; full: number }>();
  for (const e of entries) {
    const scan = scanTool(e.tool);
    const r = rows.get(e.technique) ?? { hits: 0, n: 0, full: 0 };
    r.n++;
    if (caught(ablate(scan.findings, e.technique))) r.hits++;
    if (caught(scan.risk)) r.full++;
    rows.set(e.technique, r);
  }
  table('Leave-one-technique-out by ablation (dev + extra), medium or higher', rows, true);
}

async function history(commits: string[]): Promise<void> {
  const extra = loadJsonl('poisoned.extra.jsonl').filter(strict);
  for (const commit of commits) {
    const sha = execFileSync('git', ['rev-parse', '--short', commit], { cwd: ROOT, encoding: 'utf8' }).trim();
    // Inside the checkout, so that the old modules resolve the checkout's node_modules (zod).
    const dir = join(ROOT, 'test-output', 'scanner-history', sha);
    if (!existsSync(join(dir, 'shared', 'scanner', 'scan.ts'))) {
      mkdirSync(dir, { recursive: true });
      // The scanner imports shared/text since the fourth round: archive it with the scanner where the commit has it.
      const text = execFileSync('git', ['ls-tree', '-d', '--name-only', sha, 'shared/text'], { cwd: ROOT, encoding: 'utf8' }).trim();
      const tar = execFileSync('git', ['archive', sha, 'shared/scanner', ...(text ? [text] : [])], { cwd: ROOT });
      execFileSync('tar', ['-x', '-C', dir], { input: tar });
    }
    const old = (await import(pathToFileURL(join(dir, 'shared', 'scanner', 'scan.ts')).href)) as { scanTool: (t: Record<string, unknown>) => ToolScan };
    const byFamily = new Map<string, { hits: number; n: number }>();
    const byTechnique = new Map<string, { hits: number; n: number }>();
    for (const e of extra) {
      const hit = caught(old.scanTool(e.tool).risk);
      for (const [map, key] of [
        [byFamily, familyOf(e)],
        [byTechnique, e.technique],
      ] as const) {
        const r = map.get(key) ?? { hits: 0, n: 0 };
        r.n++;
        if (hit) r.hits++;
        map.set(key, r);
      }
    }
    table(`Extra set with the scanner of ${sha}, by source family`, byFamily, false);
    table(`Extra set with the scanner of ${sha}, by technique`, byTechnique, false);
  }
}

if (import.meta.main) {
  const [what, ...rest] = process.argv.slice(2);
  if (what === 'history') await history(rest.length ? rest : ['731b008', 'HEAD']);
  else ablation();
}
