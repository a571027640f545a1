import { z } from 'zod';
import { BUNDLE_PAYLOAD_TYPE, signEnvelope } from '../../shared/bundle/envelope.ts';
import { OrgInfoSchema, PublishResponseSchema } from '../../shared/sync/contract.ts';
import { buildBundle } from './build-bundle.ts';
import { callEndpoint } from './endpoint.ts';
import type { Workspace } from './workspace.ts';

// The one signed publish, for `gatehouse-admin publish` and the console alike:
// the workspace's registry signed here with the org keys and sent to the sync
// endpoint, as the version after the endpoint's latest. A pending key rotation
// completes with it.

export class PublishError extends Error {}

export interface Published {
  version: number;
  servers: number;
  rules: number;
  expiresAt: string;
  keyRotated: string | null;
}

/** Whether the registry differs from what was last published from this workspace. */
export function unpublished(ws: Workspace): boolean {
  const last = ws.published();
  if (!last) return true;
  const r = ws.registry();
  return (['servers', 'agents', 'policies', 'profiles', 'settings'] as const).some((k) => JSON.stringify(r[k]) !== JSON.stringify(last[k]));
}

export async function publishWorkspace(ws: Workspace, url: string, ttlDays: number, now = new Date()): Promise<Published> {
  const org = ws.org();
  const r = ws.registry();
  const remote = await callEndpoint(url, 'GET', '/org', OrgInfoSchema);
  if (remote.org !== org.org) throw new PublishError(`the endpoint at ${url} serves org "${remote.org}", this workspace is "${org.org}"`);
  // Desktops compare against the endpoint's latest; ask it rather than trust our own count.
  const signer = ws.signer();
  const latest = await callEndpoint(url, 'GET', '/org/version', z.object({ version: z.number().int() }), { admin: signer });
  const version = Math.max(r.version, latest.version) + 1;
  const { bundle, payload } = buildBundle(org, r, version, now, ttlDays);
  const envelope = await signEnvelope(BUNDLE_PAYLOAD_TYPE, payload, signer.keys);
  const done = await callEndpoint(url, 'POST', '/bundles', PublishResponseSchema, { body: envelope });
  ws.saveRegistry({ ...r, version: done.version });
  ws.savePublished(payload);
  let keyRotated: string | null = null;
  if (org.nextKey) {
    for (const k of org.keys) ws.retireKey(k.keyId);
    ws.saveOrg({ ...org, keys: [org.nextKey], nextKey: undefined });
    keyRotated = org.nextKey.keyId;
  }
  return { version: done.version, servers: bundle.servers.length, rules: bundle.policies.rules.length, expiresAt: bundle.expiresAt ?? '', keyRotated };
}
