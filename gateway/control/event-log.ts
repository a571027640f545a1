import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { GatewayEvent } from '../../shared/control/contract.ts';
import { writePrivateFileAtomic } from '../config/atomic-write.ts';

// The daemon's own log: one line per gateway event worth a human's attention, on
// stderr (which a detached daemon sends to <data>/logs/daemon.log), filtered by a
// level the user sets in the app or through the control API. The level is a
// local preference, kept in <data>/preferences.json.

export const LOG_LEVELS = ['error', 'warn', 'info', 'debug'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

const PreferencesSchema = z.object({ logLevel: z.enum(LOG_LEVELS).default('info') }).passthrough();

/** How much each event matters; a server's level depends on its new state. */
function levelOf(e: GatewayEvent): LogLevel {
  switch (e.type) {
    case 'bundle-rejected':
    case 'credentials-error':
    case 'problem':
      return 'error';
    case 'server':
      return e.state === 'failed' || e.state === 'backoff' ? 'error' : e.state === 'ready' || e.state === 'stopped' ? 'info' : 'debug';
    case 'pending-change':
      return 'warn';
    case 'bundle':
    case 'pending-decided':
    case 'credential-set':
    case 'credentials-deleted':
    case 'paused':
    case 'agent-connected':
    case 'agent-disconnected':
    case 'agent-request':
    case 'agent-request-decided':
      return 'info';
    default:
      return 'debug';
  }
}

function describe(e: GatewayEvent): string {
  switch (e.type) {
    case 'server':
      return `server ${e.server} is ${e.state}${e.error ? `: ${e.error}` : ''}`;
    case 'bundle':
      return `bundle ${e.name} version ${e.version} in force`;
    case 'bundle-rejected':
      return `bundle refused: ${e.reason}`;
    case 'pending-change':
      return `tool ${e.exposedName} ${e.kind === 'new' ? 'is new' : 'changed'} (risk ${e.risk}): held back as pending change ${e.id}`;
    case 'pending-decided':
      return `pending change ${e.id} (${e.server}/${e.tool}) ${e.decision} by ${e.by}`;
    case 'agent-connected':
      return `agent ${e.agent} connected over ${e.transport} (${e.session})`;
    case 'agent-initialized':
      return `agent ${e.agent} speaks ${e.protocolVersion}${e.clientInfo ? ` as ${String(e.clientInfo.name ?? '?')} ${String(e.clientInfo.version ?? '')}`.trimEnd() : ''} (${e.session})`;
    case 'agent-disconnected':
      return `agent ${e.agent} disconnected (${e.session})`;
    case 'credential-set':
      return `credential ${e.server}/${e.slot} ${e.rotation ? 'rotated' : 'set'}`;
    case 'credentials-deleted':
      return `credentials ${e.slots.map((s) => `${e.server}/${s}`).join(', ')} deleted`;
    case 'credentials-error':
      return `credentials of ${e.server}: ${e.error}`;
    case 'paused':
      return e.paused ? 'paused: nothing reaches the servers' : 'resumed';
    case 'catalog':
      return `server ${e.server} changed its ${e.kind}`;
    case 'problem':
      return `${e.component}: ${e.message}`;
    case 'agent-request':
      return `${e.client} asks to connect as agent ${e.agent} (token to ${e.redirect}): allow or deny it in Gatehouse`;
    case 'agent-request-decided':
      return `connection request ${e.id.slice(0, 8)} ${e.allowed ? 'allowed' : 'denied'} (agent ${e.agent})`;
  }
}

/**
 * stderr, one write per turn of the event loop: a first sight of 20,000 tools logs a line
 * for each decision, and stderr to a file or a pipe is written synchronously, so a write per
 * line held the loop 0.3-0.4 s. What is waiting is written when the process exits.
 */
function coalescedStderr(): (line: string) => void {
  let waiting = '';
  const flush = () => {
    if (waiting === '') return;
    const out = waiting;
    waiting = '';
    process.stderr.write(out);
  };
  process.once('exit', flush);
  return (line) => {
    if (waiting === '') setImmediate(flush);
    waiting += line;
    if (waiting.length > 256 * 1024) flush();
  };
}

export class EventLog {
  private level: LogLevel;
  private readonly path: string;
  private readonly write: (line: string) => void;

  constructor(dataDir: string, write: (line: string) => void = coalescedStderr()) {
    this.path = join(dataDir, 'preferences.json');
    this.write = write;
    this.level = this.read().logLevel;
  }

  private read(): z.output<typeof PreferencesSchema> {
    if (!existsSync(this.path)) return PreferencesSchema.parse({});
    try {
      return PreferencesSchema.parse(JSON.parse(readFileSync(this.path, 'utf8')));
    } catch {
      return PreferencesSchema.parse({});
    }
  }

  get current(): LogLevel {
    return this.level;
  }

  setLevel(level: LogLevel): void {
    this.level = level;
    writePrivateFileAtomic(this.path, `${JSON.stringify({ ...this.read(), logLevel: level }, null, 2)}\n`);
  }

  event(e: GatewayEvent): void {
    const level = levelOf(e);
    if (LOG_LEVELS.indexOf(level) > LOG_LEVELS.indexOf(this.level)) return;
    this.write(`${new Date(e.at).toISOString()} ${level.toUpperCase().padEnd(5)} ${describe(e)}\n`);
  }

  line(level: LogLevel, text: string): void {
    if (LOG_LEVELS.indexOf(level) > LOG_LEVELS.indexOf(this.level)) return;
    this.write(`${new Date().toISOString()} ${level.toUpperCase().padEnd(5)} ${text}\n`);
  }
}
