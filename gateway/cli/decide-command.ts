import { z } from 'zod';
import { needsTerminal } from '../../shared/pinning/decision.ts';
import { PendingChangeSchema } from '../../shared/pinning/pending.ts';
import type { ControlClient } from './daemon-client.ts';

// `gatehouse approve|reject|reopen ID`. An agent with a shell tool can run the CLI
// too, but its shell has no terminal: approving a high or critical change needs
// one (or the app), so an agent cannot wave through what the scanner rated risky.

export class DecideRefused extends Error {}

export interface DecideInput {
  command: 'approve' | 'reject' | 'reopen';
  id: string;
  reason: string | undefined;
  /** Whether a person is at a terminal (process.stdin.isTTY). */
  terminal: boolean;
}

export async function decideCommand(client: ControlClient, input: DecideInput): Promise<string> {
  const { command, id, reason } = input;
  const path = encodeURIComponent(id);
  if (command === 'reopen') {
    const r = await client.call('POST', `/decisions/${path}/reopen`, z.object({ pending: PendingChangeSchema.nullable() }), { reason, via: 'cli' });
    return r.pending
      ? `reopened ${r.pending.exposedName} (${id}): it is pending again; decide with \`gatehouse approve ${id}\` or \`gatehouse reject ${id}\`\n`
      : `reopened ${id}: it will be pending again once its server is running\n`;
  }
  if (command === 'approve' && !input.terminal) {
    const change = await client.call('GET', `/pending/${path}`, PendingChangeSchema);
    if (needsTerminal(change.risk)) {
      throw new DecideRefused(
        `change ${id} (${change.exposedName}) has ${change.risk} risk: approving it needs a person at a terminal, and this command is not running in one (an agent's shell tool is not). Open the Gatehouse app to review it, or run \`gatehouse approve ${id}\` in a terminal yourself.`,
      );
    }
  }
  const r = await client.call('POST', `/pending/${path}/${command}`, z.object({ decision: z.string(), tool: z.string() }), { reason, by: 'cli', via: 'cli' });
  return `${r.decision} ${r.tool} (${id})\n${command === 'reject' ? `Rejected by mistake? \`gatehouse reopen ${id}\` puts it back to pending.\n` : ''}`;
}
