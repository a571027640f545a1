// The check every round's attack review shares (fifteenth-round-review.json, sixteenth-round-review.json): a helper's
// honest tools in public servers' styles stay quiet, and its attacks with their evasion undone stay flagged. Judged as the
// daemon judges them (as shipped, the learned model included): a list beside its siblings, a tool alone.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { scanTool, scanToolList } from '../../shared/scanner/scan.ts';

type Tool = Record<string, unknown>;

/** The rules alone, as a round's own tests judge its readings. */
export const flagged = (t: Tool) => ['medium', 'high', 'critical'].includes(scanTool(t, { learned: false }).risk);
export const rules = (t: Tool) => scanTool(t, { learned: false }).findings.map((f) => `${f.rule}:${f.severity}`);

/** Each attack flagged, and each honest twin quiet (by default: not flagged at all). */
export function attacksAndTwins(attacks: Tool[], twins: Tool[], quiet = (t: Tool) => !flagged(t)): void {
  for (const t of attacks)
    it(`flags ${String(t.name)}`, () => {
      assert.ok(flagged(t), rules(t).join(', '));
    });
  for (const t of twins)
    it(`is quiet on the honest ${String(t.name)}`, () => {
      assert.ok(quiet(t), rules(t).join(', '));
    });
}
interface Review {
  falseAlarms: { style: string; tools: Tool | Tool[] }[];
  controls: { reading: string; tools: Tool | Tool[] }[];
}

const anyFlagged = (t: Tool | Tool[]) => (Array.isArray(t) ? scanToolList(t) : [scanTool(t)]).some((s) => ['medium', 'high', 'critical'].includes(s.risk));

export function describeReview(title: string, file: URL): void {
  const review = JSON.parse(readFileSync(file, 'utf8')) as Review;
  describe(title, () => {
    it("stays quiet on honest tools in public servers' styles", () => {
      assert.deepEqual(
        review.falseAlarms.filter((c) => anyFlagged(c.tools)).map((c) => c.style),
        [],
      );
    });
    it('flags the attacks with their evasion undone', () => {
      assert.deepEqual(
        review.controls.filter((c) => !anyFlagged(c.tools)).map((c) => c.reading),
        [],
      );
    });
  });
}
