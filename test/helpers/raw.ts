import { readFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { StringDecoder } from 'node:string_decoder';

// Clients that speak raw JSON-RPC lines or raw HTTP to the daemon, for tests that send
// what no SDK would: hostile frames, broken shapes, answers to questions never asked.

export interface RawLineClient {
  socket: Socket;
  /** Sends one line as is. */
  line(text: string): void;
  /** Sends a request and resolves with the message that answers its id. */
  request(message: Record<string, unknown>, timeoutMs?: number): Promise<Record<string, unknown>>;
  /** Every message received so far. */
  received: Record<string, unknown>[];
  close(): void;
}

export async function rawSocketClient(path: string, agent: string): Promise<RawLineClient> {
  const socket = await new Promise<Socket>((resolve, reject) => {
    const s = connect(path);
    s.once('connect', () => resolve(s));
    s.once('error', reject);
  });
  socket.write(`${JSON.stringify({ gatehouse: 1, agent })}\n`);
  const received: Record<string, unknown>[] = [];
  const waiters = new Map<string, (m: Record<string, unknown>) => void>();
  let rest = '';
  const decoder = new StringDecoder('utf8');
  socket.on('data', (chunk: Buffer) => {
    const text = rest + decoder.write(chunk);
    const lines = text.split('\n');
    rest = lines.pop()!;
    for (const l of lines) {
      if (!l) continue;
      const m = JSON.parse(l) as Record<string, unknown>;
      received.push(m);
      const key = JSON.stringify(m.id ?? null);
      if (!('method' in m)) {
        waiters.get(key)?.(m);
        waiters.delete(key);
      }
    }
  });
  socket.on('error', () => {});
  return {
    socket,
    received,
    line(text) {
      socket.write(`${text}\n`);
    },
    request(message, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const key = JSON.stringify(message.id ?? null);
        const timer = setTimeout(() => {
          waiters.delete(key);
          reject(new Error(`no answer to ${JSON.stringify(message).slice(0, 200)} in ${timeoutMs} ms`));
        }, timeoutMs);
        waiters.set(key, (m) => {
          clearTimeout(timer);
          resolve(m);
        });
        socket.write(`${JSON.stringify({ jsonrpc: '2.0', ...message })}\n`);
      });
    },
    close() {
      socket.destroy();
    },
  };
}

export const INIT = { method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'raw', version: '1' } } };

/** One POST /mcp with a raw body; the answer's status, headers and text. */
export async function rawPost(
  url: string,
  token: string,
  body: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Headers; text: string }> {
  const res = await fetch(url, {
    method: 'POST',
    body,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers },
  });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

/** RSS of a process in MB, from /proc (Linux). */
export function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
}
