// The 2026-07-28 revision's checks on a stateless HTTP request before anything is
// dispatched: the _meta envelope, headers that must agree with the body, the version,
// and methods that do not exist on that wire. The envelope and header rules are the MCP
// SDK's own classifier (they are fiddly and the SDK tracks the spec); the version and
// method rules are Gatehouse's (mux/era.ts), since they depend on what it serves.
import type { IncomingMessage } from 'node:http';
import { classifyInboundRequest } from '@modelcontextprotocol/server';
import { modernRequestRejection, type EraRejection } from '../mux/era.ts';

export function modernEdgeRejection(req: IncomingMessage, body: unknown): EraRejection | undefined {
  const outcome = classifyInboundRequest({
    httpMethod: req.method ?? 'POST',
    protocolVersionHeader: header(req, 'mcp-protocol-version'),
    mcpMethodHeader: header(req, 'mcp-method'),
    mcpNameHeader: header(req, 'mcp-name'),
    body,
  });
  if (outcome.kind === 'reject') return { httpStatus: outcome.httpStatus, code: outcome.code, message: outcome.message, data: outcome.data };
  if (outcome.kind !== 'modern' || outcome.messageKind !== 'request') return undefined;
  const params = outcome.message.params;
  return modernRequestRejection(outcome.message.method, params !== null && typeof params === 'object' ? params as Record<string, unknown> : {});
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}
