// What a desktop reports stays within the endpoint's limit, whatever its servers
// publish: big definitions are dropped first (hashes and findings stay), then
// changes; and what it reports never carries more than the change itself.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DeviceReportSchema, type DeviceReport } from '../../shared/console/device-report.ts';
import type { PendingChange } from '../../shared/pinning/pending.ts';
import { fitted, reportedChange } from './change-reporter.ts';

const hash = (c: string) => `sha256:${c.repeat(64)}`;
function change(i: number, size: number): PendingChange {
  const description = 'x'.repeat(size);
  return {
    id: `c${i}`,
    server: 's',
    tool: `t${i}`,
    exposedName: `s__t${i}`,
    kind: 'changed',
    oldHash: hash('a'),
    newHash: hash('b'),
    oldDefinition: { name: `t${i}` },
    newDefinition: { name: `t${i}`, description },
    diff: [{ path: '/description', kind: 'added', after: description }],
    findings: [],
    risk: 'critical',
    localDecision: false,
    createdAt: new Date().toISOString(),
  };
}

describe('change reporter', () => {
  it('reports the change without the local fields, and leaves out a definition over the size cap', () => {
    const r = reportedChange(change(1, 10));
    assert.equal('localDecision' in r || 'id' in r || 'exposedName' in r, false);
    assert.equal(reportedChange(change(2, 70 * 1024)).newDefinition, null);
  });

  it('fits a report within the limit, dropping definitions first, then changes', () => {
    const report: DeviceReport = {
      user: 'u',
      bundleVersion: 1,
      keys: [],
      auditBacklog: 0,
      pending: Array.from({ length: 40 }, (_, i) => reportedChange(change(i, 30 * 1024))),
    };
    const small = JSON.parse(fitted(report, 10 * 1024 * 1024)) as DeviceReport;
    assert.equal(small.pending[0]!.newDefinition?.name, 't0', 'under the limit nothing changes');
    const lean = DeviceReportSchema.parse(JSON.parse(fitted(report, 500 * 1024)));
    assert.equal(lean.pending.length, 40);
    assert.ok(lean.pending.every((c) => c.newDefinition === null && c.diff.every((d) => d.after === undefined) && c.newHash === hash('b')));
    const fewer = DeviceReportSchema.parse(JSON.parse(fitted(report, 2 * 1024)));
    assert.ok(fewer.pending.length < 40 && fitted(report, 2 * 1024).length <= 2 * 1024);
  });
});
