import type { z } from 'zod';
import { CONSOLE_API, ErrorSchema, SESSION_HEADER } from '../../shared/console/contract.ts';

// The console UI speaks only the console's local API (shared/console/contract.ts).
// The session is an HttpOnly cookie the one-time login link set, plus a secret the
// login put in the fragment: kept in this origin's localStorage (other loopback ports
// cannot read it, while they do receive 127.0.0.1 cookies; every tab of this console
// shares it) and sent as a header.
// Every answer is parsed with the contract's schema.

const SECRET_KEY = 'gatehouse-console-session';
(() => {
  const m = /[#&]session=([A-Za-z0-9_-]{20,100})/.exec(location.hash);
  if (!m) return;
  localStorage.setItem(SECRET_KEY, m[1]!);
  history.replaceState(null, '', location.pathname + location.search + location.hash.replace(/[#&]?session=[A-Za-z0-9_-]+/, ''));
})();

/** The headers every API request carries. */
export function sessionHeaders(): Record<string, string> {
  const secret = localStorage.getItem(SECRET_KEY);
  return secret ? { [SESSION_HEADER]: secret } : {};
}

/** Downloads an export (a fetch with the session header, then a file the browser saves). */
export async function download(route: string, filename: string): Promise<void> {
  const res = await fetch(`${CONSOLE_API}${route}`, { credentials: 'same-origin', headers: sessionHeaders() });
  setSignedOut(res.status === 401);
  if (!res.ok) throw new ApiError(res.status, `the console answered ${res.status}`);
  const url = URL.createObjectURL(await res.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export class ApiError extends Error {
  readonly status: number;
  readonly code: string | undefined;
  /** The answer's body, for routes whose refusals carry data (a 422 with the issues found). */
  readonly body: unknown;
  constructor(status: number, message: string, code?: string, body?: unknown) {
    super(message);
    this.status = status;
    this.code = code;
    this.body = body;
  }
  /** The console has no such route (an older console): the page says what is missing rather than failing. */
  get missing(): boolean {
    return this.status === 404 && (this.code === undefined || this.code === 'not-found');
  }
}

/** Whether the last answer said this tab has no session (the shell then shows how to get one). */
export const session = { signedOut: false, listeners: new Set<() => void>() };
function setSignedOut(value: boolean): void {
  if (session.signedOut === value) return;
  session.signedOut = value;
  for (const l of session.listeners) l();
}

/** Fills `:name` segments, each encoded (ids come from the server, but never trusted as path syntax). */
export function path(template: string, params: Record<string, string | number> = {}): string {
  return template.replace(/:([a-zA-Z]+)/g, (_, k: string) => encodeURIComponent(String(params[k] ?? '')));
}

/** A query string from filters, leaving out empty ones. */
export function query(values: Record<string, string | number | undefined | null>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(values)) if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}

export async function call<T>(method: 'GET' | 'POST' | 'PUT' | 'DELETE', route: string, schema: z.ZodType<T>, body?: unknown): Promise<T> {
  const writes = method !== 'GET';
  let res: Response;
  try {
    res = await fetch(`${CONSOLE_API}${route}`, {
      method,
      credentials: 'same-origin',
      headers: { ...sessionHeaders(), ...(writes ? { 'content-type': 'application/json' } : {}) },
      ...(writes ? { body: JSON.stringify(body ?? {}) } : {}),
    });
  } catch {
    throw new ApiError(0, 'the console is not answering: is `gatehouse-admin console` still running?');
  }
  const json: unknown = await res.json().catch(() => undefined);
  setSignedOut(res.status === 401);
  if (!res.ok) {
    const err = ErrorSchema.safeParse(json);
    throw new ApiError(res.status, err.success ? err.data.error : `the console answered ${res.status}`, err.success ? err.data.code : undefined, json);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success)
    throw new ApiError(
      res.status,
      `the console's answer to ${method} ${route.split('?')[0]} has an unexpected shape (${parsed.error.issues[0]?.path.join('.') ?? ''}: ${parsed.error.issues[0]?.message ?? ''})`,
    );
  return parsed.data;
}
