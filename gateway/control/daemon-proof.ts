import { checkControlProof, ControlHelloSchema, newNonce } from '../../shared/control/proof.ts';

// The client side of GET /api/v1/hello: before a client sends the control token to the port
// daemon.json names, the listener proves it holds the token (shared/control/proof.ts). Used
// by the desktop app; any client that finds the daemon through daemon.json can use it.

const HELLO_TIMEOUT_MS = 3000;
const MAX_HELLO_BYTES = 4096;

/** Asks whatever listens at the endpoint to prove it holds the token; the token itself is not sent. */
export async function helloProof(
  base: string,
  port: number,
  token: string,
): Promise<{ ok: true; version: string } | { ok: false; reason: string; refused?: boolean }> {
  const nonce = newNonce();
  let res: Response;
  try {
    res = await fetch(`${base}/api/v1/hello?nonce=${nonce}`, { redirect: 'manual', signal: AbortSignal.timeout(HELLO_TIMEOUT_MS) });
  } catch (err) {
    const code = (err as { cause?: { code?: string } }).cause?.code;
    return { ok: false, reason: `nothing answered on port ${port}`, refused: code === 'ECONNREFUSED' };
  }
  const text = await boundedText(res, MAX_HELLO_BYTES);
  let hello: unknown;
  try {
    hello = text === null ? null : JSON.parse(text);
  } catch {
    hello = null;
  }
  const parsed = ControlHelloSchema.safeParse(hello);
  if (!res.ok || !parsed.success)
    return { ok: false, reason: `the listener on 127.0.0.1:${port} does not answer as a Gatehouse daemon of this version (HTTP ${res.status})` };
  if (!(await checkControlProof(token, nonce, port, parsed.data.proof)))
    return { ok: false, reason: `the listener on 127.0.0.1:${port} could not prove it holds your control token` };
  return { ok: true, version: parsed.data.version };
}

/** The body as text, or null past `max` bytes: a stranger on the port may send without end. */
async function boundedText(res: Response, max: number): Promise<string | null> {
  if (!res.body) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > max) {
        await reader.cancel();
        return null;
      }
      chunks.push(value);
    }
  } catch {
    return null;
  }
  return new TextDecoder().decode(Buffer.concat(chunks));
}
