import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { parseArgs, type ParseArgsOptionsConfig } from 'node:util';
import { z } from 'zod';
import { BundleError, DEMO_BUNDLE_PATH, loadBundleFile } from '../config/bundle-file.ts';
import { defaultDataDir, ensureDataDir } from '../config/data-dir.ts';
import { createGateway, startDaemon } from '../daemon.ts';
import { serveLineStream } from '../downstream/line-session.ts';
import { ControlClient, runningDaemon } from './daemon-client.ts';
import { formatStatus } from './format-status.ts';
import { PendingChangeSchema } from '../../shared/pinning/pending.ts';
import { formatPending } from './format-pending.ts';
import { decideCommand } from './decide-command.ts';
import { pinBundle } from './pin-command.ts';
import { readScanSource, ScanInputError, scanInput, scanReport } from './scan-command.ts';
import { CLIENTS, type ClientName } from '../connect/clients.ts';
import { applyPlan, ConnectError, daemonEnv, planConnect, planSnippet, planUndo } from '../connect/connect.ts';
import { INSTALL_ROOT } from '../config/install-root.ts';
import { AuditLog } from '../audit/log.ts';
import { secretsCommand } from './secrets-command.ts';
import { serverCommand } from './server-command.ts';
import { agentRequestsCommand } from './agent-requests-command.ts';
import { runBridge } from './stdio-bridge.ts';
import { keyFingerprint } from '../../shared/bundle/envelope.ts';
import { enrol } from '../org/enrol.ts';
import { loginToOrg } from '../org/oidc-login.ts';
import { orgConfigPath, readOrgConfig, type OrgConfig } from '../org/org-config.ts';
import { chooseBackend } from '../secrets/vault.ts';
import { unenrol } from '../org/unenrol.ts';
import { existsSync } from 'node:fs';
import { suggestion } from './did-you-mean.ts';
import { portHolder } from './port-holder.ts';
import { selfCommand, withSelf } from './self-command.ts';
import { dashboardLink } from './dashboard-command.ts';

const USAGE = `gatehouse — a governed MCP multiplexer for your IDE agents

Usage:
  gatehouse daemon [--data-dir DIR] [--port N] [--bundle FILE] [--print-token]
  gatehouse stdio [--agent NAME] [--data-dir DIR] [--no-start]
  gatehouse stdio --standalone [--bundle FILE] [--agent NAME] [--data-dir DIR]
  gatehouse status [--data-dir DIR] [--json]
  gatehouse dashboard [--no-browser] [--data-dir DIR]   open the dashboard, signed in (a one-time link)
  gatehouse token create|revoke --agent NAME [--data-dir DIR]
  gatehouse token list [--data-dir DIR]
  gatehouse token requests | allow ID [--agent NAME] | deny ID   answer an IDE that connects with OAuth
  gatehouse reload [--data-dir DIR]
  gatehouse server enable|disable|restart ID [--data-dir DIR]   switch a server off or on here, or restart it
  gatehouse pending [--json] [--data-dir DIR]
  gatehouse approve ID [--reason TEXT] [--data-dir DIR]
  gatehouse reject ID [--reason TEXT] [--data-dir DIR]
  gatehouse reopen ID [--reason TEXT] [--data-dir DIR]   undo a rejection: the change is pending again
  gatehouse enroll URL --token TOKEN [--fingerprint FP | --trust-on-first-use] [--data-dir DIR]
  gatehouse unenroll [--data-dir DIR]        leave the org (the daemon must be stopped); the org sees the device revoked
  gatehouse login [--no-browser]             sign in to your org (OIDC), for group-based policies
  gatehouse login SERVER [--no-browser]      sign in to an OAuth-protected server
  gatehouse sync [--data-dir DIR]            fetch the org's bundle now
  gatehouse connect claude-desktop|claude-code|cursor|vscode|windsurf [--dry-run] [--undo] [--config FILE]
  gatehouse scan FILE|-
  gatehouse audit verify [--data-dir DIR]
  gatehouse audit export [--since ISO-TIME] [--format jsonl] [--data-dir DIR]
  gatehouse secrets list | set SERVER/SLOT | rotate SERVER/SLOT | delete SERVER/SLOT   (values on stdin)
  gatehouse pin [--bundle FILE] [--server ID]... [--write [--force]]

Without --bundle, the embedded demo bundle (resources/demo-bundle.json) is used.
The data dir defaults to the OS app-data folder + /gatehouse ($GATEHOUSE_DATA_DIR overrides).
The port defaults to 7465 ($GATEHOUSE_PORT overrides; 0 picks a free one).
`;

