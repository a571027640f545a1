// Loads the tool-poisoning development corpus (../shared/corpus/tool-poisoning)
// and measures the scanner on it: recall on poisoned tools, false alarms on benign.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { scanTool, scanToolList, type ToolScan } from '../../shared/scanner/scan.ts';
import { ROOT } from '../helpers/daemon.ts';

export const CORPUS_DIR = join(ROOT, '..', 'shared', 'corpus', 'tool-poisoning');

export interface CorpusEntry {
  id: string;
  technique: string;
  server?: string;
  label_confidence?: string;
  tool: Record<string, unknown>;
}

export function loadCorpus(file: 'poisoned.dev.jsonl' | 'benign.dev.jsonl'): CorpusEntry[] {
  return readFileSync(join(CORPUS_DIR, file), 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as CorpusEntry);
}

export const corpusAvailable = () => existsSync(join(CORPUS_DIR, 'poisoned.dev.jsonl'));

const flagged = (s: ToolScan) => s.risk === 'medium' || s.risk === 'high' || s.risk === 'critical';

export interface Measurement {
  recall: number;
  falseAlarms: number;
  missed: string[];
  alarms: string[];
  poisoned: number;
  benign: number;
}

/** Each tool scanned alone (the strictest case: no siblings to explain references). */
export function measure(): Measurement {
  const poisoned = loadCorpus('poisoned.dev.jsonl').filter((e) => e.label_confidence !== 'context_dependent');
  const benign = loadCorpus('benign.dev.jsonl');
  const missed = poisoned.filter((e) => !flagged(scanTool(e.tool))).map((e) => e.id);
  // Benign tools are scanned as their server lists them: alongside their siblings.
  const byServer = new Map<string, CorpusEntry[]>();
  for (const e of benign) byServer.set(e.server ?? e.id, [...(byServer.get(e.server ?? e.id) ?? []), e]);
  const alarms: string[] = [];
  for (const group of byServer.values()) {
    scanToolList(group.map((e) => e.tool)).forEach((s, i) => {
      if (flagged(s)) alarms.push(group[i]!.id);
    });
  }
  return {
    recall: 1 - missed.length / poisoned.length,
    falseAlarms: alarms.length / benign.length,
    missed,
    alarms,
    poisoned: poisoned.length,
    benign: benign.length,
  };
}
