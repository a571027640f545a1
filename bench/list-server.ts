// A minimal stdio MCP server without the SDK, with N tools (default 40) and an
// echo: cheap to start fifty of, for the large tools/list benchmark.
import { createInterface } from 'node:readline';

const count = Number(process.argv[2] ?? 40);
const tools = Array.from({ length: count }, (_, i) => ({
  name: i === 0 ? 'echo' : `tool_${i}`,
  description: `Benchmark tool number ${i}, which does nothing in particular but has a realistic description length for a tool.`,
  inputSchema: { type: 'object', properties: { message: { type: 'string', description: 'A message' }, count: { type: 'integer' } }, required: ['message'] },
}));
const send = (m: unknown) => process.stdout.write(`${JSON.stringify(m)}\n`);
createInterface({ input: process.stdin }).on('line', (line) => {
  const m = JSON.parse(line) as { id?: number | string; method?: string; params?: { arguments?: { message?: string } } };
  if (m.id === undefined) return;
  switch (m.method) {
    case 'initialize': send({ jsonrpc: '2.0', id: m.id, result: { protocolVersion: '2025-11-25', capabilities: { tools: {} }, serverInfo: { name: 'list-server', version: '1' } } }); break;
    case 'tools/list': send({ jsonrpc: '2.0', id: m.id, result: { tools } }); break;
    case 'tools/call': send({ jsonrpc: '2.0', id: m.id, result: { content: [{ type: 'text', text: m.params?.arguments?.message ?? '' }] } }); break;
    default: send({ jsonrpc: '2.0', id: m.id, error: { code: -32601, message: 'not here' } });
  }
});
