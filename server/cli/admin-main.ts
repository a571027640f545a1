import { readFileSync } from 'node:fs';
import { hostname, userInfo } from 'node:os';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { keyFingerprint } from '../../shared/bundle/envelope.ts';
import { PoliciesSchema, sandboxSummary } from '../../shared/bundle/schema.ts';
import { AuditQueryResponseSchema, VerifyReportSchema } from '../../shared/sync/contract.ts';
import { buildBundle } from '../admin/build-bundle.ts';
import { addDraft, approveServer, CatalogueError, importDraft, issueEnrollToken, RiskyTools, rotateKey, setServerStatus } from '../admin/catalogue.ts';
import { publishWorkspace } from '../admin/publish.ts';
import { openBrowser } from '../console/open-browser.ts';
import { startConsole } from '../console/server.ts';
import { callEndpoint } from '../admin/endpoint.ts';
import { Workspace, type RegistryFile } from '../admin/workspace.ts';

const USAGE = `gatehouse-admin: publish your org's MCP registry and policies

  gatehouse-admin init --org ID --name NAME [--sync URL] [--oidc-issuer URL --oidc-client ID]
  gatehouse-admin server import FILE [--id ID] [--package N | --remote N]
  gatehouse-admin server add --id ID (--npm PACKAGE[@VERSION] | --command CMD [--arg A]... | --url URL) [--name NAME]
  gatehouse-admin server approve ID [--by NAME] [--force]
  gatehouse-admin server deprecate|revoke ID
  gatehouse-admin server list
  gatehouse-admin policy set FILE          JSON: { rules, rateLimits } (and optionally profiles, agents, settings)
  gatehouse-admin keys rotate
  gatehouse-admin publish [--sync URL] [--ttl DAYS]
  gatehouse-admin enroll-token [--sync URL] [--ttl DAYS] [--label WHO]
  gatehouse-admin devices [--sync URL]
  gatehouse-admin audit query [--user U] [--tool T] [--server S] [--device D] [--outcome O] [--since ISO] [--until ISO] [--limit N] [--json]
  gatehouse-admin audit verify [--device D]
  gatehouse-admin console [--port N] [--no-browser] [--sync URL]   the admin console in your browser (loopback only)

Every command works on the workspace in --dir (default: $GATEHOUSE_ADMIN_DIR or the current folder).
`;

class UsageError extends Error {}

const options = {
  dir: { type: 'string' },
  org: { type: 'string' },
  name: { type: 'string' },
  sync: { type: 'string' },
  'oidc-issuer': { type: 'string' },
  'oidc-client': { type: 'string' },
  id: { type: 'string' },
  package: { type: 'string' },
  remote: { type: 'string' },
  npm: { type: 'string' },
  command: { type: 'string' },
  arg: { type: 'string', multiple: true },
  url: { type: 'string' },
  by: { type: 'string' },
  force: { type: 'boolean' },
  ttl: { type: 'string' },
  label: { type: 'string' },
  user: { type: 'string' },
  tool: { type: 'string' },
  server: { type: 'string' },
  device: { type: 'string' },
  outcome: { type: 'string' },
  since: { type: 'string' },
  until: { type: 'string' },
  limit: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  port: { type: 'string' },
  'no-browser': { type: 'boolean' },
} as const;

type Values = ReturnType<typeof parseArgs<{ options: typeof options; allowPositionals: true }>>['values'];

const out = (line: string) => process.stdout.write(`${line}\n`);

function readJsonArg(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new UsageError(`cannot read ${file}: ${(err as Error).message}`);
  }
}

function need<T>(value: T | undefined, what: string): T {
  if (value === undefined || value === '') throw new UsageError(`${what} is required`);
  return value;
}

function days(text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0 || n > 366) throw new UsageError(`--ttl is a number of days between 0 and 366, not "${text}"`);
  return n;
}

function syncUrl(ws: Workspace, v: Values): string {
  const url = v.sync ?? ws.org().syncUrl;
  if (!url) throw new UsageError('no sync endpoint: pass --sync URL (or set syncUrl in org.json)');
  return url;
}

