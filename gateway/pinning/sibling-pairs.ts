import { withSiblingChain } from '../../shared/scanner/scan.ts';
import type { ScanResult } from './scan-protocol.ts';

// Harm split over two tools of one server (shared/scanner/sibling-chain.ts), read by the gate from the whole list:
// a scan worker holds only its chunk, so it reports which siblings a tool names and the pairs are read here, before
// the tool is decided. A changed tool is also read against the pinned tools that name it, which are not scanned again
// (a rug pull of the sink).

type Tool = Record<string, unknown>;

/** A server's list as the gate keeps it for one evaluation; its by-name index is built once a tool names a sibling. */
export interface ServerList {
  tools: readonly Tool[];
  byName?: Map<string, Tool>;
}

export function withPairs(list: ServerList, tool: Tool, scanned: ScanResult, changed: boolean): ScanResult {
  if (scanned.mentions?.length === 0 && !changed) return scanned;
  try {
    return withSiblingChain(scanned, tool, (n) => siblingNamed(list, n), changed ? list.tools : undefined);
  } catch {
    // A sibling no reading can walk costs this reading, never the tool's decision (the scan already judged it).
    return scanned;
  }
}

/** The first definition of a name, as scanToolList finds it. */
function siblingNamed(list: ServerList, name: string): Tool | undefined {
  if (!list.byName) {
    list.byName = new Map();
    for (const t of list.tools) if (typeof t.name === 'string' && !list.byName.has(t.name)) list.byName.set(t.name, t);
  }
  return list.byName.get(name);
}
