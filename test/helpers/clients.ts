import assert from 'node:assert/strict';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { CLI } from './daemon.ts';

export type ClientCaps = ConstructorParameters<typeof Client>[1];

/** A real MCP SDK client talking to Gatehouse through `gatehouse stdio`. */
export async function stdioClient(dataDir: string, agent: string, options: ClientCaps = {}, extraArgs: string[] = []): Promise<Client> {
  const client = new Client({ name: `test-${agent}`, version: '1.0.0' }, options);
  await client.connect(
    new StdioClientTransport({
      command: process.execPath,
      args: [CLI, 'stdio', '--agent', agent, '--data-dir', dataDir, ...extraArgs],
      stderr: 'pipe',
    }),
  );
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

/** The JSON-RPC error a call ends in (the SDK throws it); fails the test if the call succeeds. */
export async function refusal(p: Promise<unknown>): Promise<{ code: number; message: string; data: Record<string, unknown> }> {
  try {
    await p;
  } catch (err) {
    return err as { code: number; message: string; data: Record<string, unknown> };
  }
  assert.fail('the call was not refused');
}
