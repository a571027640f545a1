// The check every round's attack review shares (fifteenth-round-review.json, sixteenth-round-review.json): a helper's
// honest tools in public servers' styles stay quiet, and its attacks with their evasion undone stay flagged. Judged as the
// daemon judges them (as shipped, the learned model included): a list beside its siblings, a tool alone.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { scanTool, scanToolList } from '../../shared/scanner/scan.ts';

type Tool = Record<string, unknown>;
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
