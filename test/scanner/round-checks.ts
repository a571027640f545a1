// The checks the detection rounds' tests share: a tool is quiet, or caught by one rule at
// medium or higher with a reason and evidence a user can read; with its server's siblings
// beside it when given, as the daemon scans a catalogue. Rules alone (rules-only.ts).
import assert from 'node:assert/strict';
import { scanTool, scanToolList, type ToolScan } from './rules-only.ts';

type Tool = Record<string, unknown>;

export const flagged = (r: ToolScan) => ['medium', 'high', 'critical'].includes(r.risk);
export const rules = (r: ToolScan) => r.findings.map((f) => `${f.rule}:${f.severity}`).join(', ');
const scanned = (tool: Tool, siblings: Tool[]) => (siblings.length ? scanToolList([tool, ...siblings])[0]! : scanTool(tool));

export function quiet(tool: Tool, siblings: Tool[] = []): ToolScan {
  const r = scanned(tool, siblings);
  assert.ok(!flagged(r), `${String(tool.name)} flagged: ${rules(r)}`);
  return r;
}

export function caughtBy(tool: Tool, rule: string, siblings: Tool[] = []): ToolScan['findings'][number] {
  const r = scanned(tool, siblings);
  const f = r.findings.find((x) => x.rule === rule && x.severity !== 'low');
  assert.ok(flagged(r) && f, `${String(tool.name)} not flagged by ${rule}: ${rules(r)}`);
  assert.ok(f.message.length > 20 && f.evidence.length > 0, `${rule} has no reason or evidence`);
  return f;
}
