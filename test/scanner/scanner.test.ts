// The scanner against the development corpus (../shared/corpus/tool-poisoning) and
// against hand-written variants of each family worded differently from it.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { scanTool } from '../../shared/scanner/scan.ts';
import { ROOT } from '../helpers/daemon.ts';
import { corpusAvailable, measure } from './corpus.ts';
import { falseAlarms, flaggedAt, loadBenignServers, loadJsonl } from './evaluate.ts';
import { PARAPHRASES } from './paraphrases.ts';
import { BENIGN_VARIANTS, POISONED_VARIANTS } from './variants.ts';

const baseline = JSON.parse(readFileSync(join(ROOT, 'test', 'scanner', 'baseline.json'), 'utf8')) as {
  recall: number;
  falseAlarms: number;
  paraphraseRecall: number;
  extraRecall: number;
  realToolAlarms: number;
  realServerAlarms: number;
};
const flagged = (risk: string) => risk === 'medium' || risk === 'high' || risk === 'critical';

describe('scanner quality', () => {
  it('does not regress on the development corpus', { skip: !corpusAvailable() && 'corpus not found beside the repo' }, () => {
    const m = measure();
    console.log(
      `scanner on the dev corpus: recall ${(m.recall * 100).toFixed(1)}% of ${m.poisoned} poisoned, false alarms ${(m.falseAlarms * 100).toFixed(1)}% of ${m.benign} benign`,
    );
    assert.ok(m.recall >= baseline.recall, `recall ${m.recall} < baseline ${baseline.recall}; missed: ${m.missed.join(', ')}`);
    assert.ok(m.falseAlarms <= baseline.falseAlarms, `false alarms ${m.falseAlarms} > baseline ${baseline.falseAlarms}: ${m.alarms.join(', ')}`);
  });

  it('catches reworded variants of every family', () => {
    const missed = POISONED_VARIANTS.filter((v) => !flagged(scanTool(v.tool).risk)).map((v) => v.id);
    assert.deepEqual(missed, []);
  });

  it('leaves benign tools with alarming words alone', () => {
    const alarms = BENIGN_VARIANTS.map((v) => ({ id: v.id, scan: scanTool(v.tool, { siblings: v.siblings ?? [] }) })).filter((x) => flagged(x.scan.risk));
    assert.deepEqual(
      alarms.map((a) => `${a.id}: ${a.scan.findings.map((f) => f.rule).join(',')}`),
      [],
    );
  });

  it('stays quiet on the captured tools/list of real servers, per tool and per server', () => {
    const servers = loadBenignServers().map((x) => ({ name: `${x.package}@${x.version}`, tools: x.tools }));
    assert.ok(servers.length >= 20, `only ${servers.length} captured servers`);
    const fa = falseAlarms(servers);
    console.log(`real servers: ${fa.alarmedTools}/${fa.tools} tools and ${fa.alarmedServers}/${fa.servers} servers flagged at medium or higher`);
    const detail = fa.alarms.map((a) => `${a.server}/${a.tool}: ${a.rules.join(',')}`).join('; ');
    assert.ok(fa.alarmedTools / fa.tools <= baseline.realToolAlarms, detail);
    assert.ok(fa.alarmedServers / fa.servers <= baseline.realServerAlarms, detail);
  });

  it('holds its recall on the fresh paraphrase set', () => {
    const caught = PARAPHRASES.filter((p) => flaggedAt(scanTool(p.tool))).length;
    assert.ok(caught / PARAPHRASES.length >= baseline.paraphraseRecall, `${caught}/${PARAPHRASES.length}`);
  });

  it(
    'holds its recall on the extra set (read and tuned on since issue 12: a floor against regressions, not a held-out figure)',
    { skip: !corpusAvailable() && 'corpus not found beside the repo' },
    () => {
      const extra = loadJsonl('poisoned.extra.jsonl').filter((e) => e.label_confidence !== 'context_dependent');
      const missed = extra.filter((e) => !flaggedAt(scanTool(e.tool))).map((e) => e.id);
      assert.ok(1 - missed.length / extra.length >= baseline.extraRecall, missed.join(', '));
    },
  );
});
