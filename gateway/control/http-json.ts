import type { IncomingMessage, ServerResponse } from 'node:http';
import type { z } from 'zod';
import { issueLines } from '../../shared/text/zod-issues.ts';
import { readBodyText } from '../framing/read-body.ts';

const MAX_CONTROL_BODY = 64 * 1024;

export function json(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store' });
  res.end(text);
}

/** The request's JSON body; undefined when it is too big or not JSON. */
export async function readJson(req: IncomingMessage): Promise<unknown> {
  const text = await readBodyText(req, MAX_CONTROL_BODY);
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * The body parsed by its schema, or undefined after answering 400: with `hint` when
 * given (a body whose shape is easier said than listed), else with what zod found.
 */
export async function readBody<T>(req: IncomingMessage, res: ServerResponse, schema: z.ZodType<T>, hint?: string): Promise<T | undefined> {
  const body = schema.safeParse(await readJson(req));
  if (body.success) return body.data;
  json(res, 400, { error: hint ?? issueLines(body.error, 'body').join('; ') });
  return undefined;
}
