import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { CLI } from './daemon.ts';

export type ClientCaps = ConstructorParameters<typeof Client>[1];

/** A real MCP SDK client talking to Gatehouse through `gatehouse stdio`. */
export async function stdioClient(dataDir: string, agent: string, options: ClientCaps = {}, extraArgs: string[] = []): Promise<Client> {
  const client = new Client({ name: `test-${agent}`, version: '1.0.0' }, options);
  await client.connect(new StdioClientTransport({
    command: process.execPath,
    args: [CLI, 'stdio', '--agent', agent, '--data-dir', dataDir, ...extraArgs],
    stderr: 'pipe',
  }));
  return client;
}

/** A real MCP SDK client talking to Gatehouse over Streamable HTTP with an agent token. */
export async function httpClient(url: string, token: string | undefined, options: ClientCaps = {}): Promise<Client> {
  const client = new Client({ name: 'test-http', version: '1.0.0' }, options);
  const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
  await client.connect(new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers } }));
  return client;
}

/** Closes an HTTP client the polite way: DELETE the session, then close. */
export async function closeHttp(client: Client): Promise<void> {
  const transport = client.transport as StreamableHTTPClientTransport | undefined;
  await transport?.terminateSession().catch(() => {});
  await client.close();
}
