import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBodyText } from '../framing/read-body.ts';
import { ClientRegistry, RegistrationSchema } from './clients.ts';
import { Consents, type ConsentRequest } from './consents.ts';

// Gatehouse's loopback MCP endpoint as an OAuth protected resource (RFC 9728) with its
// own small authorization server (RFC 8414 metadata, RFC 7591 registration, the
// authorization code grant with PKCE S256, RFC 9207 `iss`). A client that speaks MCP
// auth (VS Code, the MCP Inspector) finds it from the 401 and connects without a
// pasted token; the token it gets is an ordinary agent token, revocable like any.

const MAX_BODY = 16 * 1024;
const VERIFIER = /^[A-Za-z0-9._~-]{43,128}$/;
const CHALLENGE = /^[A-Za-z0-9_-]{43}$/;

export interface AgentAuthOptions {
  dataDir?: string;
  /** Issues (and lists, to keep names unique) the agent tokens the endpoint accepts. */
  tokens: { create(agent: string): string; list(): { agent: string }[] };
  /** A client asked to connect: tell the person (dashboard, tray, CLI). */
  onRequest?(request: ConsentRequest): void;
  /** A token was issued through OAuth (for the audit log). */
  onIssued?(request: ConsentRequest): void;
  now?: () => number;
}

/** The agent name a client gets by default: its own name, made an agent name, and not one already in use. */
export function agentNameFor(clientName: string, taken: ReadonlySet<string>): string {
  const base =
    clientName
      .toLowerCase()
      .normalize('NFKD')
      .replace(/[^a-z0-9._-]+/g, '-')
      .replace(/^[-.]+|[-.]+$/g, '')
      .slice(0, 48) || 'oauth-client';
  if (!taken.has(base)) return base;
  for (let i = 2; ; i++) if (!taken.has(`${base}-${i}`)) return `${base}-${i}`;
}

export class AgentAuth {
  readonly consents: Consents;
  readonly clients: ClientRegistry;
  private readonly opts: AgentAuthOptions;

  constructor(opts: AgentAuthOptions) {
    this.opts = opts;
    this.consents = new Consents(opts.now);
    this.clients = new ClientRegistry(opts.dataDir);
  }

  /** Where a client learns how to get a token: the value of WWW-Authenticate on a 401 from /mcp. */
  static challenge(base: string, invalidToken: boolean): string {
    return `Bearer realm="gatehouse", resource_metadata="${base}/.well-known/oauth-protected-resource/mcp"${invalidToken ? ', error="invalid_token"' : ''}`;
  }

  /** Serves the OAuth paths; false for any other path. `base` is this listener's origin as the client named it. */
  handle(req: IncomingMessage, res: ServerResponse, path: string, base: string): boolean {
    const route = `${req.method ?? ''} ${path}`;
    switch (route) {
      case 'GET /.well-known/oauth-protected-resource':
      case 'GET /.well-known/oauth-protected-resource/mcp':
        json(res, 200, { resource: `${base}/mcp`, authorization_servers: [base], bearer_methods_supported: ['header'], resource_name: 'Gatehouse' });
        return true;
      case 'GET /.well-known/oauth-authorization-server':
      case 'GET /.well-known/openid-configuration':
        json(res, 200, this.metadata(base));
        return true;
      case 'POST /oauth/register':
        settle(this.register(req, res), res);
        return true;
      case 'GET /oauth/authorize':
        this.authorize(req, res, base);
        return true;
      case 'POST /oauth/token':
        settle(this.token(req, res, base), res);
        return true;
      default:
        return false;
    }
  }

  /** The person allowed a request (from the control API, never from the client's side). */
  allow(id: string, by: string, agent?: string): ConsentRequest | undefined {
    if (agent !== undefined && !/^[A-Za-z0-9._-]{1,64}$/.test(agent)) return undefined;
    return this.consents.decide(id, true, by, agent);
  }

  deny(id: string, by: string): ConsentRequest | undefined {
    return this.consents.decide(id, false, by);
  }

