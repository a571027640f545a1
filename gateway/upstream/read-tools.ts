import { join } from 'node:path';
import type { BundleServer, Settings } from '../../shared/bundle/schema.ts';
import { createChannel } from './launch.ts';
import { RotatingLog } from './stderr-log.ts';
import { Upstream } from './upstream.ts';

export type ToolRead = { ok: true; tools: Record<string, unknown>[]; instructions: string | undefined } | { ok: false; error: string };

/**
 * Connects to one server, reads its whole tool list, and disconnects. Used where
 * tools are pinned (`gatehouse pin`, `gatehouse-admin approve`): no gateway, no
 * agents, one attempt and no restarts.
 */
export async function readTools(
  server: BundleServer,
  ctx: { settings: Settings; vars: Record<string, string>; logDir: string; credentials?: Record<string, string> },
): Promise<ToolRead> {
  const log = new RotatingLog(join(ctx.logDir, `${server.id}.log`));
  return new Promise<ToolRead>((resolve) => {
    let done = false;
    const finish = (result: ToolRead) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      void upstream
        .stop()
        .then(() => log.close())
        .then(() => resolve(result));
    };
    const upstream: Upstream = new Upstream({
      server,
      callTimeoutMs: ctx.settings.callTimeoutMs,
      startTimeoutMs: ctx.settings.startTimeoutMs,
      restart: ctx.settings.restart,
      makeChannel: () =>
        createChannel(server, { settings: ctx.settings, vars: ctx.vars, env: process.env, log, ...(ctx.credentials ? { credentials: ctx.credentials } : {}) }),
      clientInfo: { name: 'gatehouse-pin', version: '0.1.0' },
      listener: {
        onNotification() {},
        onServerRequest() {},
        onCatalogChanged() {},
        onStateChanged(u) {
          if (u.state === 'ready') finish({ ok: true, tools: [...u.catalog.tools], instructions: u.instructions });
          else if (u.state === 'backoff' || u.state === 'failed')
            finish({
              ok: false,
              error: `${u.state}: ${u.lastError ?? 'no reason given'}${log.tail.length ? `; stderr: ${log.tail.slice(-3).join(' | ')}` : ''}`,
            });
        },
      },
    });
    const timer = setTimeout(() => finish({ ok: false, error: `did not start within ${ctx.settings.startTimeoutMs} ms` }), ctx.settings.startTimeoutMs + 1000);
    upstream.start();
  });
}
