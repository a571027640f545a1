import { readFileSync } from 'node:fs';
import { hostname, userInfo } from 'node:os';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { BUNDLE_PAYLOAD_TYPE, keyFingerprint, signEnvelope } from '../../shared/bundle/envelope.ts';
import { PoliciesSchema, sandboxSummary, ServerSchema, SettingsSchema } from '../../shared/bundle/schema.ts';
import { pinTools, riskyTools } from '../../shared/pinning/report.ts';
import { importServerJson } from '../../shared/registry/import.ts';
import { AuditQueryResponseSchema, OrgInfoSchema, PublishResponseSchema, VerifyReportSchema } from '../../shared/sync/contract.ts';
import { launchVars } from '../../gateway/upstream/launch.ts';
import { readTools } from '../../gateway/upstream/read-tools.ts';
import { buildBundle } from '../admin/build-bundle.ts';
import { callEndpoint, signStatement } from '../admin/endpoint.ts';
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

Every command works on the workspace in --dir (default: $GATEHOUSE_ADMIN_DIR or the current folder).
`;

class UsageError extends Error {}

const options = {
  dir: { type: 'string' }, org: { type: 'string' }, name: { type: 'string' }, sync: { type: 'string' },
  'oidc-issuer': { type: 'string' }, 'oidc-client': { type: 'string' }, id: { type: 'string' }, package: { type: 'string' },
  remote: { type: 'string' }, npm: { type: 'string' }, command: { type: 'string' }, arg: { type: 'string', multiple: true },
  url: { type: 'string' }, by: { type: 'string' }, force: { type: 'boolean' }, ttl: { type: 'string' }, label: { type: 'string' },
  user: { type: 'string' }, tool: { type: 'string' }, server: { type: 'string' }, device: { type: 'string' }, outcome: { type: 'string' },
  since: { type: 'string' }, until: { type: 'string' }, limit: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
} as const;

type Values = ReturnType<typeof parseArgs<{ options: typeof options; allowPositionals: true }>>['values'];

const out = (line: string) => process.stdout.write(`${line}\n`);

function readJsonArg(file: string): unknown {
  try { return JSON.parse(readFileSync(file, 'utf8')); } catch (err) { throw new UsageError(`cannot read ${file}: ${(err as Error).message}`); }
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

function findServer(r: RegistryFile, id: string): { list: 'drafts' | 'servers'; index: number } {
  for (const list of ['servers', 'drafts'] as const) {
    const index = r[list].findIndex((s) => s.id === id);
    if (index >= 0) return { list, index };
  }
  throw new UsageError(`no server "${id}" in the registry (${[...r.servers, ...r.drafts].map((s) => s.id).join(', ') || 'it is empty'})`);
}

function addDraft(ws: Workspace, server: unknown): string {
  const parsed = ServerSchema.safeParse(server);
  if (!parsed.success) throw new UsageError(`the server entry is invalid: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  const r = ws.registry();
  if ([...r.servers, ...r.drafts].some((s) => s.id === parsed.data.id)) throw new UsageError(`a server "${parsed.data.id}" is already in the registry: pass --id to import it under another id`);
  r.drafts.push(parsed.data);
  ws.saveRegistry(r);
  return parsed.data.id;
}

