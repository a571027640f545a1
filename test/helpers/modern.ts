// A 2026-07-28 agent over Streamable HTTP, without an SDK: one stateless POST per
// request, with the _meta envelope and the headers the revision wants, and the one
// JSON-RPC answer read whether it came as JSON or on an SSE stream.

export interface Answer {
  status: number;
  body: {
    id?: unknown;
    result?: Record<string, unknown> & {
      requestState?: string;
      taskId?: string;
      status?: string;
      inputRequests?: Record<string, { method: string }>;
      content?: { text?: string }[];
    };
    error?: { code: number; message: string; data?: unknown };
  };
}

/** The answer to a POST's request: the JSON body, or the SSE event that carries an id. */
export async function answerOf(res: Response): Promise<Answer['body']> {
  const raw = await res.text();
  if (!(res.headers.get('content-type') ?? '').includes('text/event-stream')) return JSON.parse(raw) as Answer['body'];
  const events = raw.split('\n').filter((l) => l.startsWith('data:') && l.length > 6);
  return events.map((l) => JSON.parse(l.slice(5)) as Answer['body']).find((m) => m.id !== undefined)!;
}

/** One stateless request; `caps` are the client capabilities its envelope declares. */
export async function modernRequest(
  url: string,
  token: string,
  method: string,
  params: Record<string, unknown>,
  caps: Record<string, unknown> = {},
  id = 1,
): Promise<Answer> {
  const envelope = {
    'io.modelcontextprotocol/protocolVersion': '2026-07-28',
    'io.modelcontextprotocol/clientCapabilities': caps,
    'io.modelcontextprotocol/clientInfo': { name: 'raw', version: '1' },
  };
  const headers: Record<string, string> = {
    authorization: `Bearer ${token}`,
    'content-type': 'application/json',
    accept: 'application/json, text/event-stream',
    'mcp-protocol-version': '2026-07-28',
    'mcp-method': method,
  };
  if (typeof params.name === 'string') headers['mcp-name'] = params.name;
  const body = JSON.stringify({ jsonrpc: '2.0', id, method, params: { ...params, _meta: envelope } });
  const res = await fetch(url, { method: 'POST', headers, body });
  return { status: res.status, body: await answerOf(res) };
}

/**
 * A 2025-era agent over Streamable HTTP, without an SDK: initialize and initialized, then
 * `post` sends any body under the session (raw Response), `request` a request and reads its answer.
 */
export async function legacySession(url: string, token: string, capabilities: Record<string, unknown>) {
  const headers: Record<string, string> = {
    authorization: `Bearer ${token}`,
    'content-type': 'application/json',
    accept: 'application/json, text/event-stream',
  };
  const post = (body: unknown, signal?: AbortSignal) => fetch(url, { method: 'POST', headers, body: JSON.stringify(body), signal });
  const opened = await post({
    jsonrpc: '2.0',
    id: 0,
    method: 'initialize',
    params: { protocolVersion: '2025-11-25', capabilities, clientInfo: { name: 'old', version: '1' } },
  });
  headers['mcp-session-id'] = opened.headers.get('mcp-session-id')!;
  const init = await answerOf(opened);
  headers['mcp-protocol-version'] = '2025-11-25';
  await (await post({ jsonrpc: '2.0', method: 'notifications/initialized' })).text();
  let id = 0;
  const request = async (method: string, params: Record<string, unknown>) => answerOf(await post({ jsonrpc: '2.0', id: ++id, method, params }));
  return { headers, init, post, request };
}
