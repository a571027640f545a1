import { spawn } from 'node:child_process';
import { parseArgs, type ParseArgsOptionsConfig } from 'node:util';

// What every CLI command is given, and the errors that decide its exit code.

export const OPTIONS = {
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
} as const satisfies ParseArgsOptionsConfig;

export type Values = ReturnType<typeof parseArgs<{ args: string[]; allowPositionals: true; options: typeof OPTIONS }>>['values'];

export interface CommandContext {
  command: string;
  dataDir: string;
  bundlePath: string;
  values: Values;
  positionals: string[];
}

/** A command: its exit code, or a promise that never settles for the long-running ones. */
export type Command = (ctx: CommandContext) => Promise<number>;

/** A wrong command line: exit 2, with a pointer to the help. */
export class UsageError extends Error {}

/** Unreadable input: exit 2 with a clear message (the scan contract). */
export class InputError extends Error {}

/** The system browser (RFC 8252: the user's own, not an embedded view). */
export function openBrowser(url: string): void {
  const [cmd, args] = process.platform === 'darwin' ? ['open', [url]] : process.platform === 'win32' ? ['cmd', ['/c', 'start', '', url]] : ['xdg-open', [url]];
  try {
    spawn(cmd, args as string[], { stdio: 'ignore', detached: true })
      .on('error', () => {})
      .unref();
  } catch {
    // No browser to open: the URL is printed above.
  }
}
