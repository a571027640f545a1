import type { z } from 'zod';
import { ErrorBodySchema, SYNC_API } from './contract.ts';
import { cutText } from '../text/cut.ts';

// Calling the sync endpoint, for the desktop (enrollment, sync) and the admin CLI
// alike: one way to build its URLs, and one way to turn an answer into a parsed
// body or an error that says what went wrong.

export class SyncCallError extends Error {}

/** `path` under the endpoint's API root (`/v1…`), resolved against the configured base URL. */
export function syncUrl(base: string, path: string): URL {
  return new URL(`${SYNC_API}${path}`, base.endsWith('/') ? base : `${base}/`);
}

export async function callSync<S extends z.ZodType>(url: URL, schema: S, init: RequestInit = {}): Promise<z.output<S>> {
  const what = `${init.method ?? 'GET'} ${url.pathname}`;
  let res: Response;
  try {
    res = await fetch(url, init);
  } catch (err) {
    throw new SyncCallError(`cannot reach the sync endpoint at ${url.origin}: ${(err as { cause?: Error }).cause?.message ?? (err as Error).message}`);
  }
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new SyncCallError(`${what} at ${url.origin}: HTTP ${res.status}, not JSON (is it a Gatehouse sync endpoint?): ${cutText(text, 200)}`);
  }
  if (!res.ok) {
    const err = ErrorBodySchema.safeParse(json);
    throw new SyncCallError(`${what} at ${url.origin} refused (HTTP ${res.status}): ${err.success ? err.data.error : cutText(text, 200)}`);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw new SyncCallError(`${what} at ${url.origin}: unexpected answer: ${parsed.error.issues[0]?.message ?? ''}`);
  return parsed.data;
}
