// What the dashboard window may load, open, ask for and reach. The page shows text from
// untrusted MCP servers, so it is treated as a page that may run a hostile script: it
// holds no token, loads only from our own scheme, and everything else is refused.

/** The dashboard's privileged scheme; registered standard + secure + fetch before the app is ready. */
export const APP_SCHEME = 'gatehouse-app';
export const APP_HOST = 'dashboard';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;

/** A URL from a hostile string, or null: never throws. */
export function parseUrl(raw: unknown, maxLength = 8192): URL | null {
  if (typeof raw !== 'string' || raw.length > maxLength) return null;
  try {
    return new URL(raw);
  } catch {
    return null;
  }
}

/**
 * The dashboard at a route: only `#/…` routes made of safe characters. A `load` number
 * makes the URL differ from the page already open, so the page loads afresh rather than
 * only changing its hash (which would keep a form's old values, e.g. on a second link).
 */
export function appUrl(route: string, origin = APP_ORIGIN, load?: number): string {
  const safe = /^#\/[A-Za-z0-9/%._~-]*$/.test(route) ? route : '#/overview';
  return `${origin}/index.html${load === undefined ? '' : `?load=${Math.trunc(load)}`}${safe}`;
}

/**
 * Our own page, compared by parsed scheme and host, never by string prefix. (Not by
 * `URL.origin`: for a custom scheme that is the opaque "null", equal for every such URL.)
 */
export function isAppUrl(raw: string, origin = APP_ORIGIN): boolean {
  const url = parseUrl(raw);
  const own = new URL(origin);
  return url !== null && url.protocol === own.protocol && url.host === own.host && !url.username && !url.password;
}

/** Links the user may follow out to the system browser: https only, no embedded credentials. */
export function mayOpenExternally(raw: string): boolean {
  const url = parseUrl(raw);
  return url !== null && url.protocol === 'https:' && url.hostname !== '' && !url.username && !url.password;
}

export type NavigationDecision = 'allow' | 'external' | 'deny';

/** For will-navigate, will-redirect and will-frame-navigate alike: redirects are checked like the first hop. */
export function navigationDecision(raw: string, origin = APP_ORIGIN): NavigationDecision {
  if (isAppUrl(raw, origin)) return 'allow';
  return mayOpenExternally(raw) ? 'external' : 'deny';
}

/** Web permissions the dashboard may use: copying a token or a snippet to the clipboard. Everything else is refused. */
const GRANTED = new Set(['clipboard-sanitized-write']);

export function permissionAllowed(permission: string, requestingUrl: string, origin = APP_ORIGIN): boolean {
  return GRANTED.has(permission) && isAppUrl(requestingUrl, origin);
}

/** The dashboard's CSP: our own scripts, styles and API; no inline script, no frames, no foreign connections. */
export function contentSecurityPolicy(): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    // React sets style attributes; the built CSS is a file.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
    "object-src 'none'",
  ].join('; ');
}

/** Headers every dashboard response carries. */
export function securityHeaders(): Record<string, string> {
  return {
    'content-security-policy': contentSecurityPolicy(),
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'cross-origin-opener-policy': 'same-origin',
    'cross-origin-resource-policy': 'same-origin',
  };
}
