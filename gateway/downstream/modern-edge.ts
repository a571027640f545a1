// The 2026-07-28 revision's checks on a stateless HTTP request before anything is
// dispatched: the _meta envelope, headers that must agree with the body, the version,
// and methods that do not exist on that wire. The envelope and header rules are the MCP
// SDK's own classifier (they are fiddly and the SDK tracks the spec); the version and
// method rules are Gatehouse's (mux/era.ts), since they depend on what it serves.
import type { IncomingMessage } from 'node:http';
import { createRequire } from 'node:module';
import type * as ServerSdk from '@modelcontextprotocol/server';
import { cutText } from '../../shared/text/cut.ts';
import { EraErrorCode, modernRequestRejection, type EraRejection } from '../mux/era.ts';

// The server SDK is about 6 MB once loaded and an idle daemon never needs it: it is
// loaded with the first HTTP request that reaches this check (docs/performance.md).
let sdk: typeof ServerSdk | undefined;
const serverSdk = (): typeof ServerSdk => (sdk ??= createRequire(import.meta.url)('@modelcontextprotocol/server') as typeof ServerSdk);

export function modernEdgeRejection(req: IncomingMessage, body: unknown): EraRejection | undefined {
  const versionHeader = header(req, 'mcp-protocol-version');
  const methodHeader = header(req, 'mcp-method');
  const nameHeader = header(req, 'mcp-name');
  const outcome = serverSdk().classifyInboundRequest({
    httpMethod: req.method ?? 'POST',
    protocolVersionHeader: versionHeader,
    mcpMethodHeader: methodHeader,
    mcpNameHeader: nameHeader,
    body,
  });
  if (outcome.kind === 'reject') return { httpStatus: outcome.httpStatus, code: outcome.code, message: outcome.message, data: outcome.data };
  if (outcome.kind !== 'modern' || outcome.messageKind !== 'request') return undefined;
  const method = outcome.message.method;
  const raw = outcome.message.params;
  const params = raw !== null && typeof raw === 'object' ? (raw as Record<string, unknown>) : {};
  return headerRejection(method, params, versionHeader, methodHeader, nameHeader) ?? modernRequestRejection(method, params);
}

/** Which body field the Mcp-Name header must repeat, per method. */
const NAME_SOURCE: ReadonlyMap<string, string> = new Map([
  ['tools/call', 'name'],
  ['prompts/get', 'name'],
  ['resources/read', 'uri'],
]);
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * The standard headers a 2026-07-28 request must carry, agreeing with its body (SEP-2243):
 * intermediaries route on them, so a request whose headers say something else is refused.
 */
function headerRejection(
  method: string,
  params: Record<string, unknown>,
  version: string | undefined,
  methodHeader: string | undefined,
  nameHeader: string | undefined,
): EraRejection | undefined {
  const mismatch = (message: string): EraRejection => ({ httpStatus: 400, code: EraErrorCode.HeaderMismatch, message: `Bad Request: ${message}` });
  if (version === undefined) return mismatch('the required MCP-Protocol-Version header is absent');
  if (methodHeader === undefined) return mismatch(`the body names method ${cutText(method, 100)} but the required Mcp-Method header is absent`);
  const field = NAME_SOURCE.get(method);
  const value = field === undefined ? undefined : params[field];
  if (typeof value !== 'string') return undefined;
  if (nameHeader === undefined) return mismatch(`the body carries params.${field} but the required Mcp-Name header is absent`);
  const decoded = decodeHeaderValue(nameHeader.trim());
  if (decoded === undefined) return mismatch('the Mcp-Name header carries an invalid Base64 value');
  if (decoded !== value) return mismatch(`the Mcp-Name header does not name params.${field}`);
  return undefined;
}

/** Header values that are not plain ASCII travel as `=?base64?…?=`. */
function decodeHeaderValue(value: string): string | undefined {
  if (!(value.startsWith('=?base64?') && value.endsWith('?='))) return value;
  const b64 = value.slice(9, -2);
  if (!BASE64.test(b64)) return undefined;
  return Buffer.from(b64, 'base64').toString('utf8');
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}
