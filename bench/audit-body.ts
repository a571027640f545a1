// One audit record's canonical JSON as a desktop writes it for a tool call: the body
// the ingest benches chain, sign, ship and store. Three calls share a correlation id,
// and the arguments hold quotes and a backslash, which text encodings must escape.
export function auditBody(seq: number): string {
  return JSON.stringify({
    id: `r${seq}`,
    ts: new Date().toISOString(),
    type: 'tools/call',
    correlationId: `c${Math.floor(seq / 3)}`,
    user: 'alice@acme.com',
    agent: 'cursor',
    clientInfo: { name: 'Cursor', version: '1' },
    server: 'memory',
    tool: 'memory__read_graph',
    arguments: { q: `find "notes" \\ ${seq}` },
    decision: { effect: 'allow', rule: 'all' },
    outcome: 'ok',
    error: null,
    latencyMs: 0.4,
    result: { bytes: 120, contentTypes: ['text'], sha256: 'a'.repeat(64), excerpt: 'hello' },
    bundleVersion: 3,
  });
}
