import { z } from 'zod';
import type { ControlClient } from './daemon-client.ts';
import { withSelf } from './self-command.ts';

const ACTIONS = ['enable', 'disable', 'restart'] as const;

/** `gatehouse server enable|disable|restart ID`: what the dashboard's Servers page does, from a terminal. */
export async function serverCommand(client: ControlClient, action: string | undefined, id: string | undefined): Promise<string> {
  if (!action || !(ACTIONS as readonly string[]).includes(action)) throw new Error(withSelf('say what to do: `gatehouse server enable|disable|restart ID`'));
  if (!id) throw new Error(withSelf(`name the server to ${action} (\`gatehouse status\` lists them)`));
  if (action === 'restart') {
    await client.call('POST', `/servers/${encodeURIComponent(id)}/restart`, z.object({ restarted: z.string() }));
    return `${id}: restarting\n`;
  }
  const enabled = action === 'enable';
  await client.call('POST', `/servers/${encodeURIComponent(id)}/enabled`, z.object({ server: z.string(), enabled: z.boolean() }), { enabled });
  return enabled
    ? `${id}: switched on; it starts now and its tools come back once it is ready\n`
    : withSelf(`${id}: switched off on this desktop; its tools are gone from every agent until \`gatehouse server enable ${id}\`\n`);
}
