import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { keyFingerprint } from '../../shared/bundle/envelope.ts';
import { ServerSchema, SettingsSchema, type BundleServer, type OrgKey } from '../../shared/bundle/schema.ts';
import { pinTools, riskyTools, type PinnedTool } from '../../shared/pinning/report.ts';
import { importServerJson, type ImportChoice } from '../../shared/registry/import.ts';
import { launchVars } from '../../gateway/upstream/launch.ts';
import { readTools } from '../../gateway/upstream/read-tools.ts';
import { signStatement } from './endpoint.ts';
import type { RegistryFile, Workspace } from './workspace.ts';

// What an admin does to the workspace's catalogue and keys, for the CLI and the
// console alike: drafts in, approval (connect, list, scan, pin), status
// changes, key rotation and enrollment tokens. Publishing is publish.ts.

/** A request the admin can fix (a bad entry, an unknown id): the CLI prints usage, the console answers 400. */
export class CatalogueError extends Error {}

export function findServer(r: RegistryFile, id: string): { list: 'drafts' | 'servers'; index: number } {
  for (const list of ['servers', 'drafts'] as const) {
    const index = r[list].findIndex((s) => s.id === id);
    if (index >= 0) return { list, index };
  }
  throw new CatalogueError(`no server "${id}" in the registry (${[...r.servers, ...r.drafts].map((s) => s.id).join(', ') || 'it is empty'})`);
}

export function addDraft(ws: Workspace, server: unknown): BundleServer {
  const parsed = ServerSchema.safeParse(server);
  if (!parsed.success)
    throw new CatalogueError(`the server entry is invalid: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  const r = ws.registry();
  if ([...r.servers, ...r.drafts].some((s) => s.id === parsed.data.id))
    throw new CatalogueError(`a server "${parsed.data.id}" is already in the registry: import it under another id`);
  r.drafts.push(parsed.data);
  ws.saveRegistry(r);
  return parsed.data;
}

export function importDraft(ws: Workspace, raw: unknown, choice: ImportChoice): { server: BundleServer; notes: string[] } {
  let imported;
  try {
    imported = importServerJson(raw, choice);
  } catch (err) {
    throw new CatalogueError((err as Error).message);
  }
  return { server: addDraft(ws, imported.server), notes: imported.notes };
}

export class RiskyTools extends Error {
  readonly tools: PinnedTool[];
  constructor(tools: PinnedTool[], risky: PinnedTool[]) {
    super(`not approved: ${risky.map((t) => `${t.name} (${t.risk})`).join(', ')} scan high or critical. Review them, then approve with --force.`);
    this.tools = tools;
  }
}

/** Connects to the server, reads and scans its tools, and pins them (moving a draft into the catalogue). */
export async function approveServer(
  ws: Workspace,
  id: string,
  opts: { by: string; force: boolean; progress?: (line: string) => void; tools?: (tools: PinnedTool[]) => void },
): Promise<PinnedTool[]> {
  const r = ws.registry();
  const at = findServer(r, id);
  const server = r[at.list][at.index]!;
  opts.progress?.(`connecting to ${id} to read its tools…`);
  const read = await readTools(server, { settings: SettingsSchema.parse(r.settings), vars: launchVars(ws.dir, ws.dir), logDir: resolve(ws.dir, 'logs') });
  if (!read.ok) throw new Error(`could not read the tools of "${id}": ${read.error}`);
  opts.progress?.(`read ${read.tools.length} tools; scanning and pinning`);
  const tools = pinTools(read.tools);
  opts.tools?.(tools);
  const risky = riskyTools(tools);
  if (risky.length && !opts.force) throw new RiskyTools(tools, risky);
  // Read again: the registry may have changed while the server started.
  const now = ws.registry();
  const place = findServer(now, id);
  const current = now[place.list][place.index]!;
  const approved = {
    ...current,
    pins: Object.fromEntries(tools.map((t) => [t.name, t.hash])),
    approvedBy: opts.by,
    approvedAt: new Date().toISOString(),
    status: current.status === 'revoked' ? ('approved' as const) : current.status,
  };
  now[place.list].splice(place.index, 1);
  const existing = now.servers.findIndex((s) => s.id === id);
  if (existing >= 0) now.servers[existing] = approved;
  else now.servers.push(approved);
  ws.saveRegistry(now);
  opts.progress?.(`approved "${id}": ${tools.length} tools pinned by ${opts.by}`);
  return tools;
}

export function setServerStatus(ws: Workspace, id: string, status: 'deprecated' | 'revoked'): BundleServer {
  const r = ws.registry();
  const at = findServer(r, id);
  if (at.list === 'drafts') throw new CatalogueError(`"${id}" is a draft: it was never published`);
  r.servers[at.index] = { ...r.servers[at.index]!, status };
  ws.saveRegistry(r);
  return r.servers[at.index]!;
}

/** Pins one more tool definition on an approved server (an escalation approved). */
export function pinTool(ws: Workspace, serverId: string, tool: string, hash: string, by: string): BundleServer {
  const r = ws.registry();
  const at = findServer(r, serverId);
  if (at.list === 'drafts') throw new CatalogueError(`"${serverId}" is a draft: approve the server first`);
  const s = r.servers[at.index]!;
  r.servers[at.index] = { ...s, pins: { ...s.pins, [tool]: hash }, approvedBy: by, approvedAt: new Date().toISOString() };
  ws.saveRegistry(r);
  return r.servers[at.index]!;
}

export async function rotateKey(ws: Workspace): Promise<OrgKey> {
  const org = ws.org();
  if (org.nextKey) throw new CatalogueError(`key ${org.nextKey.keyId} is already waiting: publish once to complete that rotation`);
  const key = await ws.newKey(org.org);
  ws.saveOrg({ ...org, nextKey: key });
  return key;
}

export interface IssuedEnrollToken {
  id: string;
  token: string;
  label: string | null;
  issuedAt: string;
  expiresAt: string;
  command: string;
  link: string;
  fingerprint: string;
}

/** An enrollment token signed with the org key; its id (the statement's nonce) is how the endpoint lists and revokes it. */
export async function issueEnrollToken(ws: Workspace, url: string, ttlDays: number, label: string | undefined, now = Date.now()): Promise<IssuedEnrollToken> {
  const org = ws.org();
  const id = randomBytes(12).toString('base64url');
  const expiresAt = new Date(now + ttlDays * 86_400_000).toISOString();
  const token = await signStatement({ purpose: 'enrol', org: org.org, expiresAt, nonce: id, ...(label ? { label } : {}) }, ws.signer().keys);
  const fingerprint = keyFingerprint(org.keys[0]!.publicKey);
  return {
    id,
    token,
    label: label ?? null,
    issuedAt: new Date(now).toISOString(),
    expiresAt,
    fingerprint,
    command: `gatehouse enroll ${url} --token ${token} --fingerprint ${fingerprint}`,
    link: `gatehouse://enroll?url=${encodeURIComponent(url)}&token=${encodeURIComponent(token)}`,
  };
}
