import { randomBytes } from 'node:crypto';

// Requests by OAuth clients (IDE agents) to connect, waiting for the person at the
// desktop. Only the control API (which agents cannot reach) allows or denies one:
// the browser page the client opened merely waits, so an agent can start the flow
// but never finish it on its own.

/** How long a request waits for the person before it expires. */
export const CONSENT_TTL_MS = 10 * 60_000;
/** How long an authorization code stays redeemable, once issued. */
export const CODE_TTL_MS = 60_000;
/** Unanswered requests kept at once; the oldest goes first, so a flood cannot grow memory. */
const MAX_PENDING = 32;

export interface ConsentRequest {
  readonly id: string;
  readonly clientId: string;
  readonly clientName: string;
  readonly redirectUri: string;
  readonly state: string | undefined;
  readonly codeChallenge: string;
  readonly resource: string;
  readonly createdAt: number;
  /** The agent name the token will carry; the person may change it when allowing. */
  agent: string;
  status: 'pending' | 'allowed' | 'denied';
  decidedBy?: string;
}

export interface IssuedCode {
  readonly consent: ConsentRequest;
  readonly expiresAt: number;
}

export class Consents {
  private readonly requests = new Map<string, ConsentRequest>();
  private readonly codes = new Map<string, IssuedCode>();
  private readonly now: () => number;

  constructor(now: () => number = Date.now) {
    this.now = now;
  }

  open(fields: Omit<ConsentRequest, 'id' | 'createdAt' | 'status'>): ConsentRequest {
    this.prune();
    const pending = [...this.requests.values()].filter((r) => r.status === 'pending');
    if (pending.length >= MAX_PENDING) this.requests.delete(pending[0]!.id);
    const request: ConsentRequest = { ...fields, id: randomBytes(16).toString('hex'), createdAt: this.now(), status: 'pending' };
    this.requests.set(request.id, request);
    return request;
  }

  get(id: string): ConsentRequest | undefined {
    this.prune();
    return this.requests.get(id);
  }

  pending(): ConsentRequest[] {
    this.prune();
    return [...this.requests.values()].filter((r) => r.status === 'pending');
  }

  decide(id: string, allow: boolean, by: string, agent?: string): ConsentRequest | undefined {
    const request = this.get(id);
    if (!request || request.status !== 'pending') return undefined;
    request.status = allow ? 'allowed' : 'denied';
    request.decidedBy = by;
    if (agent) request.agent = agent;
    return request;
  }

  /** The code for an allowed request, issued once: the waiting page hands it to the client. */
  issueCode(request: ConsentRequest): string {
    const code = randomBytes(32).toString('base64url');
    this.codes.set(code, { consent: request, expiresAt: this.now() + CODE_TTL_MS });
    // The request is spent: a second visit to the waiting page gets no second code.
    this.requests.delete(request.id);
    return code;
  }

  /** Takes a code out, whether or not it is still valid: a code is tried once. */
  redeem(code: string): IssuedCode | undefined {
    const issued = this.codes.get(code);
    this.codes.delete(code);
    if (!issued || issued.expiresAt < this.now()) return undefined;
    return issued;
  }

  private prune(): void {
    const now = this.now();
    for (const [id, r] of this.requests) if (now - r.createdAt > CONSENT_TTL_MS) this.requests.delete(id);
    for (const [code, c] of this.codes) if (c.expiresAt < now) this.codes.delete(code);
  }
}
