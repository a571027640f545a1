import { loadBundleFile } from '../config/bundle-file.ts';
import { ensureDataDir } from '../config/data-dir.ts';
import { readOrgConfig } from '../org/org-config.ts';
import { InputError, UsageError, type CommandContext } from './command-kit.ts';
import { runningDaemon } from './daemon-client.ts';
import { portHolder } from './port-holder.ts';

// The commands that serve agents: the daemon, the stdio bridge and standalone mode. They
// live apart from the client commands, and load the gateway only when they run one, so
// that the bridge an IDE spawns loads the bridge alone, not the whole daemon.

export const DEFAULT_PORT = 7465;

export async function daemonCommand({ dataDir, bundlePath, values }: CommandContext): Promise<number> {
  return daemon(dataDir, bundlePath, values.port, values['print-token'] ?? false, values.bundle !== undefined);
}

export async function stdio({ dataDir, bundlePath, values }: CommandContext): Promise<number> {
  if (values.standalone) {
    const org = readOrgConfig(dataDir);
    if (org)
      throw new UsageError(
        `this data dir is enrolled in org "${org.org}": its bundle comes from the org, so run the daemon (\`gatehouse stdio\` without --standalone)`,
      );
    return standalone(dataDir, bundlePath, values.agent ?? 'stdio');
  }
  // The bridge's own module, not the daemon's: a daemon started by this file never holds it.
  const { runBridge } = await import('./stdio-bridge.ts');
  await runBridge(dataDir, values.agent ?? 'unknown', !values['no-start']);
  return new Promise<number>(() => {}); // the bridge exits the process when the socket closes
}

async function daemon(dataDir: string, bundlePath: string, portText: string | undefined, printToken: boolean, explicitBundle: boolean): Promise<number> {
  const port = Number(portText ?? process.env.GATEHOUSE_PORT ?? DEFAULT_PORT);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be 0-65535, not "${portText ?? process.env.GATEHOUSE_PORT}"`);
  const existing = await runningDaemon(dataDir);
  if (existing) throw new Error(`a Gatehouse daemon is already running for ${dataDir} (pid ${existing.pid}, port ${existing.port})`);
  const { startDaemon } = await import('../daemon.ts');
  const d = await startDaemon({ dataDir, port, bundlePath, explicitBundle }).catch((err: unknown) => {
    if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') throw new InputError(portTaken(port, portText !== undefined));
    throw err;
  });
  const ready: Record<string, unknown> = { event: 'ready', port: d.port, socket: d.socket };
  if (printToken) ready.controlToken = d.controlToken;
  process.stdout.write(`${JSON.stringify(ready)}\n`);
  const shutdown = (signal: string) => {
    process.stderr.write(`gatehouse: ${signal}, shutting down\n`);
    void d.stop().then(() => process.exit(0));
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  // Says what happened only once it has: reload() waits for the bundle to apply and never rejects.
  process.on('SIGHUP', () => {
    void d
      .reload()
      .then((r) =>
        process.stderr.write(
          r.ok
            ? `gatehouse: bundle version ${r.version} in force${r.rejectedNow ? `; the org's newest was refused: ${r.lastRejection}` : ''}\n`
            : `gatehouse: kept the last good bundle: ${r.error}\n`,
        ),
      );
  });
  return new Promise<number>(() => {});
}

async function standalone(dataDir: string, bundlePath: string, agent: string): Promise<number> {
  ensureDataDir(dataDir);
  const [{ createGateway }, { serveLineStream }] = await Promise.all([import('../daemon.ts'), import('../downstream/line-session.ts')]);
  const { gateway } = createGateway(loadBundleFile(bundlePath), { dataDir, bundlePath });
  gateway.start();
  serveLineStream(gateway, agent, process.stdin, process.stdout);
  const finish = () => void gateway.stop().then(() => process.exit(0));
  process.stdin.once('end', finish);
  process.once('SIGINT', finish);
  process.once('SIGTERM', finish);
  return new Promise<number>(() => {});
}

/** What to say when the port is taken: who holds it, and how to choose another. */
function portTaken(port: number, fromFlag: boolean): string {
  const holder = portHolder(port);
  const who = holder
    ? `${/gatehouse/.test(holder.command) ? 'another Gatehouse daemon' : 'another program'} (pid ${holder.pid}: ${holder.command})`
    : 'another program';
  const how = fromFlag ? 'pick another with --port N' : `pick another with --port N or GATEHOUSE_PORT=N`;
  return `port ${port} on 127.0.0.1 is already in use by ${who}; ${how} (0 picks a free one), or stop that process. The stdio bridge finds any port by itself; HTTP agents need the new URL.`;
}
