import type { IncomingMessage, ServerResponse } from 'node:http';
import type { z } from 'zod';
import { bodyLimit, readBody } from './body.ts';

// Answers and errors, shared by the sync endpoint's route modules.

export class HttpError extends Error {
  readonly status: number;
  readonly code: string;
  constructor(status: number, code: string, message: string) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

export function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers }).end(text);
}

export async function readJson(req: IncomingMessage, route: string): Promise<unknown> {
  const body = await readBody(req, bodyLimit(route));
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    throw new HttpError(400, 'json', 'the body is not JSON');
  }
}

/** The body, parsed with `schema`, or a 400 that names the first problem. */
export async function readBodyAs<S extends z.ZodType>(req: IncomingMessage, route: string, schema: S, what: string): Promise<z.output<S>> {
  const parsed = schema.safeParse(await readJson(req, route));
  if (!parsed.success)
    throw new HttpError(400, 'malformed', `${what}: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`)[0] ?? 'invalid'}`);
  return parsed.data;
}

/** Query parameters, parsed with `schema`. */
export function queryAs<S extends z.ZodType>(url: URL, schema: S): z.output<S> {
  const parsed = schema.safeParse(Object.fromEntries(url.searchParams));
  if (!parsed.success)
    throw new HttpError(400, 'malformed', `query: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'query'}: ${i.message}`)[0] ?? 'invalid'}`);
  return parsed.data;
}
