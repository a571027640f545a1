import { parseUrl } from './web-policy.ts';

// gatehouse:// links, which arrive from anywhere (a mail, a web page, another program's
// command line): parsed defensively, never thrown on, and turned into a dashboard route.
// Links that arrive before the daemon is up are queued, not dropped.

export type DeepLink = { kind: 'enroll'; url: string; host: string; code: string } | { kind: 'open'; route: string } | { kind: 'invalid'; reason: string };

const MAX_LINK = 4096;
const CODE = /^[A-Za-z0-9._~-]{1,512}$/;
const PENDING_ID = /^[0-9a-f]{12}$/;

/** The first gatehouse:// argument on a command line (a second instance's argv, or ours at start). */
export function linkFromArgv(argv: readonly string[]): string | undefined {
  return argv.find((a) => /^gatehouse:\/\//i.test(a));
}

export function parseDeepLink(raw: unknown): DeepLink {
  const url = parseUrl(raw, MAX_LINK);
  if (!url) return { kind: 'invalid', reason: 'not a valid link' };
  if (url.protocol !== 'gatehouse:') return { kind: 'invalid', reason: 'not a gatehouse:// link' };
  // gatehouse://enroll?… and gatehouse:enroll?… both name the action in the host or the path.
  const action = (url.host || url.pathname.replace(/^\/+/, '').split('/')[0] || 'open').toLowerCase();
  const rest = url.host ? url.pathname.replace(/^\/+/, '') : url.pathname.replace(/^\/+/, '').split('/').slice(1).join('/');
  switch (action) {
    case 'open':
    case 'overview':
      return { kind: 'open', route: '#/overview' };
    case 'pending': {
      if (!rest) return { kind: 'open', route: '#/pending' };
      return PENDING_ID.test(rest) ? { kind: 'open', route: `#/pending/${rest}` } : { kind: 'invalid', reason: 'not a pending change id' };
    }
    case 'enroll':
      return enrollLink(url.searchParams);
    default:
      return { kind: 'invalid', reason: `unknown action "${action.slice(0, 32)}"` };
  }
}

/** Enrollment links name an https sync endpoint only: its answer decides which bundle governs this desktop. */
function enrollLink(params: URLSearchParams): DeepLink {
  const target = params.get('url') ?? '';
  const code = params.get('token') ?? '';
  const endpoint = parseUrl(target);
  if (!endpoint) return { kind: 'invalid', reason: 'the enrollment link has no valid sync endpoint' };
  if (endpoint.protocol !== 'https:') return { kind: 'invalid', reason: 'enrollment links must name an https:// sync endpoint' };
  if (endpoint.username || endpoint.password) return { kind: 'invalid', reason: 'the sync endpoint must not carry a user name or password' };
  if (code && !CODE.test(code)) return { kind: 'invalid', reason: 'the enrollment code has characters an enrollment code never has' };
  endpoint.hash = '';
  // URL has already turned an internationalised name into punycode, so look-alike hosts show as what they are.
  return { kind: 'enroll', url: endpoint.href, host: endpoint.host, code };
}

/** The dashboard route a link opens; enrollment fills in the form (the user still checks the key fingerprint there). */
export function routeFor(link: DeepLink): string {
  if (link.kind === 'open') return link.route;
  if (link.kind === 'invalid') return '#/overview';
  const fields = new URLSearchParams({ url: link.url, code: link.code });
  return `#/settings/${encodeURIComponent(fields.toString())}`;
}

/** What the main process asks before acting on an enrollment link: the host is shown before anything is sent. */
export function enrollQuestion(link: Extract<DeepLink, { kind: 'enroll' }>): { message: string; detail: string; buttons: [string, string] } {
  return {
    message: `Enroll this computer with ${link.host}?`,
    detail: `The link asks Gatehouse to take its servers and policies from the organisation at ${link.host}. Continue only if your administrator sent it. You will check the organisation's key fingerprint next.`,
    buttons: ['Cancel', 'Continue'],
  };
}

/** Holds links until the app can act on them, keeping the newest few and dropping repeats. */
export class DeepLinkQueue {
  private readonly held: string[] = [];
  private deliver: ((link: string) => void) | undefined;
  private readonly limit: number;

  constructor(limit = 4) {
    this.limit = limit;
  }

  push(link: string): void {
    if (this.deliver) {
      this.deliver(link);
      return;
    }
    const at = this.held.indexOf(link);
    if (at !== -1) this.held.splice(at, 1);
    this.held.push(link);
    if (this.held.length > this.limit) this.held.shift();
  }

  /** The app is ready: what was held goes out in arrival order, and later links go straight through. */
  ready(deliver: (link: string) => void): void {
    this.deliver = deliver;
    for (const link of this.held.splice(0)) deliver(link);
  }

  /** The daemon went away: hold links again until it is back. */
  pause(): void {
    this.deliver = undefined;
  }
}
