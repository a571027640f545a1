// The floor of the HTTP latency benchmark: a Streamable HTTP endpoint that answers at
// once, with no upstream, no SDK and no checks. What a client measures against it is the
// client's own cost plus one loopback HTTP exchange, which no proxy can go below, so the
// best ratio any proxy could reach against a peer is the peer's p50 over this floor.
//   node bench/floor-server.ts   (prints {"port": N} when listening)
import { createServer } from 'node:http';

const echo = { name: 'echo', description: 'Echoes its message.', inputSchema: { type: 'object', properties: { message: { type: 'string' } } } };

function answer(method: string, params: { arguments?: { message?: unknown } } | undefined): unknown {
  if (method === 'initialize') return { protocolVersion: '2025-06-18', capabilities: { tools: {} }, serverInfo: { name: 'floor', version: '1' } };
  if (method === 'tools/list') return { tools: [echo] };
  if (method === 'tools/call') return { content: [{ type: 'text', text: String(params?.arguments?.message ?? '') }] };
  return {};
}

const server = createServer((req, res) => {
  if (req.method !== 'POST') {
    res.writeHead(405).end();
    return;
  }
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const m = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { id?: number | string; method: string; params?: { arguments?: { message?: unknown } } };
    if (m.id === undefined) {
      res.writeHead(202).end();
      return;
    }
    const body = JSON.stringify({ jsonrpc: '2.0', id: m.id, result: answer(m.method, m.params) });
    res.writeHead(200, { 'content-type': 'application/json', 'mcp-session-id': 'floor' }).end(body);
  });
});
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  process.stdout.write(`${JSON.stringify({ port: typeof address === 'object' && address ? address.port : 0 })}\n`);
});
