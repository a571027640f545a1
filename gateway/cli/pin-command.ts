import { readFileSync, writeFileSync } from 'node:fs';
import { toolHash } from '../../shared/pinning/hash.ts';
import { SEVERITIES } from '../../shared/scanner/rules.ts';
import { scanToolList } from '../../shared/scanner/scan.ts';
import { loadBundleFile } from '../config/bundle-file.ts';
import { createGateway } from '../daemon.ts';

export interface PinReport { server: string; state: string; tools: { name: string; hash: string; risk: string; findings: string[] }[] }

/**
 * Starts a bundle's servers in-process, reads their tools, scans them and computes
 * pins. With `write`, stores the pins in the bundle file, unless a tool scans high
 * or critical (then `force` is needed). This is the seam the admin's approve uses.
 */
export async function pinBundle(bundlePath: string, dataDir: string, opts: { write: boolean; force: boolean; servers?: string[] }): Promise<PinReport[]> {
  const bundle = loadBundleFile(bundlePath);
  const { gateway } = createGateway(bundle, { dataDir, bundlePath });
  gateway.start();
  try {
    await gateway.whenSettled();
    const reports: PinReport[] = [];
    for (const server of bundle.servers) {
      if (opts.servers && !opts.servers.includes(server.id)) continue;
      const upstream = gateway.upstreams.get(server.id);
      if (!upstream || upstream.state !== 'ready') {
        reports.push({ server: server.id, state: upstream ? `${upstream.state}: ${upstream.lastError ?? ''}` : 'not started', tools: [] });
        continue;
      }
      const scans = scanToolList(upstream.catalog.tools);
      reports.push({
        server: server.id,
        state: 'ready',
        tools: upstream.catalog.tools.map((tool, i) => ({
          name: String(tool.name),
          hash: toolHash(tool),
          risk: scans[i]!.risk,
          findings: scans[i]!.findings.filter((f) => f.severity !== 'low').map((f) => `${f.rule}: ${f.evidence}`),
        })),
      });
    }
    if (opts.write) {
      const risky = reports.flatMap((r) => r.tools.filter((t) => SEVERITIES.indexOf(t.risk as never) >= SEVERITIES.indexOf('high')).map((t) => `${r.server}/${t.name} (${t.risk})`));
      if (risky.length && !opts.force) throw new Error(`not writing pins: these tools scan high or critical: ${risky.join(', ')}. Review them, then use --force to pin anyway.`);
      const down = reports.filter((r) => r.state !== 'ready');
      if (down.length) throw new Error(`not writing pins: ${down.map((r) => `${r.server} (${r.state})`).join(', ')} did not start`);
      const raw = JSON.parse(readFileSync(bundlePath, 'utf8')) as { servers: { id: string; pins?: Record<string, string> }[] };
      for (const report of reports) {
        const entry = raw.servers.find((s) => s.id === report.server);
        if (entry) entry.pins = Object.fromEntries(report.tools.map((t) => [t.name, t.hash]));
      }
      writeFileSync(bundlePath, `${JSON.stringify(raw, null, 2)}\n`);
    }
    return reports;
  } finally {
    await gateway.stop();
  }
}
