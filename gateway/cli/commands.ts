import { join } from 'node:path';
import { z } from 'zod';
import { BundleError } from '../config/bundle-file.ts';
import { ensureDataDir } from '../config/data-dir.ts';
import { ControlClient, runningDaemon } from './daemon-client.ts';
import { formatStatus } from './format-status.ts';
import { AgentsAnswer, CreatedTokenAnswer, PendingAnswer, ReloadAnswer, routePath } from '../../shared/control/routes.ts';
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
import { unenroll as leaveOrg } from '../org/unenroll.ts';
import { keyFingerprint } from '../../shared/bundle/envelope.ts';
import { enroll as enrollDevice } from '../org/enroll.ts';
import { loginToOrg } from '../org/oidc-login.ts';
import { orgConfigPath, readOrgConfig, type OrgConfig } from '../org/org-config.ts';
import { chooseBackend } from '../secrets/vault.ts';
import { existsSync } from 'node:fs';
import { suggestion } from './did-you-mean.ts';
import { selfCommand } from './self-command.ts';
import { dashboardLink } from './dashboard-command.ts';
import { InputError, openBrowser, UsageError, type CommandContext } from './command-kit.ts';

// The commands that talk to a running daemon or work on files, one small function each.
// command-table.ts loads this module only for them: the daemon and the bridge never do.

export async function status({ dataDir, values }: CommandContext): Promise<number> {
  const status = await (await ControlClient.forDataDir(dataDir)).status();
  process.stdout.write(values.json ? `${JSON.stringify(status, null, 2)}\n` : formatStatus(status));
  return 0;
}

export async function dashboard({ dataDir, values }: CommandContext): Promise<number> {
  const url = await dashboardLink(await ControlClient.forDataDir(dataDir));
  process.stderr.write(`The dashboard, signed in (the link works once, for a minute):\n  ${url}\n`);
  if (!values['no-browser']) openBrowser(url);
  return 0;
}

export async function tokenCommand({ dataDir, values, positionals }: CommandContext): Promise<number> {
  return token(dataDir, positionals[0], values.agent, positionals[1]);
}

export async function server({ dataDir, positionals }: CommandContext): Promise<number> {
  const client = await ControlClient.forDataDir(dataDir);
  process.stdout.write(await serverCommand(client, positionals[0], positionals[1]));
  return 0;
}

export async function unenroll({ dataDir }: CommandContext): Promise<number> {
  if (await runningDaemon(dataDir)) throw new UsageError("stop the daemon first: it governs with the org's bundle until it restarts");
  const left = await leaveOrg(dataDir, chooseBackend(dataDir));
  process.stdout.write(`left org "${left.org}"${left.deviceId ? ` (device ${left.deviceId})` : ''}; the next daemon start runs your own bundle\n`);
  if (left.told) process.stderr.write(`the org was not told (${left.told}): ask your admin to revoke this device in the console\n`);
  return 0;
}

export async function reload({ dataDir }: CommandContext): Promise<number> {
  const client = await ControlClient.forDataDir(dataDir);
  const result = await client.call('POST', routePath('reloadBundle'), ReloadAnswer);
  if (!result.ok) throw new BundleError(result.error ?? 'reload failed');
  process.stdout.write(`bundle reloaded (version ${result.version})\n`);
  return 0;
}

export async function pending({ dataDir, values }: CommandContext): Promise<number> {
  const client = await ControlClient.forDataDir(dataDir);
  const r = await client.call('GET', routePath('pending'), PendingAnswer);
  process.stdout.write(values.json ? `${JSON.stringify(r.pending, null, 2)}\n` : formatPending(r.pending, { personal: r.personal ?? false }));
  return 0;
}

export async function decide({ command, dataDir, values, positionals }: CommandContext): Promise<number> {
  const id = positionals[0];
  if (!id) throw new UsageError(`${command} needs the id of a ${command === 'reopen' ? 'rejected' : 'pending'} change (see \`gatehouse pending\`)`);
  const client = await ControlClient.forDataDir(dataDir);
  process.stdout.write(
    await decideCommand(client, { command: command as 'approve' | 'reject' | 'reopen', id, reason: values.reason, terminal: process.stdin.isTTY === true }),
  );
  return 0;
}

