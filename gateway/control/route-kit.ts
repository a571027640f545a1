import type { IncomingMessage, ServerResponse } from 'node:http';
import { KeychainUnavailableError } from '../secrets/backend.ts';
import type { ControlApiOptions } from './api.ts';
import { json } from './http-json.ts';
import type { OneTimeCodes } from './one-time-codes.ts';
import type { OAuthLogins } from '../oauth/login.ts';

export interface RouteCall {
  req: IncomingMessage;
  res: ServerResponse;
  params: Record<string, string>;
  query: URLSearchParams;
}
export type RouteHandler = (call: RouteCall) => Promise<void> | void;

/** What the handlers need beyond the daemon's options: the API's own state. */
export interface HandlerHost {
  opts: ControlApiOptions;
  links: OneTimeCodes;
  /** Opens an event stream on the response. */
  stream(res: ServerResponse): void;
  /** OAuth logins to upstreams, once the daemon knows its port. */
  logins(): Pick<OAuthLogins, 'start' | 'wait'> | undefined;
}

export interface Reply {
  status: number;
  body: unknown;
}
export const reply = (status: number, body: unknown): Reply => ({ status, body });
export const keychainStatus = (err: unknown) => (err instanceof KeychainUnavailableError ? 503 : 400);

/** Runs `work` and sends its reply; a throw is answered with `failure`'s status and the error's message. */
export async function answer(res: ServerResponse, failure: number | ((err: unknown) => number), work: () => Promise<Reply>): Promise<void> {
  let r: Reply;
  try {
    r = await work();
  } catch (err) {
    json(res, typeof failure === 'number' ? failure : failure(err), { error: (err as Error).message });
    return;
  }
  json(res, r.status, r.body);
}

export function notFound(res: ServerResponse): void {
  json(res, 404, { error: 'no such endpoint: OAuth logins are not available yet' });
}