export const DEFAULT_PORT = 7465;

class UsageError extends Error {}

const COMMANDS = ['daemon', 'stdio', 'status', 'dashboard', 'token', 'reload', 'pending', 'approve', 'reject', 'reopen', 'secrets', 'server', 'enroll', 'unenroll', 'sync', 'login', 'connect', 'audit', 'scan', 'pin', 'help'] as const;
/** Unreadable input: exit 2 with a clear message (the scan contract). */
class InputError extends Error {}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const { values, positionals } = parseCommandLine(rest, {
      'data-dir': { type: 'string' },
      port: { type: 'string' },
      bundle: { type: 'string' },
      'print-token': { type: 'boolean' },
      agent: { type: 'string' },
      standalone: { type: 'boolean' },
      'no-start': { type: 'boolean' },
      'no-browser': { type: 'boolean' },
      'dry-run': { type: 'boolean' },
      undo: { type: 'boolean' },
      config: { type: 'string' },
      since: { type: 'string' },
      format: { type: 'string' },
      json: { type: 'boolean' },
      reason: { type: 'string' },
      write: { type: 'boolean' },
      force: { type: 'boolean' },
      server: { type: 'string', multiple: true },
      token: { type: 'string' },
      fingerprint: { type: 'string' },
      'trust-on-first-use': { type: 'boolean' },
      name: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
  });
  if (!command || command === 'help' || command === '--help' || command === '-h' || values.help) {
    process.stdout.write(USAGE.replace(/^( {2})gatehouse /gm, `$1${selfCommand()} `));
    return 0;
  }
  const dataDir = values['data-dir'] ?? defaultDataDir();
  const bundlePath = values.bundle ?? DEMO_BUNDLE_PATH;
  switch (command) {
    case 'daemon': return daemon(dataDir, bundlePath, values.port, values['print-token'] ?? false, values.bundle !== undefined);
    case 'stdio':
      if (values.standalone) {
        const org = readOrgConfig(dataDir);
        if (org) throw new UsageError(`this data dir is enrolled in org "${org.org}": its bundle comes from the org, so run the daemon (\`gatehouse stdio\` without --standalone)`);
        return standalone(dataDir, bundlePath, values.agent ?? 'stdio');
      }
      await runBridge(dataDir, values.agent ?? 'unknown', !values['no-start']);
      return new Promise<number>(() => {}); // the bridge exits the process when the socket closes
    case 'status': {
      const status = await (await ControlClient.forDataDir(dataDir)).status();
      process.stdout.write(values.json ? `${JSON.stringify(status, null, 2)}\n` : formatStatus(status));
      return 0;
    }
    case 'dashboard': {
      const url = await dashboardLink(await ControlClient.forDataDir(dataDir));
      process.stderr.write(`The dashboard, signed in (the link works once, for a minute):\n  ${url}\n`);
      if (!values['no-browser']) openBrowser(url);
      return 0;
    }
    case 'token': return token(dataDir, positionals[0], values.agent, positionals[1]);
    case 'reload': {
      const client = await ControlClient.forDataDir(dataDir);
      const result = await client.call('POST', '/bundle/reload', z.object({ ok: z.boolean(), version: z.number().optional(), error: z.string().optional() }));
      if (!result.ok) throw new BundleError(result.error ?? 'reload failed');
      process.stdout.write(`bundle reloaded (version ${result.version})\n`);
      return 0;
    }
    case 'pending': {
      const client = await ControlClient.forDataDir(dataDir);
      const r = await client.call('GET', '/pending', z.object({ pending: z.array(PendingChangeSchema), trustOnFirstUse: z.boolean(), personal: z.boolean().optional() }));
      process.stdout.write(values.json ? `${JSON.stringify(r.pending, null, 2)}\n` : formatPending(r.pending, { personal: r.personal ?? false }));
      return 0;
    }
    case 'approve':
    case 'reject':
    case 'reopen': {
      const id = positionals[0];
      if (!id) throw new UsageError(`${command} needs the id of a ${command === 'reopen' ? 'rejected' : 'pending'} change (see \`gatehouse pending\`)`);
      const client = await ControlClient.forDataDir(dataDir);
      process.stdout.write(await decideCommand(client, { command, id, reason: values.reason, terminal: process.stdin.isTTY === true }));
      return 0;
    }
    case 'server': {
      const client = await ControlClient.forDataDir(dataDir);
      process.stdout.write(await serverCommand(client, positionals[0], positionals[1]));
      return 0;
    }
    case 'secrets': {
      const client = await ControlClient.forDataDir(dataDir);
      process.stdout.write(await secretsCommand(client, positionals[0], positionals[1]));
      return 0;
    }
    case 'enroll': {
      const url = positionals[0];
      if (!url) throw new UsageError('enroll needs the sync endpoint URL your admin gave you');
      if (!values.token) throw new UsageError('enroll needs --token (from `gatehouse-admin enroll-token`)');
      ensureDataDir(dataDir);
      const existing = readOrgConfig(dataDir);
      if (existing?.deviceId) throw new UsageError(`already enrolled in org "${existing.org}" (${existing.syncUrl}); remove ${orgConfigPath(dataDir)} to leave it`);
      let config: OrgConfig;
      if (await runningDaemon(dataDir)) {
        // The running daemon enrols and switches to the org's bundle at once.
        const client = await ControlClient.forDataDir(dataDir);
        let fingerprint = values.fingerprint;
        if (!fingerprint) {
          if (!values['trust-on-first-use']) throw new UsageError('give --fingerprint (from your admin), or --trust-on-first-use');
          fingerprint = (await client.call('GET', `/org/preview?url=${encodeURIComponent(url)}`, z.object({ fingerprints: z.array(z.string()) }))).fingerprints[0];
        }
        await client.call('POST', '/org/enroll', z.object({ org: z.string() }), { url, token: values.token, fingerprint });
        config = readOrgConfig(dataDir)!;
      } else {
        config = await enrol(dataDir, url, chooseBackend(dataDir), { token: values.token, ...(values.fingerprint ? { fingerprint: values.fingerprint } : {}), trustOnFirstUse: values['trust-on-first-use'] ?? false, ...(values.name ? { name: values.name } : {}) });
      }
      process.stdout.write(`enrolled in ${config.name ?? config.org} as device ${config.deviceId}\n`);
      process.stdout.write(`pinned org keys: ${config.rootKeys.map((k) => `${k.keyId} ${keyFingerprint(k.publicKey)}`).join(', ')}\n`);
      if (config.oidc) process.stdout.write('next: `gatehouse login` to sign in to your org\n');
      return 0;
    }
    case 'unenroll': {
      if (await runningDaemon(dataDir)) throw new UsageError('stop the daemon first: it governs with the org\'s bundle until it restarts');
      const left = await unenrol(dataDir, chooseBackend(dataDir));
      process.stdout.write(`left org "${left.org}"${left.deviceId ? ` (device ${left.deviceId})` : ''}; the next daemon start runs your own bundle\n`);
      if (left.told) process.stderr.write(`the org was not told (${left.told}): ask your admin to revoke this device in the console\n`);
      return 0;
    }
    case 'sync': {
      const client = await ControlClient.forDataDir(dataDir);
      const result = await client.call('POST', '/bundle/reload', z.object({ ok: z.boolean(), version: z.number().optional(), error: z.string().optional(), lastRejection: z.string().optional() }));
      if (!result.ok) throw new BundleError(result.error ?? 'sync failed');
      process.stdout.write(`bundle version ${result.version} in force${result.lastRejection ? `; the last bundle refused: ${result.lastRejection}` : ''}\n`);
      return 0;
    }
    case 'login': {
      const serverId = positionals[0];
      if (!serverId) {
        const org = readOrgConfig(dataDir);
        if (!org) throw new UsageError('login without a server signs in to your org, but this desktop is not enrolled (`gatehouse enroll`); to sign in to a server, name it');
        const identity = await loginToOrg(org, chooseBackend(dataDir), (url) => {
          process.stderr.write(`Sign in to ${org.name ?? org.org} in your browser:\n  ${url.href}\n`);
          if (!values['no-browser']) openBrowser(url.href);
        });
        process.stdout.write(`signed in as ${identity.user}${identity.groups.length ? ` (groups: ${identity.groups.join(', ')})` : ''}\n`);
        if (await runningDaemon(dataDir)) {
          const reloaded = await (await ControlClient.forDataDir(dataDir)).call('POST', '/identity/reload', z.object({ user: z.string(), problem: z.string().nullable() }));
          if (reloaded.problem) process.stderr.write(`the daemon could not verify the login: ${reloaded.problem}\n`);
        }
        return 0;
      }
      const client = await ControlClient.forDataDir(dataDir);
      const started = await client.call('POST', `/oauth/${encodeURIComponent(serverId)}/login`, z.object({ id: z.string(), authorizationUrl: z.string() }));
      process.stderr.write(`Sign in to "${serverId}" in your browser:\n  ${started.authorizationUrl}\n`);
      if (!values['no-browser']) openBrowser(started.authorizationUrl);
      const done = await client.call('GET', `/oauth/logins/${started.id}`, z.object({ ok: z.boolean(), error: z.string().optional() }));
      if (!done.ok) throw new Error(done.error ?? 'sign-in failed');
      process.stdout.write(`signed in; "${serverId}" restarts with its token\n`);
      return 0;
    }
    case 'connect': {
      const client = positionals[0] as ClientName | undefined;
      if (!client || !(CLIENTS as readonly string[]).includes(client)) throw new UsageError(`connect needs one of: ${CLIENTS.join(', ')}${client ? suggestion(client, CLIENTS) : ''}`);
      // The IDE starts the bridge without this shell's environment: carry what picks the daemon.
      const launcher = { command: process.execPath, args: [join(INSTALL_ROOT, 'bin', 'gatehouse.js'), ...(values['data-dir'] ? ['--data-dir', values['data-dir']] : [])], env: daemonEnv(process.env) };
      let plan;
      try {
        plan = values.undo ? planUndo(client, values.config) : planConnect(client, launcher, values.config);
      } catch (err) {
        if (!(err instanceof ConnectError)) throw err;
        const snippet = planSnippet(client, launcher);
        throw new InputError(`${err.message}\n\nThe entry to add by hand:\n${snippet}`);
      }
      process.stdout.write(`${plan.label}: ${plan.path}\n`);
      if (values['dry-run']) {
        process.stdout.write(plan.status === 'unchanged' ? 'nothing to change\n' : plan.status === 'remove' ? 'would remove the file (Gatehouse created it)\n' : `would write:\n${plan.content}`);
        return 0;
      }
      const done = applyPlan(plan);
      if (done.status === 'unchanged') process.stdout.write(values.undo ? 'Gatehouse is not in this file; nothing to undo\n' : 'already connected; nothing changed\n');
      else {
        process.stdout.write(done.status === 'remove' ? 'removed the file Gatehouse had created\n' : `${values.undo ? 'removed Gatehouse' : 'wrote'}${done.backup ? ` (backup: ${done.backup})` : ''}\n`);
        if (!values.undo) process.stdout.write(`${plan.snippet}\nRestart ${plan.label} to pick it up. Undo with \`${selfCommand()} connect ${client} --undo\`.\n`);
      }
      return 0;
    }
    case 'audit': {
      if (positionals[0] !== 'verify' && positionals[0] !== 'export') throw new UsageError(`audit needs verify or export${positionals[0] ? suggestion(positionals[0], ['verify', 'export']) : ''}`);
      if (!existsSync(join(dataDir, 'audit.db'))) {
        throw new InputError(`no audit log in ${dataDir}: the daemon writes one there once it has run with this data dir. Give the data dir it uses with --data-dir (or GATEHOUSE_DATA_DIR).`);
      }
      // Beside a running daemon, read only: the daemon alone writes the log and its journal.
      const log = new AuditLog(dataDir, { readOnly: (await runningDaemon(dataDir)) !== undefined });
      try {
        if (positionals[0] === 'verify') {
          const r = log.verify();
          if (r.ok) { process.stdout.write(`audit log intact: ${r.records} records${r.prunedThrough ? ` (records up to #${r.prunedThrough} were pruned after the org acknowledged them; the chain continues from that checkpoint)` : ''}\n`); return 0; }
          process.stdout.write(`audit log broken at record ${r.firstBad!.id ?? r.firstBad!.seq} (seq ${r.firstBad!.seq}): ${r.firstBad!.reason}\n`);
          return 1;
        }
        if (positionals[0] === 'export') {
          if ((values.format ?? 'jsonl') !== 'jsonl') throw new UsageError('export supports --format jsonl');
          if (values.since && Number.isNaN(Date.parse(values.since))) throw new UsageError(`--since must be an ISO time, not "${values.since}"`);
          const since = values.since ? new Date(values.since).toISOString() : undefined;
          for (const record of log.since(since)) process.stdout.write(`${JSON.stringify(record)}\n`);
          return 0;
        }
        throw new UsageError('audit needs verify or export');
      } finally {
        log.close();
      }
    }
    case 'scan': {
      const source = positionals[0];
      if (!source) throw new UsageError('scan needs a file, or - for standard input');
      let result;
      try {
        result = scanInput(readScanSource(source));
      } catch (err) {
        if (err instanceof ScanInputError) throw new InputError(err.message);
        throw err;
      }
      // The contract's fields (name, risk, findings with rule/message/evidence), plus the score and what the tool asks the model to do, in words.
      process.stdout.write(`${JSON.stringify(scanReport(result), null, 2)}\n`);
      return 0;
    }
    case 'pin': {
      ensureDataDir(dataDir);
      const reports = await pinBundle(bundlePath, dataDir, { write: values.write ?? false, force: values.force ?? false, ...(values.server ? { servers: values.server } : {}) });
      for (const r of reports) {
        process.stdout.write(`${r.server}: ${r.state}\n`);
        for (const t of r.tools) {
          process.stdout.write(`  ${t.name.padEnd(32)} ${t.hash.slice(0, 19)}…  risk ${t.risk}\n`);
          for (const f of t.findings) process.stdout.write(`      ${f}\n`);
        }
      }
      if (values.write) process.stdout.write(`pins written to ${bundlePath}\n`);
      return 0;
    }
    default:
      throw new UsageError(`unknown command "${command}"${suggestion(command, COMMANDS)}`);
  }
}

async function daemon(dataDir: string, bundlePath: string, portText: string | undefined, printToken: boolean, explicitBundle: boolean): Promise<number> {
  const port = Number(portText ?? process.env.GATEHOUSE_PORT ?? DEFAULT_PORT);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be 0-65535, not "${portText ?? process.env.GATEHOUSE_PORT}"`);
  const existing = await runningDaemon(dataDir);
  if (existing) throw new Error(`a Gatehouse daemon is already running for ${dataDir} (pid ${existing.pid}, port ${existing.port})`);
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
    void d.reload().then((r) => process.stderr.write(r.ok ? `gatehouse: bundle version ${r.version} in force${r.rejectedNow ? `; the org's newest was refused: ${r.lastRejection}` : ''}\n` : `gatehouse: kept the last good bundle: ${r.error}\n`));
  });
  return new Promise<number>(() => {});
}

async function standalone(dataDir: string, bundlePath: string, agent: string): Promise<number> {
  ensureDataDir(dataDir);
  const { gateway } = createGateway(loadBundleFile(bundlePath), { dataDir, bundlePath });
  gateway.start();
  serveLineStream(gateway, agent, process.stdin, process.stdout);
  const finish = () => void gateway.stop().then(() => process.exit(0));
  process.stdin.once('end', finish);
  process.once('SIGINT', finish);
  process.once('SIGTERM', finish);
  return new Promise<number>(() => {});
}

async function token(dataDir: string, action: string | undefined, agent: string | undefined, id?: string): Promise<number> {
  const client = await ControlClient.forDataDir(dataDir);
  if (action === 'list') {
    const r = await client.call('GET', '/agents', z.object({ tokens: z.array(z.object({ agent: z.string(), createdAt: z.string() })) }));
    for (const t of r.tokens) process.stdout.write(`${t.agent}\tcreated ${t.createdAt}\n`);
    if (r.tokens.length === 0) process.stdout.write('no agent tokens yet: `gatehouse token create --agent NAME`\n');
    return 0;
  }
  if (action === 'requests' || action === 'allow' || action === 'deny') {
    process.stdout.write(await agentRequestsCommand(client, action, id, agent));
    return 0;
  }
  if (!agent) throw new UsageError('--agent NAME is required');
  if (action === 'create') {
    const r = await client.call('POST', '/tokens', z.object({ agent: z.string(), token: z.string() }), { agent });
    process.stdout.write(`${r.token}\n`);
    process.stderr.write(`token for agent "${r.agent}" (shown once; send it as "Authorization: Bearer <token>")\n`);
    return 0;
  }
  if (action === 'revoke') {
    await client.call('DELETE', `/tokens/${encodeURIComponent(agent)}`, z.object({ revoked: z.string() }));
    process.stdout.write(`revoked the token of "${agent}"\n`);
    return 0;
  }
  throw new UsageError('token needs create, revoke, list, requests, allow or deny');
}

/** Exits once everything written to stdout and stderr has left: pipes are asynchronous, and an export can be large. */
function exitAfterFlush(code: number): void {
  process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
}

main(process.argv.slice(2)).then(
  exitAfterFlush,
  (err: unknown) => {
    const message = withSelf(err instanceof Error ? err.message : String(err));
    process.stderr.write(`gatehouse: ${message}\n`);
    if (err instanceof UsageError) process.stderr.write(`(\`${selfCommand()} help\` lists the commands and their flags)\n`);
    exitAfterFlush(2);
  },
);

/** The system browser (RFC 8252: the user's own, not an embedded view). */
function openBrowser(url: string): void {
  const [cmd, args] = process.platform === 'darwin' ? ['open', [url]] : process.platform === 'win32' ? ['cmd', ['/c', 'start', '', url]] : ['xdg-open', [url]];
  try {
    spawn(cmd, args as string[], { stdio: 'ignore', detached: true }).on('error', () => {}).unref();
  } catch {
    // No browser to open: the URL is printed above.
  }
}

/** Options, with a mistyped or incomplete flag told in our words rather than Node's parser's. */
function parseCommandLine<O extends ParseArgsOptionsConfig>(args: string[], options: O) {
  try {
    return parseArgs({ args, allowPositionals: true, options });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const flag = /'(-{1,2}[^' ]+)/.exec((err as Error).message)?.[1] ?? '';
    const names = Object.keys(options);
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') throw new UsageError(`unknown flag ${flag}${suggestion(flag.replace(/^-+/, ''), names, (n) => `--${n}`)}`);
    if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
      const name = flag.replace(/^-+/, '');
      throw new UsageError(options[name]?.type === 'boolean' ? `${flag} takes no value` : `${flag} needs a value`);
    }
    throw err;
  }
}

/** What to say when the port is taken: who holds it, and how to choose another. */
function portTaken(port: number, fromFlag: boolean): string {
  const holder = portHolder(port);
  const who = holder ? `${/gatehouse/.test(holder.command) ? 'another Gatehouse daemon' : 'another program'} (pid ${holder.pid}: ${holder.command})` : 'another program';
  const how = fromFlag ? 'pick another with --port N' : `pick another with --port N or GATEHOUSE_PORT=N`;
  return `port ${port} on 127.0.0.1 is already in use by ${who}; ${how} (0 picks a free one), or stop that process. The stdio bridge finds any port by itself; HTTP agents need the new URL.`;
}
