import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { findNodeAtLocation, getNodeValue, parseTree, printParseErrorCode, type ParseError } from 'jsonc-parser';
import { SPECS, type ClientName } from './clients.ts';
import { setMember } from './jsonc-edit.ts';

// `gatehouse connect`: adds (or removes) Gatehouse in an IDE's MCP config. The file is
// edited in place as JSONC (VS Code's own parser), so the user's comments, key order
// and formatting survive; only the "gatehouse" entry's text changes. A file it cannot
// parse is refused and left untouched. Every write is preceded by a backup beside the
// file, and is idempotent; an undo right after gives back the original bytes.

export const ENTRY_NAME = 'gatehouse';
const BACKUP = '.gatehouse-backup-';

export class ConnectError extends Error {}

export interface ConnectPlan {
  client: ClientName;
  label: string;
  path: string;
  /** What the entry is, for the user to read or paste by hand. */
  snippet: string;
  /** `remove`: the file did not exist before Gatehouse wrote it, and nobody has changed it since. */
  status: 'write' | 'unchanged' | 'remove';
  /** The whole file as it would be written. */
  content: string;
  backup?: string;
}

export interface Launcher {
  command: string;
  args: string[];
  /** Variables the IDE must set for the bridge to find the same daemon (GATEHOUSE_DATA_DIR, GATEHOUSE_PORT). */
  env?: Record<string, string>;
}

/** The variables of the current environment that decide which daemon a bridge joins. */
export function daemonEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of ['GATEHOUSE_DATA_DIR', 'GATEHOUSE_PORT']) {
    const value = env[name];
    if (value) out[name] = value;
  }
  return out;
}

function entryFor(client: ClientName, launcher: Launcher): Record<string, unknown> {
  const spec = SPECS[client];
  const env = launcher.env && Object.keys(launcher.env).length ? { env: launcher.env } : {};
  return { ...(spec.typed ? { type: 'stdio' } : {}), command: launcher.command, args: [...launcher.args, 'stdio', '--agent', client], ...env };
}

interface Config {
  text: string;
  servers: Record<string, unknown>;
}

/** Reads and checks a config file as JSONC; a missing or blank file is an empty one. */
function readConfig(path: string, key: string): Config {
  const text = existsSync(path) ? readFileSync(path, 'utf8') : '';
  if (!text.trim()) return { text, servers: {} };
  const errors: ParseError[] = [];
  const root = parseTree(text, errors, { allowTrailingComma: true, disallowComments: false });
  if (errors.length || !root) {
    const first = errors[0];
    const where = first ? ` (${printParseErrorCode(first.error)} at line ${lineOf(text, first.offset)})` : '';
    throw new ConnectError(`${path} could not be read as JSON${where}; it was left untouched. Fix it, or add the entry below by hand.`);
  }
  if (root.type !== 'object') throw new ConnectError(`${path} does not hold a JSON object; it was left untouched.`);
  const node = findNodeAtLocation(root, [key]);
  if (node && node.type !== 'object') throw new ConnectError(`"${key}" in ${path} is not an object; it was left untouched.`);
  const servers = node ? (getNodeValue(node) as Record<string, unknown>) : {};
  // A null-prototype copy: the file is the user's, and a key such as "__proto__" must stay a plain key.
  return { text, servers: Object.assign(Object.create(null) as Record<string, unknown>, servers) };
}

const lineOf = (text: string, offset: number) => text.slice(0, offset).split('\n').length;

/** The text with servers[ENTRY_NAME] set to `entry` (or removed when undefined), all else byte for byte. */
const withEntry = (text: string, key: string, entry: unknown) => setMember(text, [key, ENTRY_NAME], entry);

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** The entry as a block to paste by hand. */
export function planSnippet(client: ClientName, launcher: Launcher): string {
  return JSON.stringify({ [SPECS[client].key]: { [ENTRY_NAME]: entryFor(client, launcher) } }, null, 2);
}

/** Where the client's file is: the `--config` the user gave, else the client's own place. */
export function configPath(client: ClientName, path?: string): string {
  return path ?? SPECS[client].path(process.env, process.platform);
}

export function planConnect(client: ClientName, launcher: Launcher, path = configPath(client)): ConnectPlan {
  const spec = SPECS[client];
  const entry = entryFor(client, launcher);
  const snippet = planSnippet(client, launcher);
  const config = readConfig(path, spec.key);
  const unchanged = same(config.servers[ENTRY_NAME], entry);
  return {
    client,
    label: spec.label,
    path,
    snippet,
    status: unchanged ? 'unchanged' : 'write',
    content: unchanged ? config.text : withEntry(config.text, spec.key, entry),
  };
}

/** Writes a plan: a backup of the current file first, then the new content, atomically. */
export function applyPlan(plan: ConnectPlan): ConnectPlan {
  if (plan.status === 'unchanged') return plan;
  if (plan.status === 'remove') {
    rmSync(plan.path, { force: true });
    return plan;
  }
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

function backupsOf(path: string): string[] {
  if (!existsSync(dirname(path))) return [];
  return readdirSync(dirname(path))
    .filter((f) => f.startsWith(`${basename(path)}${BACKUP}`))
    .sort()
    .map((f) => join(dirname(path), f));
}

/**
 * Takes Gatehouse out again. While the file is exactly what Gatehouse's writes made of
 * a backup, it steps back through the backups and gives back the original bytes (or
 * removes a file Gatehouse created). When the user has edited it since, it removes only
 * the entry (or puts back one of that name from before Gatehouse's first write) and
 * keeps their edits.
 */
export function planUndo(client: ClientName, path = configPath(client)): ConnectPlan {
  const spec = SPECS[client];
  const plan = (status: ConnectPlan['status'], content: string): ConnectPlan => ({ client, label: spec.label, path, snippet: '', status, content });
  const current = readConfig(path, spec.key);
  if (current.servers[ENTRY_NAME] === undefined) return plan('unchanged', current.text);
  const backups = backupsOf(path);
  let state = current.text;
  let i = backups.length;
  for (; i > 0; i--) {
    const entry = readEntry(state, spec.key);
    if (entry === undefined) break;
    const before = readFileSync(backups[i - 1]!, 'utf8');
    if (before === state || withEntry(before, spec.key, entry) !== state) break;
    state = before;
  }
  const left = readEntry(state, spec.key);
  if (left === undefined) return plan('write', state);
  if (i === 0 && state === withEntry('', spec.key, left)) return plan('remove', '');
  if (i === 0 && backups.length) return plan('write', state); // an entry of that name from before Gatehouse's first write
  const previous = backups.length ? readEntry(readFileSync(backups[0]!, 'utf8'), spec.key) : undefined;
  const content = withEntry(state, spec.key, previous);
  return content === current.text ? plan('unchanged', content) : plan('write', content);
}

/** The Gatehouse entry in a config text, or undefined when it has none (or cannot be parsed). */
function readEntry(text: string, key: string): unknown {
  const root = parseTree(text, [], { allowTrailingComma: true });
  const node = root && findNodeAtLocation(root, [key, ENTRY_NAME]);
  return node ? getNodeValue(node) : undefined;
}
