import type * as oauth from 'oauth4webapi';
import { z } from 'zod';
import type { Identity } from '../mux/gateway.ts';
import type { SecretBackend } from '../secrets/backend.ts';
import type { OrgConfig } from './org-config.ts';

// Who the user is, for policy: the subject of the ID token from the org's IdP,
// and its groups. The token is kept in the keychain and its signature checked
// against the IdP's keys each time the daemon loads it, so editing a local file
// cannot add a group. Without a login the user is the OS account, in no groups.

export const ID_TOKEN_ACCOUNT = 'org/id-token';
export const REFRESH_TOKEN_ACCOUNT = 'org/refresh-token';

export interface LoadedIdentity extends Identity {
  source: 'os' | 'oidc';
  problem: string | null;
}

const Claims = z.object({
  sub: z.string(),
  email: z.string().optional(),
  preferred_username: z.string().optional(),
  groups: z.array(z.string()).optional(),
});

/** IdP metadata, kept for an hour: a renewal and the verification after it need it once, not twice. */
const DISCOVERY_TTL_MS = 60 * 60_000;
const discovered = new Map<string, { at: number; as: Promise<oauth.AuthorizationServer> }>();

/** The OAuth library and its loopback-aware request options, loaded when an org login is first used: most daemons never need them. */
async function oauthClient() {
  const [lib, { loopbackRequestOptions }] = await Promise.all([import('oauth4webapi'), import('../oauth/client.ts')]);
  return { lib, options: loopbackRequestOptions };
}

export function discoverIdp(issuer: string): Promise<oauth.AuthorizationServer> {
  const hit = discovered.get(issuer);
  if (hit && Date.now() - hit.at < DISCOVERY_TTL_MS) return hit.as;
  const url = new URL(issuer);
  const as = oauthClient().then(async ({ lib, options }) =>
    lib.processDiscoveryResponse(url, await lib.discoveryRequest(url, { algorithm: 'oidc', ...options(url) })),
  );
  discovered.set(issuer, { at: Date.now(), as });
  as.catch(() => discovered.delete(issuer));
  return as;
}

/** One remote key set per IdP for the daemon's life: jose caches the keys and fetches again on an unknown key id. */
const keySets = new Map<string, ReturnType<typeof import('jose').createRemoteJWKSet>>();

export function identityFromClaims(claims: unknown): Identity {
  const c = Claims.parse(claims);
  return { user: c.email ?? c.preferred_username ?? c.sub, groups: c.groups ?? [] };
}

export async function loadIdentity(config: OrgConfig | null, backend: SecretBackend, osUser: string): Promise<LoadedIdentity> {
  const os: LoadedIdentity = { user: osUser, groups: [], source: 'os', problem: null };
  if (!config?.oidc) return os;
  let token: string | null;
  try {
    token = await backend.get(ID_TOKEN_ACCOUNT);
  } catch (err) {
    return { ...os, problem: `the keychain is unavailable: ${(err as Error).message}` };
  }
  if (!token) return { ...os, problem: 'not logged in to the org: run `gatehouse login`' };
  try {
    // Loaded only on desktops that log in to an org: most daemons never need it.
    const { createRemoteJWKSet, decodeJwt, jwtVerify } = await import('jose');
    const as = await discoverIdp(config.oidc.issuer);
    if (!as.jwks_uri) throw new Error('the IdP publishes no jwks_uri');
    let jwks = keySets.get(as.jwks_uri);
    if (!jwks) keySets.set(as.jwks_uri, (jwks = createRemoteJWKSet(new URL(as.jwks_uri), { timeoutDuration: 10_000 })));
    // Checked as of its own issue time: the signature and audience must hold; an old
    // login still says who the user is (the daemon renews it hourly, which refreshes the groups).
    const iat = decodeJwt(token).iat;
    const { payload } = await jwtVerify(token, jwks, {
      issuer: as.issuer,
      audience: config.oidc.clientId,
      ...(iat ? { currentDate: new Date(iat * 1000) } : {}),
    });
    return { ...identityFromClaims(payload), source: 'oidc', problem: null };
  } catch (err) {
    return { ...os, problem: `the stored login could not be verified (${(err as Error).message}); policy treats you as ${osUser} until \`gatehouse login\`` };
  }
}

export type RefreshOutcome = 'refreshed' | 'not-logged-in' | 'revoked';

/**
 * Renews the org login with its refresh token, so group changes at the IdP reach
 * policy without the user logging in again. A refresh the IdP refuses (the user
 * was disabled, the grant revoked) ends the login: policy falls back to the OS
 * account, which no group rule matches.
 */
export async function refreshOrgLogin(config: OrgConfig | null, backend: SecretBackend): Promise<RefreshOutcome> {
  if (!config?.oidc) return 'not-logged-in';
  const refreshToken = await backend.get(REFRESH_TOKEN_ACCOUNT);
  if (!refreshToken) return 'not-logged-in';
  const [as, { lib, options }] = await Promise.all([discoverIdp(config.oidc.issuer), oauthClient()]);
  const client: oauth.Client = { client_id: config.oidc.clientId };
  const response = await lib.refreshTokenGrantRequest(as, client, lib.None(), refreshToken, options(new URL(as.token_endpoint!)));
  let result: oauth.TokenEndpointResponse;
  try {
    result = await lib.processRefreshTokenResponse(as, client, response);
  } catch (err) {
    if (err instanceof lib.ResponseBodyError && err.error === 'invalid_grant') {
      await backend.delete(ID_TOKEN_ACCOUNT);
      await backend.delete(REFRESH_TOKEN_ACCOUNT);
      return 'revoked';
    }
    throw err;
  }
  if (result.id_token) await backend.set(ID_TOKEN_ACCOUNT, result.id_token);
  if (result.refresh_token) await backend.set(REFRESH_TOKEN_ACCOUNT, result.refresh_token);
  return 'refreshed';
}
