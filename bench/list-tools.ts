// The tools bench/list-server.ts offers: shared so a bench can pin them in its bundle.

export function listTools(n: number, tag = ''): Record<string, unknown>[] {
  return Array.from({ length: n }, (_, i) => ({
    name: i === 0 ? 'echo' : `tool_${i}${tag}`,
    description: `Benchmark tool number ${i}${tag}, which does nothing in particular but has a realistic description length for a tool.`,
    inputSchema: { type: 'object', properties: { message: { type: 'string', description: 'A message' }, count: { type: 'integer' } }, required: ['message'] },
  }));
}