export async function secrets({ dataDir, positionals }: CommandContext): Promise<number> {
  const client = await ControlClient.forDataDir(dataDir);
  process.stdout.write(await secretsCommand(client, positionals[0], positionals[1]));
  return 0;
}

export async function enroll({ dataDir, values, positionals }: CommandContext): Promise<number> {
  const url = positionals[0];
  if (!url) throw new UsageError('enroll needs the sync endpoint URL your admin gave you');
  if (!values.token) throw new UsageError('enroll needs --token (from `gatehouse-admin enroll-token`)');
  ensureDataDir(dataDir);
  const existing = readOrgConfig(dataDir);
  if (existing?.deviceId) throw new UsageError(`already enrolled in org "${existing.org}" (${existing.syncUrl}); remove ${orgConfigPath(dataDir)} to leave it`);
  let config: OrgConfig;
  if (await runningDaemon(dataDir)) {
    // The running daemon enrolls and switches to the org's bundle at once.
    const client = await ControlClient.forDataDir(dataDir);
    let fingerprint = values.fingerprint;
    if (!fingerprint) {
      if (!values['trust-on-first-use']) throw new UsageError('give --fingerprint (from your admin), or --trust-on-first-use');
      fingerprint = (await client.call('GET', `${routePath('orgPreview')}?url=${encodeURIComponent(url)}`, z.object({ fingerprints: z.array(z.string()) })))
        .fingerprints[0];
    }
    await client.call('POST', routePath('enroll'), z.object({ org: z.string() }), { url, token: values.token, fingerprint });
    config = readOrgConfig(dataDir)!;
  } else {
    config = await enrollDevice(dataDir, url, chooseBackend(dataDir), {
      token: values.token,
      ...(values.fingerprint ? { fingerprint: values.fingerprint } : {}),
      trustOnFirstUse: values['trust-on-first-use'] ?? false,
      ...(values.name ? { name: values.name } : {}),
    });
  }
  process.stdout.write(`enrolled in ${config.name ?? config.org} as device ${config.deviceId}\n`);
  process.stdout.write(`pinned org keys: ${config.rootKeys.map((k) => `${k.keyId} ${keyFingerprint(k.publicKey)}`).join(', ')}\n`);
  if (config.oidc) process.stdout.write('next: `gatehouse login` to sign in to your org\n');
  return 0;
}

export async function sync({ dataDir }: CommandContext): Promise<number> {
  const client = await ControlClient.forDataDir(dataDir);
  const result = await client.call('POST', routePath('reloadBundle'), ReloadAnswer);
  if (!result.ok) throw new BundleError(result.error ?? 'sync failed');
  process.stdout.write(`bundle version ${result.version} in force${result.lastRejection ? `; the last bundle refused: ${result.lastRejection}` : ''}\n`);
  return 0;
}

export async function login({ dataDir, values, positionals }: CommandContext): Promise<number> {
  const serverId = positionals[0];
  if (!serverId) {
    const org = readOrgConfig(dataDir);
    if (!org)
      throw new UsageError(
        'login without a server signs in to your org, but this desktop is not enrolled (`gatehouse enroll`); to sign in to a server, name it',
      );
    const identity = await loginToOrg(org, chooseBackend(dataDir), (url) => {
      process.stderr.write(`Sign in to ${org.name ?? org.org} in your browser:\n  ${url.href}\n`);
      if (!values['no-browser']) openBrowser(url.href);
    });
    process.stdout.write(`signed in as ${identity.user}${identity.groups.length ? ` (groups: ${identity.groups.join(', ')})` : ''}\n`);
    if (await runningDaemon(dataDir)) {
      const reloaded = await (
        await ControlClient.forDataDir(dataDir)
      ).call('POST', routePath('reloadIdentity'), z.object({ user: z.string(), problem: z.string().nullable() }));
      if (reloaded.problem) process.stderr.write(`the daemon could not verify the login: ${reloaded.problem}\n`);
    }
    return 0;
  }
  const client = await ControlClient.forDataDir(dataDir);
  const started = await client.call('POST', routePath('oauthLogin', { server: serverId }), z.object({ id: z.string(), authorizationUrl: z.string() }));
  process.stderr.write(`Sign in to "${serverId}" in your browser:\n  ${started.authorizationUrl}\n`);
  if (!values['no-browser']) openBrowser(started.authorizationUrl);
  const done = await client.call('GET', routePath('oauthWait', { login: started.id }), z.object({ ok: z.boolean(), error: z.string().optional() }));
  if (!done.ok) throw new Error(done.error ?? 'sign-in failed');
  process.stdout.write(`signed in; "${serverId}" restarts with its token\n`);
  return 0;
}

