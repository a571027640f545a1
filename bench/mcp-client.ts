// A minimal Streamable HTTP MCP client for the benches: one session, enough to call and list.

/** A minimal Streamable HTTP client with one session: enough to call and list. */
export function mcpClient(url: string, token: string) {
  let session: string | undefined;
  let id = 0;
  return {
    async rpc(method: string, params: Record<string, unknown>): Promise<unknown> {
      const res = await fetch(url, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
          'mcp-protocol-version': '2025-11-25',
          ...(session ? { 'mcp-session-id': session } : {}),
        },
        body: JSON.stringify({ jsonrpc: '2.0', id: ++id, method, params }),
      });
      session = res.headers.get('mcp-session-id') ?? session;
      const text = await res.text();
      const json = text.startsWith('{')
        ? text
        : (text
            .split('\n')
            .reverse()
            .find((l) => l.startsWith('data: {'))
            ?.slice(6) ?? 'null');
      if (method === 'initialize')
        await fetch(url, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'mcp-session-id': session ?? '' },
          body: JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }),
        });
      return JSON.parse(json) as unknown;
    },
  };
}
