// A minimal stdio MCP server without the SDK, with N tools (default 40) and an
// echo: cheap to start fifty of, for the large tools/list benchmark.
//   node bench/list-server.ts N [--grow M]
// With --grow, a `grow` tool replaces the list with M tools never seen before and
// announces it (list_changed): first sight on demand, for bench/pinning.ts.
import { createInterface } from 'node:readline';
import { listTools as toolsOf } from './list-tools.ts';

const count = Number(process.argv[2] ?? 40);
const growTo = process.argv[3] === '--grow' ? Number(process.argv[4]) : 0;
const growTool = { name: 'grow', description: "Replaces this server's tools with new ones.", inputSchema: { type: 'object', properties: {} } };
let generation = 0;
let tools = [...toolsOf(count, ''), ...(growTo ? [growTool] : [])];
const send = (m: unknown) => process.stdout.write(`${JSON.stringify(m)}\n`);
createInterface({ input: process.stdin }).on('line', (line) => {
  const m = JSON.parse(line) as { id?: number | string; method?: string; params?: { name?: string; arguments?: { message?: string } } };
  if (m.id === undefined) return;
  switch (m.method) {
    case 'initialize':
      send({
        jsonrpc: '2.0',
        id: m.id,
        result: { protocolVersion: '2025-11-25', capabilities: { tools: { listChanged: true } }, serverInfo: { name: 'list-server', version: '1' } },
      });
      break;
    case 'tools/list':
      send({ jsonrpc: '2.0', id: m.id, result: { tools } });
      break;
    case 'tools/call':
      if (m.params?.name === 'grow' && growTo) {
        tools = [...toolsOf(growTo, `_g${++generation}`), growTool];
        send({ jsonrpc: '2.0', id: m.id, result: { content: [{ type: 'text', text: `now ${growTo} tools` }] } });
        send({ jsonrpc: '2.0', method: 'notifications/tools/list_changed' });
        break;
      }
      send({ jsonrpc: '2.0', id: m.id, result: { content: [{ type: 'text', text: m.params?.arguments?.message ?? '' }] } });
      break;
    default:
      send({ jsonrpc: '2.0', id: m.id, error: { code: -32601, message: 'not here' } });
  }
});
