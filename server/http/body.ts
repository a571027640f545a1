import type { IncomingMessage } from 'node:http';
import { REPORT_MAX_BYTES } from '../../shared/console/device-report.ts';
import { SYNC_API } from '../../shared/sync/contract.ts';

// How much of a request body each route may send. The endpoint is on the
// network and most routes are reachable before authentication, so everything
// but audit batches (a device's signed records, up to a thousand at a time) gets
// a small limit, checked against Content-Length before any other work and again
// while the body streams in, whatever the headers claimed.

export const AUDIT_BATCH_MAX_BYTES = 64 * 1024 * 1024;
export const BUNDLE_MAX_BYTES = 8 * 1024 * 1024;
export const ENROLL_MAX_BYTES = 16 * 1024;
/** GETs, unknown routes: nothing worth sending. */
export const OTHER_MAX_BYTES = 1024;

const LIMITS = new Map<string, number>([
  [`POST ${SYNC_API}/audit/batches`, AUDIT_BATCH_MAX_BYTES],
  [`POST ${SYNC_API}/bundles`, BUNDLE_MAX_BYTES],
  [`POST ${SYNC_API}/devices`, ENROLL_MAX_BYTES],
]);

/** Routes with an id in their path (the console's). */
const PATTERNS: [RegExp, number][] = [
  [new RegExp(`^POST ${SYNC_API}/devices/report$`), REPORT_MAX_BYTES],
  [new RegExp(`^POST ${SYNC_API}/(escalations|enroll-tokens|fleet|devices/self)(/|$)`), ENROLL_MAX_BYTES],
];

export const bodyLimit = (route: string): number => LIMITS.get(route) ?? PATTERNS.find(([re]) => re.test(route))?.[1] ?? OTHER_MAX_BYTES;

export class BodyTooLarge extends Error {
  readonly limit: number;
  constructor(limit: number) {
    super(`the body is over ${limit} bytes`);
    this.limit = limit;
  }
}

/** Refuses by Content-Length alone: cheap enough to run before authentication. */
export function checkDeclaredLength(req: IncomingMessage, limit: number): void {
  const declared = req.headers['content-length'];
  if (declared !== undefined && Number(declared) > limit) throw new BodyTooLarge(limit);
}

/**
 * The body, read only up to `limit` bytes. Not with `for await`: leaving that
 * loop early destroys the socket, and the answer saying why would be lost.
 */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  checkDeclaredLength(req, limit);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = (err?: Error) => {
      req.off('data', onData).off('end', onEnd).off('error', done).off('close', onClose);
      if (err) reject(err);
      else resolve(Buffer.concat(chunks));
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) done(new BodyTooLarge(limit));
      else chunks.push(chunk);
    };
    const onEnd = () => done();
    const onClose = () => done(new Error('the client went away'));
    req.on('data', onData).on('end', onEnd).on('error', done).on('close', onClose);
  });
}

/**
 * After an early answer, what is left of the body is read and thrown away, but
 * only so much and for so long: closing at once would reset the connection
 * before the client reads why (the kernel drops the answer when unread data
 * meets a close), and reading on forever is what a flood wants.
 */
export function discardRest(req: IncomingMessage, maxBytes = 1024 * 1024, maxMs = 5000): void {
  if (req.complete) return;
  let seen = 0;
  const stop = () => {
    clearTimeout(timer);
    req.socket.destroy();
  };
  const timer = setTimeout(stop, maxMs);
  timer.unref();
  req.on('data', (chunk: Buffer) => {
    seen += chunk.length;
    if (seen > maxBytes) stop();
  });
  req.once('end', () => clearTimeout(timer));
  req.resume();
}
