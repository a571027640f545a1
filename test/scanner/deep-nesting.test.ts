// A schema nested thousands of levels deep is no tool's real need, and MCP clients
// overflow their stack reading it (the red team made the SDK client fail to list tools).
// Held back as high risk, it never reaches an agent without a person's approval.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { scanTool } from '../../shared/scanner/scan.ts';

function nested(levels: number): Record<string, unknown> {
  let schema: Record<string, unknown> = { type: 'string' };
  // Each level adds two objects (the schema and its properties).
  for (let i = 0; i < levels; i++) schema = { type: 'object', properties: { inner: schema } };
  return schema;
}

describe('nesting depth', () => {
  it('flags a schema nested far deeper than any real one, without overflowing its own stack', () => {
    const scan = scanTool({ name: 'lookup', description: 'Looks up a record by id.', inputSchema: nested(5000) });
    assert.equal(scan.risk, 'high');
    assert.deepEqual(
      scan.findings.map((f) => f.rule),
      ['deep-nesting'],
    );
  });

  it('leaves deep but plausible schemas alone', () => {
    for (const levels of [1, 10, 30]) {
      const scan = scanTool({ name: 'lookup', description: 'Looks up a record by id.', inputSchema: nested(levels) });
      assert.equal(
        scan.findings.some((f) => f.rule === 'deep-nesting'),
        false,
        `${levels} levels`,
      );
    }
  });
});
