// Real upgrades: each earlier release in release-pairs/ beside the release captured
// in benign-servers/ or benign-servers-2/, and what the change scan says of the
// tools that changed between them. Used by release-pairs.test.ts and by hand:
//   node test/scanner/release-pairs.ts   (prints the alarms, tool by tool)
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { wideningFindings } from '../../shared/scanner/change.ts';
import { SEVERITIES, type Severity } from '../../shared/scanner/rules.ts';
import { scanTool } from '../../shared/scanner/scan.ts';
import { ROOT } from '../helpers/daemon.ts';

type Tool = Record<string, unknown> & { name: string };
export interface Captured {
  package: string;
  version: string;
  tools: Tool[];
}

const HERE = join(ROOT, 'test', 'scanner');
const readSet = (dir: string): Captured[] =>
  readdirSync(join(HERE, dir))
    .filter((f) => f.endsWith('.json'))
    .map((f) => JSON.parse(readFileSync(join(HERE, dir, f), 'utf8')) as Captured);

/** The captured current releases of both real-server sets. */
export const capturedServers = (): Captured[] => [...readSet('benign-servers'), ...readSet('benign-servers-2')];

const atLeast = (s: Severity, min: Severity) => SEVERITIES.indexOf(s) >= SEVERITIES.indexOf(min);
/** Key order is no change: servers regenerate their schemas. */
const canonical = (v: unknown): string =>
  JSON.stringify(v, (_k, x: unknown) =>
    x && typeof x === 'object' && !Array.isArray(x) ? Object.fromEntries(Object.entries(x as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1))) : x,
  );

export interface PairAlarm {
  package: string;
  tool: string;
  rules: string[];
}

/**
 * Every pair's changed tools, and those the change alone raises to medium or more:
 * a widening finding at medium+ on a tool whose new text alone is below medium (the
 * text's own alarms are the real-server sets' business, not the change's).
 */
export function releasePairs(): { pairs: number; changed: number; alarms: PairAlarm[] } {
  const current = new Map(capturedServers().map((c) => [c.package, c]));
  let pairs = 0;
  let changed = 0;
  const alarms: PairAlarm[] = [];
  for (const old of readSet('release-pairs')) {
    const now = current.get(old.package);
    if (!now || now.version === old.version) continue;
    pairs++;
    const siblings = now.tools.map((t) => t.name);
    const before = new Map(old.tools.map((t) => [t.name, t]));
    for (const tool of now.tools) {
      const was = before.get(tool.name);
      if (!was || canonical(was) === canonical(tool)) continue;
      changed++;
      const widened = wideningFindings(was, tool).filter((f) => atLeast(f.severity, 'medium'));
      if (widened.length && !atLeast(scanTool(tool, { siblings }).risk, 'medium'))
        alarms.push({ package: old.package, tool: tool.name, rules: widened.map((f) => f.rule) });
    }
  }
  return { pairs, changed, alarms };
}

if (import.meta.main) {
  const { pairs, changed, alarms } = releasePairs();
  for (const a of alarms) console.log(`${a.package} ${a.tool}: ${a.rules.join(', ')}`);
  const servers = new Set(alarms.map((a) => a.package)).size;
  console.log(`\n${pairs} real upgrades, ${changed} tools changed; the change alone alarms on ${alarms.length} tools of ${servers} servers`);
}
