import { randomBytes, timingSafeEqual } from 'node:crypto';
import { nodeSha256Hex } from '../hashing/sha256.ts';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { writePrivateFileAtomic } from './atomic-write.ts';

// Per-agent bearer tokens for the HTTP endpoint. Only SHA-256 digests are kept on
// disk, so the file alone does not let anyone in; a token is shown once at creation.

const TokenFileSchema = z.object({
  version: z.literal(1),
  agents: z.array(z.object({ agent: z.string(), sha256: z.string().regex(/^[0-9a-f]{64}$/), createdAt: z.string() })),
});
type TokenFile = z.infer<typeof TokenFileSchema>;

export const TOKEN_PREFIX = 'gha_';

const digest = nodeSha256Hex;

export class AgentTokens {
  private readonly path: string;
  private file: TokenFile = { version: 1, agents: [] };
  private byDigest = new Map<string, string>();

  constructor(dataDir: string) {
    this.path = join(dataDir, 'agent-tokens.json');
    if (existsSync(this.path)) {
      const parsed = TokenFileSchema.safeParse(JSON.parse(readFileSync(this.path, 'utf8')));
      if (!parsed.success) throw new Error(`${this.path} is not a valid agent token file: ${parsed.error.issues[0]?.message ?? 'unknown problem'}`);
      this.file = parsed.data;
    }
    this.index();
  }

  /** Creates (or replaces) the token for an agent and returns it; it is not stored in clear. */
  create(agent: string): string {
    const token = TOKEN_PREFIX + randomBytes(32).toString('base64url');
    this.file.agents = this.file.agents.filter((a) => a.agent !== agent);
    this.file.agents.push({ agent, sha256: digest(token), createdAt: new Date().toISOString() });
    this.save();
    return token;
  }

  revoke(agent: string): boolean {
    const before = this.file.agents.length;
    this.file.agents = this.file.agents.filter((a) => a.agent !== agent);
    if (this.file.agents.length === before) return false;
    this.save();
    return true;
  }

  list(): { agent: string; createdAt: string }[] {
    return this.file.agents.map(({ agent, createdAt }) => ({ agent, createdAt }));
  }

  /** The agent a bearer token belongs to, or undefined. */
  agentFor(token: string): string | undefined {
    return this.byDigest.get(digest(token));
  }

  private index(): void {
    this.byDigest = new Map(this.file.agents.map((a) => [a.sha256, a.agent]));
  }

  private save(): void {
    writePrivateFileAtomic(this.path, `${JSON.stringify(this.file, null, 2)}\n`);
    this.index();
  }
}

/** Constant-time comparison for the control token. */
export function tokensEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