  private metadata(base: string): Record<string, unknown> {
    return {
      issuer: base,
      authorization_endpoint: `${base}/oauth/authorize`,
      token_endpoint: `${base}/oauth/token`,
      registration_endpoint: `${base}/oauth/register`,
      response_types_supported: ['code'],
      grant_types_supported: ['authorization_code'],
      code_challenge_methods_supported: ['S256'],
      token_endpoint_auth_methods_supported: ['none'],
      authorization_response_iss_parameter_supported: true,
      // Fetching a client's metadata document would mean the daemon fetching any URL an unauthenticated caller names.
      client_id_metadata_document_supported: false,
    };
  }

  private async register(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBodyText(req, MAX_BODY);
    let body: unknown;
    try {
      body = raw === undefined ? undefined : JSON.parse(raw);
    } catch {
      body = undefined;
    }
    const parsed = RegistrationSchema.safeParse(body);
    if (!parsed.success) {
      json(res, 400, {
        error: 'invalid_client_metadata',
        error_description: 'send JSON client metadata with redirect_uris; public clients only (token_endpoint_auth_method "none")',
      });
      return;
    }
    const client = this.clients.register(parsed.data);
    if (typeof client === 'string') {
      json(res, 400, { error: 'invalid_redirect_uri', error_description: client });
      return;
    }
    json(res, 201, {
      client_id: client.clientId,
      client_id_issued_at: Math.floor(client.createdAt / 1000),
      client_name: client.clientName,
      redirect_uris: client.redirectUris,
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
    });
  }

  private authorize(req: IncomingMessage, res: ServerResponse, base: string): void {
    const q = new URL(req.url ?? '/', base).searchParams;
    const waiting = q.get('request');
    if (waiting !== null) {
      this.waitingPage(res, waiting, base);
      return;
    }
    const client = this.clients.get(q.get('client_id') ?? '');
    if (!client) {
      page(res, 400, 'Unknown client', 'This client is not registered with Gatehouse. Reconnect from your IDE; it registers again by itself.');
      return;
    }
    const redirectUri = q.get('redirect_uri') ?? (client.redirectUris.length === 1 ? client.redirectUris[0]! : '');
    // A wrong redirect is never followed: the code could go to someone else.
    if (!client.redirectUris.includes(redirectUri)) {
      page(res, 400, 'Wrong redirect', 'The redirect address does not match the one this client registered.');
      return;
    }
    const state = q.get('state') ?? undefined;
    const fail = (error: string, description: string) => redirect(res, redirectUri, { error, error_description: description, state, iss: base });
    if (q.get('response_type') !== 'code') {
      fail('unsupported_response_type', 'only response_type=code');
      return;
    }
    const challenge = q.get('code_challenge') ?? '';
    if (q.get('code_challenge_method') !== 'S256' || !CHALLENGE.test(challenge)) {
      fail('invalid_request', 'PKCE with code_challenge_method=S256 is required');
      return;
    }
    const resource = q.get('resource') ?? `${base}/mcp`;
    if (resource !== `${base}/mcp` && resource !== base) {
      fail('invalid_target', `this server issues tokens for ${base}/mcp only`);
      return;
    }
    const taken = new Set(this.opts.tokens.list().map((t) => t.agent));
    const request = this.consents.open({
      clientId: client.clientId,
      clientName: client.clientName,
      redirectUri,
      state,
      codeChallenge: challenge,
      resource: `${base}/mcp`,
      agent: agentNameFor(client.clientName, taken),
    });
    this.opts.onRequest?.(request);
    res.writeHead(303, { location: `${base}/oauth/authorize?request=${request.id}`, 'cache-control': 'no-store' }).end();
  }

  /** The page the browser waits on until the person decides in Gatehouse; it reloads itself, no script needed. */
  private waitingPage(res: ServerResponse, id: string, base: string): void {
    const request = /^[0-9a-f]{32}$/.test(id) ? this.consents.get(id) : undefined;
    if (!request) {
      page(
        res,
        404,
        'Request expired',
        'This connection request is no longer open (it was used, or it waited more than 10 minutes). Connect again from your IDE.',
      );
      return;
    }
    if (request.status === 'denied') {
      this.consents.issueCode(request); // spends the request; the code is never shown
      redirect(res, request.redirectUri, { error: 'access_denied', error_description: 'the person at this desktop declined', state: request.state, iss: base });
      return;
    }
    if (request.status === 'allowed') {
      redirect(res, request.redirectUri, { code: this.consents.issueCode(request), state: request.state, iss: base });
      return;
    }
    page(
      res,
      200,
      `Allow ${request.clientName}?`,
      `${request.clientName} asks to connect to Gatehouse as the agent "${request.agent}". Allow or deny it in Gatehouse: the dashboard's Overview (run \`gatehouse dashboard\`), or \`gatehouse token allow ${request.id.slice(0, 8)}\`. This page moves on by itself.`,
      2,
    );
  }

