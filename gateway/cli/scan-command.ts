import { readFileSync } from 'node:fs';
import { scanTool, scanToolList, type ToolScan } from '../../shared/scanner/scan.ts';

export class ScanInputError extends Error {}

type Tool = Record<string, unknown>;
const isTool = (v: unknown): v is Tool => typeof v === 'object' && v !== null && !Array.isArray(v) && typeof (v as Tool).name === 'string';

/**
 * Reads a tools/list result (`{"tools":[…]}`, a JSON-RPC response around one, or a
 * bare array of tools), or JSON Lines of tools, and scans them. Tools in one list
 * are each other's siblings; JSON Lines entries are grouped by their "server" field.
 */
export function scanInput(text: string): { tools: ToolScan[] } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { tools: scanLines(text) };
  }
  const list = Array.isArray(parsed)
    ? parsed
    : Array.isArray((parsed as { tools?: unknown }).tools)
      ? (parsed as { tools: unknown[] }).tools
      : Array.isArray((parsed as { result?: { tools?: unknown } }).result?.tools)
        ? (parsed as { result: { tools: unknown[] } }).result.tools
        : isTool(parsed)
          ? [parsed]
          : isTool((parsed as { tool?: unknown }).tool)
            ? [(parsed as { tool: Tool }).tool]
            : undefined;
  if (!list) throw new ScanInputError('input must be a tools/list result ({"tools":[…]}), an array of tools, or JSON Lines of tools');
  const bad = list.findIndex((t) => !isTool(t));
  if (bad >= 0) throw new ScanInputError(`tool #${bad} has no "name": each tool must be an object with a name`);
  return { tools: scanToolList(list as Tool[]) };
}

function scanLines(text: string): ToolScan[] {
  const groups = new Map<string, Tool[]>();
  const order: { group: string; index: number }[] = [];
  text.split('\n').forEach((line, n) => {
    if (!line.trim()) return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (err) {
      throw new ScanInputError(`line ${n + 1} is not JSON: ${(err as Error).message}`);
    }
    const tool = isTool(value) ? value : isTool((value as { tool?: unknown }).tool) ? (value as { tool: Tool }).tool : undefined;
    if (!tool) throw new ScanInputError(`line ${n + 1} is neither a tool nor an object with a "tool"`);
    const server = typeof (value as { server?: unknown }).server === 'string' ? (value as { server: string }).server : `#${n}`;
    const list = groups.get(server) ?? [];
    order.push({ group: server, index: list.length });
    list.push(tool);
    groups.set(server, list);
  });
  const scanned = new Map([...groups].map(([g, tools]) => [g, tools.length === 1 ? [scanTool(tools[0]!)] : scanToolList(tools)]));
  return order.map((o) => scanned.get(o.group)![o.index]!);
}

export function readScanSource(source: string): string {
  try {
    return readFileSync(source === '-' ? 0 : source, 'utf8');
  } catch (err) {
    throw new ScanInputError(`cannot read ${source === '-' ? 'standard input' : source}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

/**
 * The report `gatehouse scan` prints: per tool its risk, its 0–10 score, one line
 * saying what the tool asks the model to do (the plain-words reasons of its
 * findings of medium or higher), and every finding with its evidence.
 */
export function scanReport(result: { tools: ToolScan[] }): {
  tools: {
    name: string;
    risk: string;
    score: number;
    asks: string[];
    findings: { rule: string; severity: string; message: string; evidence: string; path: string }[];
  }[];
} {
  return {
    tools: result.tools.map((t) => ({
      name: t.name,
      risk: t.risk,
      score: t.score,
      asks: [...new Set(t.findings.filter((f) => f.severity !== 'low').map((f) => f.message))],
      findings: t.findings.map((f) => ({ rule: f.rule, severity: f.severity, message: f.message, evidence: f.evidence, path: f.path })),
    })),
  };
}