async function main(argv: string[]): Promise<number> {
  const { values: v, positionals } = parseArgs({ args: argv, options, allowPositionals: true });
  const [cmd, sub, arg] = positionals;
  if (v.help || !cmd) { process.stdout.write(USAGE); return v.help ? 0 : 2; }
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
      out(`fingerprint ${keyFingerprint(key.publicKey)}: desktops confirm this at enrolment`);
      out(`next: gatehouse-server init --org-file ${ws.orgPath}`);
      return 0;
    }
    case 'server import': {
      const file = need(sub === 'import' ? arg : undefined, 'a server.json FILE');
      const raw = readJsonArg(file);
      const imported = importServerJson(raw, { ...(v.id ? { id: v.id } : {}), ...(v.package ? { package: Number(v.package) } : {}), ...(v.remote ? { remote: Number(v.remote) } : {}) });
      const id = addDraft(ws, imported.server);
      out(`imported "${id}" as a draft; approve it with: gatehouse-admin server approve ${id}`);
      for (const note of imported.notes) out(`note: ${note}`);
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
      const r = ws.registry();
      const at = findServer(r, id);
      const server = r[at.list][at.index]!;
      out(`connecting to ${id} to read its tools…`);
      const read = await readTools(server, { settings: SettingsSchema.parse(r.settings), vars: launchVars(ws.dir, ws.dir), logDir: resolve(ws.dir, 'logs') });
      if (!read.ok) throw new Error(`could not read the tools of "${id}": ${read.error}`);
      const tools = pinTools(read.tools);
      for (const t of tools) out(`  ${t.name.padEnd(32)} ${t.risk.padEnd(8)} ${t.findings.join('; ')}`);
      const risky = riskyTools(tools);
      if (risky.length && !v.force) throw new Error(`not approved: ${risky.map((t) => `${t.name} (${t.risk})`).join(', ')} scan high or critical. Review them, then approve with --force.`);
      const approved = { ...server, pins: Object.fromEntries(tools.map((t) => [t.name, t.hash])), approvedBy: me, approvedAt: new Date().toISOString(), status: server.status === 'revoked' ? 'approved' as const : server.status };
      r[at.list].splice(at.index, 1);
      const existing = r.servers.findIndex((s) => s.id === id);
      if (existing >= 0) r.servers[existing] = approved; else r.servers.push(approved);
      ws.saveRegistry(r);
      out(`approved "${id}": ${tools.length} tools pinned by ${me}. Publish to make it reachable: gatehouse-admin publish`);
      return 0;
    }
    case 'server deprecate':
    case 'server revoke': {
      const id = need(arg, 'a server ID');
      const r = ws.registry();
      const at = findServer(r, id);
      if (at.list === 'drafts') throw new UsageError(`"${id}" is a draft: it was never published`);
      r.servers[at.index] = { ...r.servers[at.index]!, status: sub === 'revoke' ? 'revoked' : 'deprecated' };
      ws.saveRegistry(r);
      out(`"${id}" is ${sub === 'revoke' ? 'revoked: once published, no desktop will start or reach it' : 'deprecated: it keeps working, with a warning'}. Publish to apply.`);
      return 0;
    }
    case 'server list': {
      const r = ws.registry();
      for (const s of r.servers) out(`${s.id.padEnd(24)} ${s.status.padEnd(10)} ${String(Object.keys(s.pins).length).padStart(3)} pins  approved by ${s.approvedBy ?? '?'} ${s.approvedAt ?? ''}  sandbox: ${s.transport.type === 'http' || s.transport.type === 'sse' ? 'remote' : s.sandbox ? sandboxSummary(s.sandbox) : `default, ${sandboxSummary(r.settings.sandbox?.default ?? 'off')}`}`);
      for (const s of r.drafts) out(`${s.id.padEnd(24)} draft`);
      if (!r.servers.length && !r.drafts.length) out('no servers yet: gatehouse-admin server import FILE, or server add');
      return 0;
    }
    case 'policy set': {
      const file = need(arg, 'a policy FILE');
      const raw = readJsonArg(file);
      const Doc = z.object({ rules: z.unknown().optional(), rateLimits: z.unknown().optional(), profiles: z.unknown().optional(), agents: z.unknown().optional(), settings: z.unknown().optional() }).strict();
      const doc = Doc.safeParse(raw);
      if (!doc.success) throw new UsageError(`${file}: expected { rules, rateLimits, profiles?, agents?, settings? }: ${doc.error.issues[0]?.message ?? ''}`);
      const r = ws.registry();
      const policies = PoliciesSchema.safeParse({ rules: doc.data.rules ?? [], rateLimits: doc.data.rateLimits ?? [] });
      if (!policies.success) throw new UsageError(`${file}: ${policies.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
      const next = { ...r, policies: policies.data, ...(doc.data.profiles !== undefined ? { profiles: doc.data.profiles } : {}), ...(doc.data.agents !== undefined ? { agents: doc.data.agents } : {}), ...(doc.data.settings !== undefined ? { settings: doc.data.settings } : {}) };
      // Checked as desktops will check it, before it is saved.
      buildBundle(ws.org(), next as RegistryFile, 1, new Date(), 1, { requireApproved: false });
      ws.saveRegistry(next as RegistryFile);
      out(`policies set: ${policies.data.rules.length} rules, ${policies.data.rateLimits.length} rate limits. Publish to apply.`);
      return 0;
    }
    case 'keys rotate': {
      const org = ws.org();
      if (org.nextKey) throw new UsageError(`key ${org.nextKey.keyId} is already waiting: publish once to complete that rotation`);
      const key = await ws.newKey(org.org);
      ws.saveOrg({ ...org, nextKey: key });
      out(`new key ${key.keyId} (fingerprint ${keyFingerprint(key.publicKey)}).`);
      out(`The next publish is signed by ${org.keys.map((k) => k.keyId).join(', ')} and names only ${key.keyId}; after it, the old key is retired.`);
      return 0;
    }
    case 'publish': {
      const org = ws.org();
      const r = ws.registry();
      const url = syncUrl(ws, v);
      const remote = await callEndpoint(url, 'GET', '/org', OrgInfoSchema);
      if (remote.org !== org.org) throw new UsageError(`the endpoint at ${url} serves org "${remote.org}", this workspace is "${org.org}"`);
      // Desktops compare against the endpoint's latest; ask it rather than trust our own count.
      const signer = ws.signer();
      const latest = await callEndpoint(url, 'GET', '/org/version', z.object({ version: z.number().int() }), { admin: signer });
      const version = Math.max(r.version, latest.version) + 1;
      const { bundle, payload } = buildBundle(org, r, version, new Date(), days(v.ttl, 30));
      const envelope = await signEnvelope(BUNDLE_PAYLOAD_TYPE, payload, signer.keys);
      const done = await callEndpoint(url, 'POST', '/bundles', PublishResponseSchema, { body: envelope });
      ws.saveRegistry({ ...r, version: done.version });
      if (org.nextKey) {
        for (const k of org.keys) ws.retireKey(k.keyId);
        ws.saveOrg({ ...org, keys: [org.nextKey], nextKey: undefined });
        out(`key rotation done: desktops now trust only ${org.nextKey.keyId}`);
      }
      out(`published version ${done.version}: ${bundle.servers.length} servers, ${bundle.policies.rules.length} rules, expires ${bundle.expiresAt}`);
      return 0;
    }
    case 'enroll-token': {
      const org = ws.org();
      const url = syncUrl(ws, v);
      const token = await signStatement({ purpose: 'enrol', org: org.org, expiresAt: new Date(Date.now() + days(v.ttl, 7) * 86_400_000).toISOString(), ...(v.label ? { label: v.label } : {}) }, ws.signer().keys);
      out(token);
      process.stderr.write(`\nOn the desktop:  gatehouse enroll ${url} --token <the token above> --fingerprint ${keyFingerprint(org.keys[0]!.publicKey)}\n`);
      process.stderr.write(`Or send the link: gatehouse://enroll?url=${encodeURIComponent(url)}&token=${encodeURIComponent(token)}\n`);
      return 0;
    }
    case 'devices': {
      const list = await callEndpoint(syncUrl(ws, v), 'GET', '/devices', z.object({ devices: z.array(z.object({ id: z.string(), name: z.string(), label: z.string().nullable(), enrolledAt: z.string() })) }), { admin: ws.signer() });
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
        if (v.json) { out(JSON.stringify({ deviceId, seq, ...record })); continue; }
        const d = record.decision as { rule?: string } | null;
        out(`${String(record.ts)}  ${String(record.user)}  ${String(record.agent ?? '-')}  ${String(record.type)}  ${String(record.tool ?? record.server ?? '-')}  ${String(record.outcome)}${d?.rule ? `  rule=${d.rule}` : ''}  [${deviceId}#${seq}]`);
      }
      if (!v.json) process.stderr.write(`${res.records.length} records\n`);
      return 0;
    }
    case 'audit verify': {
      const res = await callEndpoint(syncUrl(ws, v), 'GET', '/audit/verify', z.object({ reports: z.array(VerifyReportSchema) }), { admin: ws.signer(), query: { device: v.device } });
      let whole = true;
      for (const r of res.reports) {
        out(`${r.deviceId}: ${r.ok ? 'intact' : 'NOT INTACT'} (${r.batches} batches, ${r.records} records, up to #${r.lastSeq})`);
        for (const p of r.problems) out(`  ${p.kind}: ${p.detail} (${p.at})`);
        whole &&= r.ok;
      }
      return whole ? 0 : 1;
    }
    default:
      throw new UsageError(`unknown command "${positionals.join(' ')}"`);
  }
}

main(process.argv.slice(2)).then((code) => { process.exitCode = code; }, (err: unknown) => {
  if (err instanceof UsageError) process.stderr.write(`gatehouse-admin: ${err.message}\n\n${USAGE}`);
  else process.stderr.write(`gatehouse-admin: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 2;
});
