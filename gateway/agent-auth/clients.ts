import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { isLoopbackName } from '../../shared/net/loopback-guard.ts';

// OAuth clients (IDE agents) registered with the loopback authorization server by
// dynamic registration (RFC 7591). Public clients only: no secrets, PKCE instead.
// Kept in the data dir so a client's registration outlives a daemon restart.

/**
 * Registrations kept, so nobody can grow the file without bound. The oldest that
 * never got a token goes first: registering is open to anyone on loopback, a token
 * needs the person, so a flood of registrations cannot push out a connected IDE.
 */
const MAX_CLIENTS = 200;

/**
 * Where a code may be sent: an https page, an http page on this machine (RFC 8252
 * loopback redirect), or an app's own scheme (vscode://, cursor://). Never a scheme a
 * browser would run or read locally.
 */
export function redirectAllowed(uri: string): boolean {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return false;
  }
  if (url.hash) return false;
  if (url.protocol === 'https:') return true;
  if (url.protocol === 'http:') return isLoopbackName(url.hostname);
  return (
    /^[a-z][a-z0-9+.-]{1,40}:$/.test(url.protocol) &&
    !['javascript:', 'data:', 'file:', 'blob:', 'about:', 'vbscript:', 'ws:', 'wss:', 'ftp:'].includes(url.protocol)
  );
}

/**
 * A client's own name is untrusted text shown to the person: printable, short.
 * Default-ignorable code points (Hangul fillers are letters that draw nothing) and
 * the blank Braille cell would let a name pad itself out or look empty.
 */
export function cleanName(name: string | undefined): string {
  const printable = [...(name ?? '')]
    .filter((c) => /[\p{L}\p{N}\p{P}\p{Zs}\p{S}]/u.test(c) && !/[\u202a-\u202e\u2066-\u2069\u2800\p{Default_Ignorable_Code_Point}]/u.test(c))
    .join('')
    .trim();
  return [...printable].slice(0, 80).join('') || 'an unnamed client';
}

// Real clients register one or two short loopback or app-scheme redirects; the
// limits keep the whole file (MAX_CLIENTS of these) to about a megabyte.
export const RegistrationSchema = z.object({
  redirect_uris: z.array(z.string().max(1000)).min(1).max(5),
  client_name: z.string().max(500).optional(),
  token_endpoint_auth_method: z.literal('none').optional(),
  grant_types: z
    .array(z.enum(['authorization_code', 'refresh_token']))
    .max(2)
    .optional(),
  response_types: z.array(z.literal('code')).max(1).optional(),
});

const StoredSchema = z.object({
  clients: z
    .array(z.object({ clientId: z.string(), clientName: z.string(), redirectUris: z.array(z.string()), createdAt: z.number(), usedAt: z.number().optional() }))
    .max(MAX_CLIENTS),
});

export interface RegisteredClient {
  clientId: string;
  clientName: string;
  redirectUris: string[];
  createdAt: number;
  /** When the client last got a token (the person allowed it). */
  usedAt?: number;
}

export class ClientRegistry {
  private readonly path: string | undefined;
  private readonly clients = new Map<string, RegisteredClient>();
  private dirty = false;
  private writing: Promise<void> | undefined;

  constructor(dataDir?: string) {
    this.path = dataDir ? join(dataDir, 'oauth-clients.json') : undefined;
    if (!this.path || !existsSync(this.path)) return;
    try {
      const parsed = StoredSchema.safeParse(JSON.parse(readFileSync(this.path, 'utf8')));
      // A damaged file costs the clients a new registration, nothing more.
      if (parsed.success) for (const c of parsed.data.clients) this.clients.set(c.clientId, c);
    } catch {
      /* registered again on next use */
    }
  }

  register(body: z.infer<typeof RegistrationSchema>): RegisteredClient | string {
    const bad = body.redirect_uris.find((u) => !redirectAllowed(u));
    if (bad !== undefined) return `redirect_uri not allowed: use https, http on 127.0.0.1/localhost, or an app scheme (${bad.slice(0, 100)})`;
    const client: RegisteredClient = {
      clientId: `ghc_${randomBytes(16).toString('hex')}`,
      clientName: cleanName(body.client_name),
      redirectUris: body.redirect_uris,
      createdAt: Date.now(),
    };
    if (this.clients.size >= MAX_CLIENTS) {
      const unused = [...this.clients.values()].find((c) => c.usedAt === undefined);
      this.clients.delete(unused?.clientId ?? this.clients.keys().next().value!);
    }
    this.clients.set(client.clientId, client);
    this.save();
    return client;
  }

  get(clientId: string): RegisteredClient | undefined {
    return this.clients.get(clientId);
  }

  /** The client got a token: it is kept ahead of clients that never did. */
  used(clientId: string): void {
    const client = this.clients.get(clientId);
    if (!client) return;
    client.usedAt = Date.now();
    this.save();
  }

  /**
   * Registration is open to anyone on loopback, so the file is written off the
   * request path: one write at a time, the latest list once the write in progress
   * ends. A flood of registrations costs a few writes, not one synchronous
   * rewrite of the whole file per request (which held the event loop for every agent).
   */
  private save(): void {
    if (!this.path) return;
    this.dirty = true;
    if (this.writing) return;
    this.writing = this.flush(this.path).finally(() => {
      this.writing = undefined;
    });
  }

  private async flush(path: string): Promise<void> {
    const tmp = `${path}.${process.pid}.tmp`;
    while (this.dirty) {
      this.dirty = false;
      try {
        await writeFile(tmp, `${JSON.stringify({ clients: [...this.clients.values()] })}\n`, { mode: 0o600 });
        await rename(tmp, path);
      } catch {
        /* a client whose registration was not kept registers again */
      }
    }
  }
}
