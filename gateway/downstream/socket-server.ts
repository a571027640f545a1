import { chmodSync, existsSync, unlinkSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import type { Gateway } from '../mux/gateway.ts';
import { serveLineStream } from './line-session.ts';

const HELLO_LIMIT = 4096;

/**
 * The local socket that `gatehouse stdio` bridges connect to. A bridge sends one
 * hello line naming its agent, then raw MCP lines. The socket is 0600, so only
 * this user's processes reach it.
 */
export async function listenSocket(gateway: Gateway, path: string): Promise<Server> {
  if (process.platform !== 'win32' && existsSync(path)) unlinkSync(path);
  const server = createServer((socket) => handshake(gateway, socket));
  const previous = process.umask(0o177);
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(path, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } finally {
    process.umask(previous);
  }
  if (process.platform !== 'win32') chmodSync(path, 0o600);
  return server;
}

function handshake(gateway: Gateway, socket: Socket): void {
  let buffered = Buffer.alloc(0);
  const onData = (chunk: Buffer) => {
    buffered = Buffer.concat([buffered, chunk]);
    const nl = buffered.indexOf(10);
    if (nl === -1) {
      if (buffered.length > HELLO_LIMIT) socket.destroy();
      return;
    }
    socket.off('data', onData);
    let agent = 'unknown';
    try {
      const hello = JSON.parse(buffered.subarray(0, nl).toString('utf8')) as { gatehouse?: unknown; agent?: unknown };
      if (hello.gatehouse !== 1) throw new Error('not a gatehouse hello');
      if (typeof hello.agent === 'string' && /^[A-Za-z0-9._-]{1,64}$/.test(hello.agent)) agent = hello.agent;
    } catch {
      socket.end(
        `${JSON.stringify({ jsonrpc: '2.0', id: null, error: { code: -32600, message: 'expected a gatehouse hello line first; connect with `gatehouse stdio`' } })}\n`,
      );
      return;
    }
    serveLineStream(gateway, agent, socket, socket, buffered.subarray(nl + 1));
  };
  socket.on('data', onData);
  socket.on('error', () => socket.destroy());
}
