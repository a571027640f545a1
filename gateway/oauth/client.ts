import * as oauth from 'oauth4webapi';
import { z } from 'zod';
import type { BearerChallenge } from './challenge.ts';

// OAuth 2.1 for remote MCP servers, per the MCP authorization spec, on
// oauth4webapi: protected-resource metadata (RFC 9728) from the 401, then
// authorization-server metadata (RFC 8414, then OpenID discovery); client
// registration in the spec's order (pre-registered, Client ID Metadata Document,
// Dynamic Client Registration); PKCE S256; the resource indicator (RFC 8707) on
// every request; the `iss` check of RFC 9207; refresh.

export interface OAuthClientConfig {
  clientName: string;
  redirectUri: string;
  /** Overrides the scope discovery would pick (from the challenge or the metadata). */
  scope?: string;
  preRegistered?: { clientId: string; clientSecret?: string };
  /** Our Client ID Metadata Document URL, used when the server supports it. */
  clientMetadataUrl?: string;
}

export interface AuthorizationSession {
  /** The resource indicator (RFC 8707) exactly as the server published it: sent as is, never re-serialised. */
  resource: string;
  as: oauth.AuthorizationServer;
  client: oauth.Client;
  clientAuth: oauth.ClientAuth;
  scope: string | undefined;
}

export interface Tokens {
  accessToken: string;
  refreshToken?: string;
  expiresAt?: number;
  scope?: string;
}

export class OAuthFlowError extends Error {}

const loopback = (url: URL) => ['127.0.0.1', 'localhost', '[::1]', '::1'].includes(url.hostname);
/** oauth4webapi refuses plain http; loopback servers (tests, local dev) are the one exception we make. */
export const loopbackRequestOptions = (url: URL) => (loopback(url) ? { [oauth.allowInsecureRequests]: true } : {});
const opts = loopbackRequestOptions;

/** The canonical resource identifier of an MCP server URL: no fragment, no trailing slash on the root. */
export function canonicalResource(serverUrl: string): string {
  const url = new URL(serverUrl);
  url.hash = '';
  // URL.href always gives the root path a slash; the canonical form has none there.
  return url.pathname === '/' && url.search === '' ? url.href.slice(0, -1) : url.href;
}

const ResourceMetadataSchema = z.object({
  resource: z.string(),
  authorization_servers: z.array(z.string()).optional(),
  scopes_supported: z.array(z.string()).optional(),
});
type ResourceMetadata = z.infer<typeof ResourceMetadataSchema>;

/**
 * Protected resource metadata (RFC 9728), or undefined where there is none. Read by hand rather than
 * with oauth4webapi's check, which compares `resource` with a re-serialised URL (a bare origin gains a
 * slash); whether the published resource covers our server is judged by the caller.
 */
async function readResourceMetadata(url: URL): Promise<ResourceMetadata | undefined> {
  if (url.protocol !== 'https:' && !loopback(url)) return undefined;
  let res: Response;
  try {
    res = await fetch(url, { headers: { accept: 'application/json' }, redirect: 'error' });
  } catch {
    return undefined;
  }
  if (!res.ok) return undefined;
  const parsed = ResourceMetadataSchema.safeParse(await res.json().catch(() => undefined));
  return parsed.success ? parsed.data : undefined;
}

/** Step-up (SEP-2350): the scopes asked for again are what was granted plus what the challenge names. */
export function scopeUnion(...scopes: (string | undefined)[]): string | undefined {
  const all = new Set(scopes.flatMap((s) => (s ?? '').split(' ').filter(Boolean)));
  return all.size ? [...all].join(' ') : undefined;
}