export async function connect({ values, positionals }: CommandContext): Promise<number> {
  const client = positionals[0] as ClientName | undefined;
  if (!client || !(CLIENTS as readonly string[]).includes(client))
    throw new UsageError(`connect needs one of: ${CLIENTS.join(', ')}${client ? suggestion(client, CLIENTS) : ''}`);
  // The IDE starts the bridge without this shell's environment: carry what picks the daemon.
  const launcher = {
    command: process.execPath,
    args: [join(INSTALL_ROOT, 'bin', 'gatehouse.js'), ...(values['data-dir'] ? ['--data-dir', values['data-dir']] : [])],
    env: daemonEnv(process.env),
  };
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
    process.stdout.write(
      plan.status === 'unchanged'
        ? 'nothing to change\n'
        : plan.status === 'remove'
          ? 'would remove the file (Gatehouse created it)\n'
          : `would write:\n${plan.content}`,
    );
    return 0;
  }
  const done = applyPlan(plan);
  if (done.status === 'unchanged')
    process.stdout.write(values.undo ? 'Gatehouse is not in this file; nothing to undo\n' : 'already connected; nothing changed\n');
  else {
    process.stdout.write(
      done.status === 'remove'
        ? 'removed the file Gatehouse had created\n'
        : `${values.undo ? 'removed Gatehouse' : 'wrote'}${done.backup ? ` (backup: ${done.backup})` : ''}\n`,
    );
    if (!values.undo) process.stdout.write(`${plan.snippet}\nRestart ${plan.label} to pick it up. Undo with \`${selfCommand()} connect ${client} --undo\`.\n`);
  }
  return 0;
}

export async function audit({ dataDir, values, positionals }: CommandContext): Promise<number> {
  if (positionals[0] !== 'verify' && positionals[0] !== 'export')
    throw new UsageError(`audit needs verify or export${positionals[0] ? suggestion(positionals[0], ['verify', 'export']) : ''}`);
  if (!existsSync(join(dataDir, 'audit.db'))) {
    throw new InputError(
      `no audit log in ${dataDir}: the daemon writes one there once it has run with this data dir. Give the data dir it uses with --data-dir (or GATEHOUSE_DATA_DIR).`,
    );
  }
  // Beside a running daemon, read only: the daemon alone writes the log and its journal.
  const log = new AuditLog(dataDir, { readOnly: (await runningDaemon(dataDir)) !== undefined });
  try {
    if (positionals[0] === 'verify') {
      const r = log.verify();
      if (r.ok) {
        process.stdout.write(
          `audit log intact: ${r.records} records${r.prunedThrough ? ` (records up to #${r.prunedThrough} were pruned after the org acknowledged them; the chain continues from that checkpoint)` : ''}\n`,
        );
        return 0;
      }
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

export async function scan({ positionals }: CommandContext): Promise<number> {
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

export async function pin({ dataDir, bundlePath, values }: CommandContext): Promise<number> {
  ensureDataDir(dataDir);
  const reports = await pinBundle(bundlePath, dataDir, {
    write: values.write ?? false,
    force: values.force ?? false,
    ...(values.server ? { servers: values.server } : {}),
  });
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

async function token(dataDir: string, action: string | undefined, agent: string | undefined, id?: string): Promise<number> {
  const client = await ControlClient.forDataDir(dataDir);
  if (action === 'list') {
    const r = await client.call('GET', routePath('agents'), AgentsAnswer);
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
    const r = await client.call('POST', routePath('createToken'), CreatedTokenAnswer, { agent });
    process.stdout.write(`${r.token}\n`);
    process.stderr.write(`token for agent "${r.agent}" (shown once; send it as "Authorization: Bearer <token>")\n`);
    return 0;
  }
  if (action === 'revoke') {
    await client.call('DELETE', routePath('revokeToken', { agent }), z.object({ revoked: z.string() }));
    process.stdout.write(`revoked the token of "${agent}"\n`);
    return 0;
  }
  throw new UsageError('token needs create, revoke, list, requests, allow or deny');
}
