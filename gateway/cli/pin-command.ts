import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { pinTools, riskyTools, type PinnedTool } from '../../shared/pinning/report.ts';
import { loadBundleFile } from '../config/bundle-file.ts';
import { launchVars } from '../upstream/launch.ts';
import { readTools } from '../upstream/read-tools.ts';

export interface PinReport {
  server: string;
  state: string;
  tools: PinnedTool[];
}

/**
 * Starts a bundle's servers, reads their tools, scans them and computes pins.
 * With `write`, stores the pins in the bundle file, unless a tool scans high or
 * critical (then `force` is needed). `gatehouse-admin approve` does the same
 * through the same readTools + pinTools.
 */
export async function pinBundle(bundlePath: string, dataDir: string, opts: { write: boolean; force: boolean; servers?: string[] }): Promise<PinReport[]> {
  const bundle = loadBundleFile(bundlePath);
  const vars = launchVars(dataDir, dirname(resolve(bundlePath)));
  const chosen = bundle.servers.filter((s) => (!opts.servers || opts.servers.includes(s.id)) && s.status !== 'revoked');
  const reports = await Promise.all(
    chosen.map(async (server): Promise<PinReport> => {
      const read = await readTools(server, { settings: bundle.settings, vars, logDir: join(dataDir, 'logs') });
      return read.ok ? { server: server.id, state: 'ready', tools: pinTools(read.tools) } : { server: server.id, state: read.error, tools: [] };
    }),
  );
  if (opts.write) {
    const risky = reports.flatMap((r) => riskyTools(r.tools).map((t) => `${r.server}/${t.name} (${t.risk})`));
    if (risky.length && !opts.force)
      throw new Error(`not writing pins: these tools scan high or critical: ${risky.join(', ')}. Review them, then use --force to pin anyway.`);
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
}