export async function discover(
  serverUrl: string,
  challenge: BearerChallenge | undefined,
): Promise<{ resource: string; as: oauth.AuthorizationServer; scope: string | undefined }> {
  const resource = new URL(canonicalResource(serverUrl));
  let prm: ResourceMetadata | undefined;
  if (challenge?.resourceMetadata) {
    prm = await readResourceMetadata(new URL(challenge.resourceMetadata));
    if (!prm) throw new OAuthFlowError(`no protected resource metadata at ${challenge.resourceMetadata}`);
  } else {
    // No pointer in the challenge: the well-known location for this path, then the root.
    for (const candidate of [resource, new URL('/', resource)]) {
      const path = candidate.pathname === '/' ? '' : candidate.pathname.replace(/\/$/, '');
      prm = await readResourceMetadata(new URL(`/.well-known/oauth-protected-resource${path}`, candidate));
      if (prm) break;
    }
  }
  // The metadata may name the server's URL or a parent of it (same origin, path prefix); anything else is
  // another resource, and a token for it must not be requested here.
  let target = canonicalResource(serverUrl);
  if (prm) {
    if (!URL.canParse(prm.resource)) throw new OAuthFlowError('protected resource metadata names a resource that is not a URL');
    const named = new URL(prm.resource);
    const prefix = named.pathname.endsWith('/') ? named.pathname : `${named.pathname}/`;
    const covers =
      named.origin === resource.origin &&
      (named.pathname === resource.pathname || named.pathname === '/' || resource.pathname.startsWith(prefix) || `${resource.pathname}/` === prefix);
    if (!covers) throw new OAuthFlowError(`protected resource metadata is for ${prm.resource}, not ${resource.href}`);
    // As published: `new URL(…).href` would add a slash to a bare origin, and the server compares strings.
    target = prm.resource;
  }
  const issuer = new URL(prm?.authorization_servers?.[0] ?? new URL('/', resource).href);
  const as = await discoverAuthorizationServer(issuer);
  const scope = challenge?.scope ?? (prm?.scopes_supported?.length ? prm.scopes_supported.join(' ') : undefined);
  return { resource: target, as, scope };
}

export async function discoverAuthorizationServer(issuer: URL): Promise<oauth.AuthorizationServer> {
  const errors: string[] = [];
  for (const algorithm of ['oauth2', 'oidc'] as const) {
    try {
      return await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, { algorithm, ...opts(issuer) }));
    } catch (err) {
      errors.push(`${algorithm}: ${(err as Error).message}`);
    }
  }
  // Servers of the 2025-03-26 era may have no metadata: the default endpoints at the issuer's root.
  if (errors.length) {
    const root = new URL('/', issuer);
    return {
      issuer: issuer.href,
      authorization_endpoint: new URL('/authorize', root).href,
      token_endpoint: new URL('/token', root).href,
      registration_endpoint: new URL('/register', root).href,
    };
  }
  throw new OAuthFlowError(`no authorization server metadata at ${issuer.href}`);
}

const AUTH_METHODS = ['client_secret_basic', 'client_secret_post', 'none'] as const;

/** Registers (or recognises) the client, in the spec's order. */
export async function register(as: oauth.AuthorizationServer, config: OAuthClientConfig): Promise<{ client: oauth.Client; clientAuth: oauth.ClientAuth }> {
  const supported = as.token_endpoint_auth_methods_supported ?? ['client_secret_basic'];
  if (config.preRegistered) {
    const client: oauth.Client = { client_id: config.preRegistered.clientId };
    return { client, clientAuth: authFor(supported, config.preRegistered.clientSecret) };
  }
  if (config.clientMetadataUrl && (as as { client_id_metadata_document_supported?: boolean }).client_id_metadata_document_supported) {
    return { client: { client_id: config.clientMetadataUrl, token_endpoint_auth_method: 'none' }, clientAuth: oauth.None() };
  }
  if (!as.registration_endpoint) throw new OAuthFlowError(`${as.issuer} supports no dynamic registration, and no client is pre-registered for it`);
  const method = AUTH_METHODS.find((m) => supported.includes(m)) ?? 'none';
  const response = await oauth.dynamicClientRegistrationRequest(
    as,
    {
      client_name: config.clientName,
      redirect_uris: [config.redirectUri],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: method,
      // A desktop app with a loopback redirect (RFC 8252): a native client.
      application_type: 'native',
    },
    opts(new URL(as.registration_endpoint)),
  );
  let client: oauth.Client;
  try {
    client = await oauth.processDynamicClientRegistrationResponse(response);
  } catch (err) {
    // Many servers omit client_secret_expires_at (RFC 7591 asks for it with a secret); accept the registration anyway.
    const body = (err as { cause?: { body?: Record<string, unknown> } }).cause?.body;
    if (!body || typeof body.client_id !== 'string') throw err;
    client = body as oauth.Client;
  }
  return { client, clientAuth: authFor([String(client.token_endpoint_auth_method ?? method)], client.client_secret as string | undefined) };
}

/**
 * client_secret_basic with RFC 6749 §2.3.1 form encoding. oauth4webapi's own
 * percent-encodes characters such as "-" that servers commonly fail to decode.
 */
function clientSecretBasic(secret: string): oauth.ClientAuth {
  const form = (v: string) => encodeURIComponent(v).replace(/%20/g, '+');
  return (_as, client, _body, headers) => {
    headers.set('authorization', `Basic ${Buffer.from(`${form(client.client_id)}:${form(secret)}`).toString('base64')}`);
  };
}

