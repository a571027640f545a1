import type { Command } from './command-kit.ts';

// Every command, by the word that names it, loaded on first use: `gatehouse daemon` and
// `gatehouse stdio` never load the client commands' modules (the connect planner, the
// OIDC login, the scan and pin reports, their schemas), which an idle daemon would
// otherwise carry for its whole life. A Map, so a mistyped command is just unknown.

const serve =
  (pick: (m: typeof import('./serve-commands.ts')) => Command): Command =>
  async (ctx) =>
    pick(await import('./serve-commands.ts'))(ctx);
const client =
  (pick: (m: typeof import('./commands.ts')) => Command): Command =>
  async (ctx) =>
    pick(await import('./commands.ts'))(ctx);

export const COMMANDS: ReadonlyMap<string, Command> = new Map<string, Command>([
  ['daemon', serve((m) => m.daemonCommand)],
  ['stdio', serve((m) => m.stdio)],
  ['status', client((m) => m.status)],
  ['dashboard', client((m) => m.dashboard)],
  ['token', client((m) => m.tokenCommand)],
  ['reload', client((m) => m.reload)],
  ['pending', client((m) => m.pending)],
  ['approve', client((m) => m.decide)],
  ['reject', client((m) => m.decide)],
  ['reopen', client((m) => m.decide)],
  ['secrets', client((m) => m.secrets)],
  ['server', client((m) => m.server)],
  ['enroll', client((m) => m.enroll)],
  ['unenroll', client((m) => m.unenroll)],
  ['sync', client((m) => m.sync)],
  ['login', client((m) => m.login)],
  ['connect', client((m) => m.connect)],
  ['audit', client((m) => m.audit)],
  ['scan', client((m) => m.scan)],
  ['pin', client((m) => m.pin)],
]);
