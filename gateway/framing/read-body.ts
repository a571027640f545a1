import type { IncomingMessage } from 'node:http';

/** A request body as text, or undefined once it passes `limit` bytes (the rest is not buffered). */
export async function readBodyText(req: IncomingMessage, limit: number): Promise<string | undefined> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) return undefined;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}
