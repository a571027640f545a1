// The rule-reading tests judge the hand-written rules: the learned second opinion
// (shared/scanner/learned/, on in every real scan) is off here, so a rule's quiet
// reading or its attack twin is never passed or failed by the model instead.
// learned-wired.test.ts judges the two together.
import { scanTool as scanBoth, scanToolList as scanListBoth, type ScanContext, type ToolScan } from '../../shared/scanner/scan.ts';

export type { ToolScan };
export const scanTool = (tool: Record<string, unknown>, ctx: ScanContext = {}): ToolScan => scanBoth(tool, { ...ctx, learned: false });
export const scanToolList = (tools: readonly Record<string, unknown>[], ctx: Omit<ScanContext, 'siblings'> = {}): ToolScan[] =>
  scanListBoth(tools, { ...ctx, learned: false });
