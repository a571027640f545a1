import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { SPECS, type ClientName } from './clients.ts';

// `gatehouse connect`: adds (or removes) Gatehouse in an IDE's MCP config. It never
// guesses at a file it cannot read: malformed JSON is refused and left untouched.
// Every write is preceded by a backup beside the file, and is idempotent.

export const ENTRY_NAME = 'gatehouse';
const BACKUP = '.gatehouse-backup-';

export class ConnectError extends Error {}

export interface ConnectPlan {
  client: ClientName;
  label: string;
  path: string;
  /** What the entry is, for the user to read or paste by hand. */
  snippet: string;
  status: 'write' | 'unchanged';
  /** The whole file as it would be written. */
  content: string;
  backup?: string;
}

export interface Launcher { command: string; args: string[] }

function entryFor(client: ClientName, launcher: Launcher): Record<string, unknown> {
  const spec = SPECS[client];
  return { ...(spec.typed ? { type: 'stdio' } : {}), command: launcher.command, args: [...launcher.args, 'stdio', '--agent', client] };
}

function readConfig(path: string): Record<string, unknown> {
  if (!existsSync(path)) return {};
  const text = readFileSync(path, 'utf8');
  if (!text.trim()) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new ConnectError(`${path} is not valid JSON (${(err as Error).message}); it was left untouched. Fix it, or add the entry below by hand.`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new ConnectError(`${path} does not hold a JSON object; it was left untouched.`);
  return parsed as Record<string, unknown>;
}

function serversOf(config: Record<string, unknown>, key: string, path: string): Record<string, unknown> {
  const servers = config[key] ?? {};
  if (typeof servers !== 'object' || servers === null || Array.isArray(servers)) throw new ConnectError(`"${key}" in ${path} is not an object; it was left untouched.`);
  return servers as Record<string, unknown>;
}

/** The entry as a block to paste by hand. */
export function planSnippet(client: ClientName, launcher: Launcher): string {
  return JSON.stringify({ [SPECS[client].key]: { [ENTRY_NAME]: entryFor(client, launcher) } }, null, 2);
}

export function planConnect(client: ClientName, launcher: Launcher, path = SPECS[client].path(process.env, process.platform)): ConnectPlan {
  const spec = SPECS[client];
  const entry = entryFor(client, launcher);
  const snippet = planSnippet(client, launcher);
  const config = readConfig(path);
  const servers = serversOf(config, spec.key, path);
  const unchanged = JSON.stringify(servers[ENTRY_NAME]) === JSON.stringify(entry);
  const next = { ...config, [spec.key]: { ...servers, [ENTRY_NAME]: entry } };
  return { client, label: spec.label, path, snippet, status: unchanged ? 'unchanged' : 'write', content: `${JSON.stringify(next, null, 2)}\n` };
}

/** Writes a plan: a backup of the current file first, then the new content, atomically. */
export function applyPlan(plan: ConnectPlan): ConnectPlan {
  if (plan.status === 'unchanged') return plan;
  mkdirSync(dirname(plan.path), { recursive: true });
  let backup: string | undefined;
  if (existsSync(plan.path)) {
    backup = `${plan.path}${BACKUP}${new Date().toISOString().replace(/[:.]/g, '-')}`;
    copyFileSync(plan.path, backup);
  }
  const tmp = `${plan.path}.gatehouse-tmp`;
  writeFileSync(tmp, plan.content);
  renameSync(tmp, plan.path);
  return { ...plan, ...(backup ? { backup } : {}) };
}

/**
 * Takes Gatehouse out again: the entry is removed, or, if the file had one of that
 * name before Gatehouse first wrote it, that one is put back. Other changes made
 * since are kept.
 */
export function planUndo(client: ClientName, path = SPECS[client].path(process.env, process.platform)): ConnectPlan {
  const spec = SPECS[client];
  const config = readConfig(path);
  const servers = { ...serversOf(config, spec.key, path) };
  const backups = existsSync(dirname(path)) ? readdirSync(dirname(path)).filter((f) => f.startsWith(`${basename(path)}${BACKUP}`)).sort() : [];
  let previous: unknown;
  if (backups.length) {
    const oldest = readConfig(join(dirname(path), backups[0]!));
    previous = (oldest[spec.key] as Record<string, unknown> | undefined)?.[ENTRY_NAME];
  }
  const before = JSON.stringify(servers[ENTRY_NAME]);
  if (previous === undefined) delete servers[ENTRY_NAME];
  else servers[ENTRY_NAME] = previous;
  const next = { ...config, [spec.key]: servers };
  const unchanged = before === JSON.stringify(servers[ENTRY_NAME]) || !existsSync(path);
  return { client, label: spec.label, path, snippet: '', status: unchanged ? 'unchanged' : 'write', content: `${JSON.stringify(next, null, 2)}\n` };
}
