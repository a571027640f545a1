// Lists tools every 250 ms on its own thread and session, for bench/pinning.ts's daemon case, and posts how
// many of the grown server's new tools are listed: the 3 MB lists are parsed here, so their garbage does not
// pause the thread that times the calls to the other server.
import { parentPort, workerData } from 'node:worker_threads';
import { mcpClient } from './mcp-client.ts';

const { url, token } = workerData as { url: string; token: string };
const mcp = mcpClient(url, token);
await mcp.rpc('initialize', { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'bench-lister', version: '1' } });
for (;;) {
  const list = (await mcp.rpc('tools/list', {})) as { result: { tools: { name: string }[] } };
  // The grown list: n - 1 new tool_i_g1 plus echo; judged and listed bit by bit.
  parentPort!.postMessage(list.result.tools.filter((t) => /^big__tool_\d+_g1$/.test(t.name)).length + 1);
  await new Promise((r) => setTimeout(r, 250));
}
