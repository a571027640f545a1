import { formatBundleIssues, parseBundle, type Bundle } from '../../shared/bundle/schema.ts';
import { eagerSchemaCompiler } from '../../shared/policy/eager-schemas.ts';
import { Policy, PolicyError } from '../../shared/policy/evaluate.ts';
import type { OrgFile, RegistryFile } from './workspace.ts';

/**
 * The bundle `publish` signs: the approved servers, policies and profiles, the
 * org keys desktops should trust from now on, a version and a lifetime. It is
 * checked exactly as a desktop will check it, so an admin cannot publish what
 * desktops would refuse.
 */
export function buildBundle(
  org: OrgFile,
  registry: RegistryFile,
  version: number,
  now: Date,
  ttlDays: number,
  opts: { requireApproved: boolean } = { requireApproved: true },
): { bundle: Bundle; payload: string } {
  const raw = {
    schemaVersion: 1,
    name: org.name,
    org: org.org,
    version,
    issuedAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + ttlDays * 86_400_000).toISOString(),
    keys: org.nextKey ? [org.nextKey] : org.keys,
    servers: registry.servers,
    agents: registry.agents,
    policies: registry.policies,
    profiles: registry.profiles,
    settings: registry.settings,
  };
  const parsed = parseBundle(raw);
  if (!parsed.ok) throw new Error(`the registry does not make a valid bundle:\n${formatBundleIssues(parsed.issues)}`);
  try {
    // Path roots may use ${bundleDir}; check the rest with a stand-in.
    new Policy(parsed.bundle, { bundleDir: '/', dataDir: '/' }, undefined, eagerSchemaCompiler);
  } catch (err) {
    if (err instanceof PolicyError) throw new Error(`the policies do not compile: ${err.message}`);
    throw err;
  }
  const unapproved = parsed.bundle.servers.filter((s) => !s.approvedAt);
  if (unapproved.length && opts.requireApproved)
    throw new Error(`servers ${unapproved.map((s) => s.id).join(', ')} were never approved: run \`gatehouse-admin server approve ID\``);
  return { bundle: parsed.bundle, payload: JSON.stringify(raw) };
}