  private async token(req: IncomingMessage, res: ServerResponse, base: string): Promise<void> {
    const raw = await readBodyText(req, MAX_BODY);
    const f = new URLSearchParams(raw ?? '');
    const error = (status: number, code: string, description: string) => json(res, status, { error: code, error_description: description });
    if (raw === undefined) {
      error(400, 'invalid_request', 'the body must be a form of at most 16 KiB');
      return;
    }
    if (f.get('grant_type') !== 'authorization_code') {
      error(400, 'unsupported_grant_type', 'only authorization_code');
      return;
    }
    const issued = this.consents.redeem(f.get('code') ?? '');
    if (!issued) {
      error(400, 'invalid_grant', 'the code is unknown, used or expired');
      return;
    }
    const c = issued.consent;
    if (f.get('client_id') !== c.clientId) {
      error(400, 'invalid_grant', 'the code was issued to another client');
      return;
    }
    if ((f.get('redirect_uri') ?? c.redirectUri) !== c.redirectUri) {
      error(400, 'invalid_grant', 'redirect_uri differs from the authorization request');
      return;
    }
    const resource = f.get('resource');
    if (resource !== null && resource !== c.resource && resource !== base) {
      error(400, 'invalid_target', `this server issues tokens for ${c.resource} only`);
      return;
    }
    const verifier = f.get('code_verifier') ?? '';
    if (!VERIFIER.test(verifier) || createHash('sha256').update(verifier).digest('base64url') !== c.codeChallenge) {
      error(400, 'invalid_grant', 'PKCE verification failed');
      return;
    }
    const taken = new Set(this.opts.tokens.list().map((t) => t.agent));
    // Never replace another client's token: if the name was taken meanwhile, a fresh one.
    const agent = taken.has(c.agent) ? agentNameFor(c.agent, taken) : c.agent;
    const token = this.opts.tokens.create(agent);
    this.clients.used(c.clientId);
    this.opts.onIssued?.({ ...c, agent });
    json(res, 200, { access_token: token, token_type: 'Bearer' });
  }
}

/**
 * Anyone on loopback can reach these routes without a token: a body cut off
 * mid-way (the read rejects) or a failed write of the client file must cost that
 * request only, never reach the process as an unhandled rejection.
 */
function settle(work: Promise<void>, res: ServerResponse): void {
  work.catch(() => {
    if (res.headersSent || res.destroyed) {
      res.destroy();
      return;
    }
    json(res, 500, { error: 'server_error', error_description: 'the request could not be handled' });
  });
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store', pragma: 'no-cache' }).end(JSON.stringify(body));
}

function redirect(res: ServerResponse, to: string, params: Record<string, string | undefined>): void {
  const url = new URL(to);
  for (const [k, v] of Object.entries(params)) if (v !== undefined) url.searchParams.set(k, v);
  res.writeHead(303, { location: url.href, 'cache-control': 'no-store', 'referrer-policy': 'no-referrer' }).end();
}

const escape = (s: string) => s.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(res: ServerResponse, status: number, title: string, text: string, refreshSeconds?: number): void {
  const refresh = refreshSeconds ? `<meta http-equiv="refresh" content="${refreshSeconds}">` : '';
  const body = `<!doctype html><html lang="en"><meta charset="utf-8">${refresh}<title>Gatehouse: ${escape(title)}</title><body style="font:16px system-ui;margin:4em;max-width:40em"><h1>${escape(title)}</h1><p>${escape(text).replace(/`([^`]+)`/g, '<code>$1</code>')}</p></body></html>`;
  res
    .writeHead(status, {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      'referrer-policy': 'no-referrer',
      'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
      'x-frame-options': 'DENY',
    })
    .end(body);
}
