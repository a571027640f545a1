import type { Server } from 'node:http';
import * as oauth from 'oauth4webapi';
import type { Identity } from '../mux/gateway.ts';
import type { SecretBackend } from '../secrets/backend.ts';
import { loopbackRequestOptions as oauthOptions } from '../oauth/client.ts';
import { discoverIdp, ID_TOKEN_ACCOUNT, identityFromClaims, REFRESH_TOKEN_ACCOUNT } from './identity.ts';
import type { OrgConfig } from './org-config.ts';

// node:http through the CommonJS loader: an ESM import of it builds a facade that reads every export, and
// the lazy WebSocket getters among them load undici, 7 MB of an idle daemon's memory (docs/performance.md).
const { createServer } = process.getBuiltinModule('node:http');

// `gatehouse login`: OpenID Connect authorization code + PKCE in the system
// browser, with a loopback redirect on a port chosen now (RFC 8252). The ID
// token and refresh token go to the keychain; the daemon verifies the ID token
// when it loads it.

export class LoginError extends Error {}

const PAGE = (text: string) =>
  `<!doctype html><meta charset="utf-8"><title>Gatehouse</title><body style="font-family:system-ui;margin:3em"><h1>${text}</h1><p>You can close this tab.</p>`;

export async function loginToOrg(config: OrgConfig, backend: SecretBackend, openBrowser: (url: URL) => void, timeoutMs = 5 * 60_000): Promise<Identity> {
  if (!config.oidc) throw new LoginError(`org "${config.org}" has no identity provider configured: nothing to log in to`);
  const as = await discoverIdp(config.oidc.issuer).catch((err: Error) => {
    throw new LoginError(`cannot reach the identity provider ${config.oidc!.issuer}: ${err.message}`);
  });
  const client: oauth.Client = { client_id: config.oidc.clientId };
  const verifier = oauth.generateRandomCodeVerifier();
  const state = oauth.generateRandomState();
  const nonce = oauth.generateRandomNonce();

  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const redirectUri = `http://127.0.0.1:${(server.address() as { port: number }).port}/callback`;
  try {
    const callback = browserReturn(server, redirectUri, timeoutMs);
    const auth = new URL(as.authorization_endpoint!);
    auth.search = new URLSearchParams({
      client_id: client.client_id,
      response_type: 'code',
      redirect_uri: redirectUri,
      scope: 'openid email profile groups offline_access',
      state,
      nonce,
      code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      prompt: 'consent',
    }).toString();
    openBrowser(auth);
    return await redeem({ as, client, returned: await callback, state, nonce, verifier, redirectUri }, backend);
  } finally {
    server.closeAllConnections();
    server.close();
  }
}

/** The loopback listener's one job: take the browser's return to /callback, within the time allowed. */
function browserReturn(server: Server, redirectUri: string, timeoutMs: number): Promise<URL> {
  return new Promise<URL>((resolve, reject) => {
    const timer = setTimeout(() => reject(new LoginError('the login was not completed within 5 minutes')), timeoutMs);
    server.on('request', (req, res) => {
      const url = new URL(req.url ?? '/', redirectUri);
      if (url.pathname !== '/callback') {
        res.writeHead(404).end();
        return;
      }
      const failed = url.searchParams.get('error');
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(PAGE(failed ? 'Login failed' : 'Logged in to Gatehouse'));
      clearTimeout(timer);
      resolve(url);
    });
  });
}

interface Returned {
  as: oauth.AuthorizationServer;
  client: oauth.Client;
  returned: URL;
  state: string;
  nonce: string;
  verifier: string;
  redirectUri: string;
}

/** Checks the browser's answer against this login's state, trades the code for tokens, and keeps them in the keychain. */
async function redeem({ as, client, returned, state, nonce, verifier, redirectUri }: Returned, backend: SecretBackend): Promise<Identity> {
  let params: URLSearchParams;
  try {
    params = oauth.validateAuthResponse(as, client, returned, state);
  } catch (err) {
    throw new LoginError(`the identity provider refused the login: ${(err as Error).message}`);
  }
  const response = await oauth.authorizationCodeGrantRequest(
    as,
    client,
    oauth.None(),
    params,
    redirectUri,
    verifier,
    oauthOptions(new URL(as.token_endpoint!)),
  );
  const result = await oauth.processAuthorizationCodeResponse(as, client, response, { expectedNonce: nonce, requireIdToken: true });
  const claims = oauth.getValidatedIdTokenClaims(result);
  if (!result.id_token || !claims) throw new LoginError('the identity provider returned no ID token');
  await backend.set(ID_TOKEN_ACCOUNT, result.id_token);
  if (result.refresh_token) await backend.set(REFRESH_TOKEN_ACCOUNT, result.refresh_token);
  return identityFromClaims(claims);
}
