// The word gates in front of the built-in rules (scan.ts RULE_GATES) are a speed-up
// only: a rule is skipped when none of the words every match must contain is in
// the text. The same rules under other ids have no gate, so scanning every tool we
// have both ways must give the same findings.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileRules, DEFAULT_RULES } from '../../shared/scanner/rules.ts';
import { scanTool, type ToolScan } from '../../shared/scanner/scan.ts';
import { loadBenignServers, loadJsonl } from './evaluate.ts';
import { PARAPHRASES, PARAPHRASES_2 } from './paraphrases.ts';
import { BENIGN_VARIANTS, POISONED_VARIANTS } from './variants.ts';

const ungated = compileRules(DEFAULT_RULES.map((r) => ({ ...r, id: `${r.id}-ungated` })));
const key = (s: ToolScan) =>
  s.findings
    .map((f) => `${f.rule.replace(/-ungated$/, '')} ${f.severity} ${f.path}`)
    .sort()
    .join('\n');

describe('rule gates', () => {
  it('change no finding on any corpus, benign or poisoned', () => {
    const tools = [
      ...loadJsonl('poisoned.dev.jsonl'),
      ...loadJsonl('poisoned.extra.jsonl'),
      ...loadJsonl('benign.dev.jsonl'),
      ...PARAPHRASES,
      ...PARAPHRASES_2,
      ...POISONED_VARIANTS,
      ...BENIGN_VARIANTS,
    ]
      .map((e) => e.tool as Record<string, unknown>)
      .concat(loadBenignServers().flatMap((s) => s.tools));
    assert.ok(tools.length > 700, `only ${tools.length} tools`);
    const differ = tools.filter((t) => key(scanTool(t)) !== key(scanTool(t, { rules: ungated }))).map((t) => String(t.name));
    assert.deepEqual(differ, []);
  });
});