function authFor(methods: readonly string[], secret: string | undefined): oauth.ClientAuth {
  if (secret && methods.includes('client_secret_basic')) return clientSecretBasic(secret);
  if (secret && methods.includes('client_secret_post')) return oauth.ClientSecretPost(secret);
  if (secret && !methods.includes('none')) return clientSecretBasic(secret);
  return oauth.None();
}

/**
 * Runs the whole authorization-code flow. `userAgent` shows the authorization URL
 * to the user (the system browser, in Gatehouse) and resolves with the URL the
 * authorization server redirected back to.
 */
export async function authorize(
  serverUrl: string,
  challenge: BearerChallenge | undefined,
  config: OAuthClientConfig,
  userAgent: (authorizationUrl: URL) => Promise<URL>,
): Promise<{ session: AuthorizationSession; tokens: Tokens }> {
  const discovered = await discover(serverUrl, challenge);
  const { resource, as } = discovered;
  const scope = config.scope ?? discovered.scope;
  const methods = as.code_challenge_methods_supported;
  if (methods && !methods.includes('S256')) throw new OAuthFlowError(`${as.issuer} does not support PKCE with S256; refusing to authorize without it`);
  const { client, clientAuth } = await register(as, config);
  const session: AuthorizationSession = { resource, as, client, clientAuth, scope };
  const verifier = oauth.generateRandomCodeVerifier();
  const state = oauth.generateRandomState();
  const url = new URL(as.authorization_endpoint!);
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('client_id', client.client_id);
  url.searchParams.set('redirect_uri', config.redirectUri);
  url.searchParams.set('code_challenge', await oauth.calculatePKCECodeChallenge(verifier));
  url.searchParams.set('code_challenge_method', 'S256');
  url.searchParams.set('state', state);
  url.searchParams.set('resource', resource);
  if (scope) url.searchParams.set('scope', scope);
  const callback = await userAgent(url);
  // Checks state, error responses and, where the server declares it, the iss parameter (RFC 9207).
  const params = oauth.validateAuthResponse(as, client, callback, state);
  const sentAt = Date.now();
  const response = await oauth.authorizationCodeGrantRequest(as, client, clientAuth, params, config.redirectUri, verifier, {
    additionalParameters: { resource },
    ...opts(new URL(as.token_endpoint!)),
  });
  const result = await oauth.processAuthorizationCodeResponse(as, client, response);
  return { session, tokens: toTokens(result, scope, sentAt) };
}

/** Rebuilds a session from what a login stored, to refresh its token later. */
export async function resumeSession(stored: {
  issuer: string;
  clientId: string;
  clientSecret?: string;
  method: string;
  resource: string;
  scope?: string;
}): Promise<AuthorizationSession> {
  const as = await discoverAuthorizationServer(new URL(stored.issuer));
  return {
    resource: stored.resource,
    as,
    client: { client_id: stored.clientId },
    clientAuth: authFor([stored.method], stored.clientSecret),
    scope: stored.scope,
  };
}

/** The token endpoint authentication a session uses, to store alongside it. */
export function authMethodOf(session: AuthorizationSession, clientSecret: string | undefined): string {
  const supported = session.as.token_endpoint_auth_methods_supported ?? ['client_secret_basic'];
  return clientSecret
    ? supported.includes('client_secret_basic')
      ? 'client_secret_basic'
      : supported.includes('client_secret_post')
        ? 'client_secret_post'
        : 'client_secret_basic'
    : 'none';
}

export async function refresh(session: AuthorizationSession, refreshToken: string): Promise<Tokens> {
  const sentAt = Date.now();
  const response = await oauth.refreshTokenGrantRequest(session.as, session.client, session.clientAuth, refreshToken, {
    additionalParameters: { resource: session.resource },
    ...opts(new URL(session.as.token_endpoint!)),
  });
  const result = await oauth.processRefreshTokenResponse(session.as, session.client, response);
  const tokens = toTokens(result, session.scope, sentAt);
  return tokens.refreshToken ? tokens : { ...tokens, refreshToken };
}

/** A token's life counts from when it was asked for: the provider's clock started before its answer reached us. */
function toTokens(result: oauth.TokenEndpointResponse, requestedScope: string | undefined, sentAt: number): Tokens {
  return {
    accessToken: result.access_token,
    ...(result.refresh_token ? { refreshToken: result.refresh_token } : {}),
    ...(result.expires_in ? { expiresAt: sentAt + result.expires_in * 1000 } : {}),
    ...((result.scope ?? requestedScope) ? { scope: result.scope ?? requestedScope } : {}),
  };
}
