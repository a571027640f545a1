import { z } from 'zod';
import { AgentRequestSchema, type AgentRequest } from '../../shared/control/contract.ts';
import type { ControlClient } from './daemon-client.ts';
import { withSelf } from './self-command.ts';

const Requests = z.object({ requests: z.array(AgentRequestSchema) });

function describe(r: AgentRequest): string {
  const tools = r.tools.length
    ? `may call ${r.tools.length} tool${r.tools.length === 1 ? '' : 's'} (${r.tools.slice(0, 5).join(', ')}${r.tools.length > 5 ? ', …' : ''})`
    : 'may call no tool under the current policy';
  return `${r.id.slice(0, 8)}  ${r.client} → agent "${r.agent}", token to ${r.redirect}${r.remote ? ' (LEAVES THIS MACHINE)' : ''}; ${tools}`;
}

/** `gatehouse token requests|allow ID [--agent NAME]|deny ID`: the person's answer to an agent's OAuth connection. */
export async function agentRequestsCommand(
  client: ControlClient,
  action: 'requests' | 'allow' | 'deny',
  id: string | undefined,
  agent: string | undefined,
): Promise<string> {
  const { requests } = await client.call('GET', '/agent-requests', Requests);
  if (action === 'requests') {
    if (requests.length === 0) return 'No client is waiting to connect.\n';
    return `${requests.map(describe).join('\n')}\n${withSelf('Answer with `gatehouse token allow ID [--agent NAME]` or `gatehouse token deny ID`.')}\n`;
  }
  if (!id || !/^[0-9a-f]{4,32}$/.test(id)) throw new Error(withSelf('name the request by the id `gatehouse token requests` shows'));
  const matches = requests.filter((r) => r.id.startsWith(id));
  if (matches.length !== 1)
    throw new Error(
      withSelf(
        matches.length
          ? `"${id}" matches ${matches.length} requests: give more of the id`
          : `no waiting request starts with "${id}" (\`gatehouse token requests\` lists them)`,
      ),
    );
  const r = await client.call(
    'POST',
    `/agent-requests/${matches[0]!.id}/${action}`,
    z.object({ allowed: z.boolean(), agent: z.string() }),
    action === 'allow' && agent ? { agent } : {},
  );
  return r.allowed
    ? withSelf(`allowed: ${matches[0]!.client} connects as agent "${r.agent}" (revoke with \`gatehouse token revoke --agent ${r.agent}\`)\n`)
    : `denied: ${matches[0]!.client} gets no token\n`;
}
