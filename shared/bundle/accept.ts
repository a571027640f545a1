import { BUNDLE_PAYLOAD_TYPE, openEnvelope } from './envelope.ts';
import { formatBundleIssues, parseBundle, type Bundle, type OrgKey } from './schema.ts';

// The desktop's trust decision for a signed bundle. Pure: the caller supplies
// what it trusts now (pinned at enrollment, then rotated by accepted bundles)
// and the clock, and gets either the bundle and the new trust, or a reason.

export interface Trust {
  org: string;
  /** The org keys a bundle may be signed by. */
  keys: OrgKey[];
  /** The highest version accepted so far; 0 before the first. */
  version: number;
}

export type RejectCode = 'envelope' | 'unknown-key' | 'signature' | 'schema' | 'org' | 'rollback' | 'replay' | 'expired';

export type Acceptance = { ok: true; bundle: Bundle; trust: Trust; signedBy: string[] } | { ok: false; code: RejectCode; reason: string; version?: number };

/** Clocks disagree a little; a bundle issued slightly "in the future" is still fine. */
const CLOCK_SKEW_MS = 5 * 60_000;

export async function acceptBundle(envelope: unknown, trust: Trust, now: number): Promise<Acceptance> {
  const opened = await openEnvelope(envelope, BUNDLE_PAYLOAD_TYPE, new Map(trust.keys.map((k) => [k.keyId, k.publicKey])));
  if (!opened.ok) return opened;
  let raw: unknown;
  try {
    raw = JSON.parse(opened.payload);
  } catch (err) {
    return { ok: false, code: 'schema', reason: `the signed payload is not JSON: ${(err as Error).message}` };
  }
  const parsed = parseBundle(raw);
  if (!parsed.ok) return { ok: false, code: 'schema', reason: `the bundle does not match the schema:\n${formatBundleIssues(parsed.issues)}` };
  const bundle = parsed.bundle;
  const missing = (['org', 'issuedAt', 'expiresAt'] as const).filter((f) => bundle[f] === undefined);
  if (missing.length) return { ok: false, code: 'schema', reason: `a signed bundle must carry ${missing.join(', ')}`, version: bundle.version };
  if (bundle.org !== trust.org)
    return { ok: false, code: 'org', reason: `the bundle is for org "${bundle.org}", this desktop is enrolled in "${trust.org}"`, version: bundle.version };
  if (bundle.version === trust.version)
    return { ok: false, code: 'replay', reason: `version ${bundle.version} is the one already in force`, version: bundle.version };
  if (bundle.version < trust.version)
    return {
      ok: false,
      code: 'rollback',
      reason: `version ${bundle.version} is older than version ${trust.version}, already accepted (rollback refused)`,
      version: bundle.version,
    };
  const expires = Date.parse(bundle.expiresAt!);
  if (expires <= now)
    return {
      ok: false,
      code: 'expired',
      reason: `the bundle expired at ${bundle.expiresAt} (a stale bundle is refused so that an old one cannot be replayed forever)`,
      version: bundle.version,
    };
  if (Date.parse(bundle.issuedAt!) > now + CLOCK_SKEW_MS)
    return {
      ok: false,
      code: 'schema',
      reason: `the bundle claims to be issued at ${bundle.issuedAt}, in the future: check this machine's clock`,
      version: bundle.version,
    };
  if (bundle.keys && bundle.keys.length === 0)
    return { ok: false, code: 'schema', reason: 'the bundle names no org keys: nothing could sign the next one', version: bundle.version };
  return { ok: true, bundle, signedBy: opened.keyIds, trust: { org: trust.org, keys: bundle.keys ?? trust.keys, version: bundle.version } };
}