async function main(argv: string[]): Promise<number> {
  const { values: v, positionals } = parseArgs({ args: argv, options, allowPositionals: true });
  const [cmd, sub, arg] = positionals;
  if (v.help || !cmd) {
    process.stdout.write(USAGE);
    return v.help ? 0 : 2;
  }
  const ws = new Workspace(resolve(v.dir ?? process.env.GATEHOUSE_ADMIN_DIR ?? '.'));
  const me = v.by ?? `${userInfo().username}@${hostname()}`;

  switch (`${cmd}${sub && ['server', 'policy', 'keys', 'audit'].includes(cmd) ? ` ${sub}` : ''}`) {
    case 'init': {
      if (ws.exists()) throw new UsageError(`${ws.orgPath} already exists`);
      const org = need(v.org, '--org');
      const key = await ws.newKey(org);
      const oidc = v['oidc-issuer'] ? { issuer: v['oidc-issuer'], clientId: need(v['oidc-client'], '--oidc-client (with --oidc-issuer)') } : null;
      ws.saveOrg({ org, name: v.name ?? org, ...(v.sync ? { syncUrl: v.sync } : {}), oidc, keys: [key] });
      ws.saveRegistry({ version: 0, drafts: [], servers: [], agents: [], policies: { rules: [], rateLimits: [] }, profiles: [], settings: {} });
      out(`created org "${org}" in ${ws.dir}`);
      out(`signing key ${key.keyId} (private key in ${ws.keysDir}, mode 0600)`);
      out(`fingerprint ${keyFingerprint(key.publicKey)}: desktops confirm this at enrollment`);
      out(`next: gatehouse-server init --org-file ${ws.orgPath}`);
      return 0;
    }
    case 'server import': {
      const file = need(sub === 'import' ? arg : undefined, 'a server.json FILE');
      const raw = readJsonArg(file);
      const { server, notes } = importDraft(ws, raw, {
        ...(v.id ? { id: v.id } : {}),
        ...(v.package ? { package: Number(v.package) } : {}),
        ...(v.remote ? { remote: Number(v.remote) } : {}),
      });
      out(`imported "${server.id}" as a draft; approve it with: gatehouse-admin server approve ${server.id}`);
      for (const note of notes) out(`note: ${note}`);
      return 0;
    }
    case 'server add': {
      const id = need(v.id, '--id');
      let transport: Record<string, unknown>;
      if (v.npm) {
        const m = /^(@?[^@]+)(?:@(.+))?$/.exec(v.npm)!;
        transport = { type: 'npm', package: m[1], ...(m[2] ? { version: m[2] } : {}), args: v.arg ?? [] };
      } else if (v.command) transport = { type: 'stdio', command: v.command, args: v.arg ?? [] };
      else if (v.url) transport = { type: 'http', url: v.url };
      else throw new UsageError('give --npm PACKAGE, --command CMD or --url URL');
      addDraft(ws, { id, ...(v.name ? { name: v.name } : {}), transport });
      out(`added "${id}" as a draft; approve it with: gatehouse-admin server approve ${id}`);
      return 0;
    }
    case 'server approve': {
      const id = need(arg, 'a server ID');
      try {
        const tools = await approveServer(ws, id, {
          by: me,
          force: v.force ?? false,
          progress: (line) => {
            if (line.startsWith('connecting')) out(line);
          },
          tools: (list) => {
            for (const t of list) out(`  ${t.name.padEnd(32)} ${t.risk.padEnd(8)} ${t.findings.join('; ')}`);
          },
        });
        out(`approved "${id}": ${tools.length} tools pinned by ${me}. Publish to make it reachable: gatehouse-admin publish`);
      } catch (err) {
        if (err instanceof RiskyTools) throw new Error(err.message);
        throw err;
      }
      return 0;
    }
    case 'server deprecate':
    case 'server revoke': {
      const id = need(arg, 'a server ID');
      setServerStatus(ws, id, sub === 'revoke' ? 'revoked' : 'deprecated');
      out(
        `"${id}" is ${sub === 'revoke' ? 'revoked: once published, no desktop will start or reach it' : 'deprecated: it keeps working, with a warning'}. Publish to apply.`,
      );
      return 0;
    }
    case 'server list': {
      const r = ws.registry();
      for (const s of r.servers)
        out(
          `${s.id.padEnd(24)} ${s.status.padEnd(10)} ${String(Object.keys(s.pins).length).padStart(3)} pins  approved by ${s.approvedBy ?? '?'} ${s.approvedAt ?? ''}  sandbox: ${s.transport.type === 'http' || s.transport.type === 'sse' ? 'remote' : s.sandbox ? sandboxSummary(s.sandbox) : `default, ${sandboxSummary(r.settings.sandbox?.default ?? 'off')}`}`,
        );
      for (const s of r.drafts) out(`${s.id.padEnd(24)} draft`);
      if (!r.servers.length && !r.drafts.length) out('no servers yet: gatehouse-admin server import FILE, or server add');
      return 0;
    }
    case 'policy set': {
      const file = need(arg, 'a policy FILE');
      const raw = readJsonArg(file);
      const Doc = z
        .object({
          rules: z.unknown().optional(),
          rateLimits: z.unknown().optional(),
          profiles: z.unknown().optional(),
          agents: z.unknown().optional(),
          settings: z.unknown().optional(),
        })
        .strict();
      const doc = Doc.safeParse(raw);
      if (!doc.success) throw new UsageError(`${file}: expected { rules, rateLimits, profiles?, agents?, settings? }: ${doc.error.issues[0]?.message ?? ''}`);
      const r = ws.registry();
      const policies = PoliciesSchema.safeParse({ rules: doc.data.rules ?? [], rateLimits: doc.data.rateLimits ?? [] });
      if (!policies.success) throw new UsageError(`${file}: ${policies.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
      const next = {
        ...r,
        policies: policies.data,
        ...(doc.data.profiles !== undefined ? { profiles: doc.data.profiles } : {}),
        ...(doc.data.agents !== undefined ? { agents: doc.data.agents } : {}),
        ...(doc.data.settings !== undefined ? { settings: doc.data.settings } : {}),
      };
      // Checked as desktops will check it, before it is saved.
      buildBundle(ws.org(), next as RegistryFile, 1, new Date(), 1, { requireApproved: false });
      ws.saveRegistry(next as RegistryFile);
      out(`policies set: ${policies.data.rules.length} rules, ${policies.data.rateLimits.length} rate limits. Publish to apply.`);
      return 0;
    }
    case 'keys rotate': {
      const org = ws.org();
      const key = await rotateKey(ws);
      out(`new key ${key.keyId} (fingerprint ${keyFingerprint(key.publicKey)}).`);
      out(`The next publish is signed by ${org.keys.map((k) => k.keyId).join(', ')} and names only ${key.keyId}; after it, the old key is retired.`);
      return 0;
    }
    case 'publish': {
      const done = await publishWorkspace(ws, syncUrl(ws, v), days(v.ttl, 30));
      if (done.keyRotated) out(`key rotation done: desktops now trust only ${done.keyRotated}`);
      out(`published version ${done.version}: ${done.servers} servers, ${done.rules} rules, expires ${done.expiresAt}`);
      return 0;
    }
    case 'enroll-token': {
      const url = syncUrl(ws, v);
      const issued = await issueEnrollToken(ws, url, days(v.ttl, 7), v.label);
      // Registered so the console can list and revoke it; a token still works where the endpoint cannot be reached now.
      await callEndpoint(url, 'POST', '/enroll-tokens', z.unknown(), {
        admin: ws.signer(),
        body: { id: issued.id, label: issued.label, issuedAt: issued.issuedAt, expiresAt: issued.expiresAt },
      }).catch((err: unknown) =>
        process.stderr.write(`warning: the token could not be registered at ${url}, so it cannot be revoked there: ${(err as Error).message}\n`),
      );
      out(issued.token);
      process.stderr.write(`\nOn the desktop:  gatehouse enroll ${url} --token <the token above> --fingerprint ${issued.fingerprint}\n`);
      process.stderr.write(`Or send the link: ${issued.link}\n`);
      return 0;
    }
    case 'devices': {
      const list = await callEndpoint(
        syncUrl(ws, v),
        'GET',
        '/devices',
        z.object({ devices: z.array(z.object({ id: z.string(), name: z.string(), label: z.string().nullable(), enrolledAt: z.string() })) }),
        { admin: ws.signer() },
      );
      for (const d of list.devices) out(`${d.id}  ${d.name}${d.label ? ` (${d.label})` : ''}  enrolled ${d.enrolledAt}`);
      if (!list.devices.length) out('no devices enrolled yet: gatehouse-admin enroll-token');
      return 0;
    }
    case 'audit query': {
      const res = await callEndpoint(syncUrl(ws, v), 'GET', '/audit/records', AuditQueryResponseSchema, {
        admin: ws.signer(),
        query: { user: v.user, tool: v.tool, server: v.server, device: v.device, outcome: v.outcome, since: v.since, until: v.until, limit: v.limit },
      });
      for (const { deviceId, seq, record } of res.records) {
        if (v.json) {
          out(JSON.stringify({ deviceId, seq, ...record }));
          continue;
        }
        const d = record.decision as { rule?: string } | null;
        out(
          `${String(record.ts)}  ${String(record.user)}  ${String(record.agent ?? '-')}  ${String(record.type)}  ${String(record.tool ?? record.server ?? '-')}  ${String(record.outcome)}${d?.rule ? `  rule=${d.rule}` : ''}  [${deviceId}#${seq}]`,
        );
      }
      if (!v.json) process.stderr.write(`${res.records.length} records\n`);
      return 0;
    }
    case 'audit verify': {
      const res = await callEndpoint(syncUrl(ws, v), 'GET', '/audit/verify', z.object({ reports: z.array(VerifyReportSchema) }), {
        admin: ws.signer(),
        query: { device: v.device },
      });
      let whole = true;
      for (const r of res.reports) {
        out(`${r.deviceId}: ${r.ok ? 'intact' : 'NOT INTACT'} (${r.batches} batches, ${r.records} records, up to #${r.lastSeq})`);
        for (const p of r.problems) out(`  ${p.kind}: ${p.detail} (${p.at})`);
        whole &&= r.ok;
      }
      return whole ? 0 : 1;
    }
    case 'console': {
      const org = ws.org();
      const port = v.port === undefined ? 7470 : Number(v.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port is a port number, not "${v.port}"`);
      const server = await startConsole({
        ws,
        syncUrl: v.sync ?? org.syncUrl ?? null,
        admin: me,
        port,
        uiDir: resolve(import.meta.dirname, '..', '..', 'dist', 'console'),
        log: (line) => process.stderr.write(`${line}\n`),
      });
      const link = () => {
        const l = server.newLoginLink();
        out(`Sign in (once, within 10 minutes): ${l}`);
        return l;
      };
      out(`Gatehouse admin console for ${org.name} (${org.org}) on ${server.url}, workspace ${ws.dir}`);
      const first = link();
      out('Press Enter for a new sign-in link; Ctrl-C stops the console.');
      if (!v['no-browser']) openBrowser(first);
      if (process.stdin.isTTY)
        process.stdin.on('data', () => {
          link();
        });
      await new Promise<void>((done) => {
        process.once('SIGINT', done);
        process.once('SIGTERM', done);
      });
      process.stdin.pause();
      await server.close();
      return 0;
    }
    default:
      throw new UsageError(`unknown command "${positionals.join(' ')}"`);
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    if (err instanceof UsageError || err instanceof CatalogueError) process.stderr.write(`gatehouse-admin: ${err.message}\n\n${USAGE}`);
    else process.stderr.write(`gatehouse-admin: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 2;
  },
);
