import { createPublicKey } from 'node:crypto';
import { keyFingerprint } from '../../shared/bundle/envelope.ts';
import { sandboxSummary, type BundleServer } from '../../shared/bundle/schema.ts';
import type { CatalogueServer, EscalationSummary } from '../../shared/console/contract.ts';
import type { ReportedChange } from '../../shared/console/device-report.ts';
import { exposedName } from '../../shared/naming/tool-names.ts';
import type { PendingChange } from '../../shared/pinning/pending.ts';
import type { RegistryFile, Workspace } from '../admin/workspace.ts';

// The workspace and the endpoint's rows as the console's pages show them.

/** What a server runs or reaches, without env values or header values (they may hold secrets). */
function target(s: BundleServer): string {
  const t = s.transport;
  if (t.type === 'npm') return `${t.package}${t.version ? `@${t.version}` : ''}${t.args.length ? ` ${t.args.join(' ')}` : ''}`;
  if (t.type === 'stdio') return [t.command, ...t.args].join(' ');
  return t.url;
}

export function catalogueServer(s: BundleServer, draft: boolean, r: RegistryFile, openEscalations: number): CatalogueServer {
  const remote = s.transport.type === 'http' || s.transport.type === 'sse';
  const sandbox = s.sandbox ?? r.settings.sandbox?.default ?? 'off';
  return {
    id: s.id,
    name: s.name ?? null,
    description: s.description ?? null,
    status: draft ? 'draft' : s.status,
    transport: { type: s.transport.type, target: target(s) },
    pins: Object.entries(s.pins)
      .map(([tool, hash]) => ({ tool, hash }))
      .sort((a, b) => a.tool.localeCompare(b.tool)),
    sandbox: remote ? null : { summary: sandboxSummary(sandbox), inherited: s.sandbox === undefined, value: sandbox },
    credentials: s.credentials,
    source: s.source ?? null,
    approvedBy: s.approvedBy ?? null,
    approvedAt: s.approvedAt ?? null,
    openEscalations,
  };
}

export function catalogue(r: RegistryFile, open: ReadonlyMap<string, number>): CatalogueServer[] {
  return [...r.servers.map((s) => catalogueServer(s, false, r, open.get(s.id) ?? 0)), ...r.drafts.map((s) => catalogueServer(s, true, r, open.get(s.id) ?? 0))];
}

/** The desktop's pending-change shape, so the dashboard's diff and findings components show an escalation unchanged. */
export function pendingView(e: EscalationSummary, c: ReportedChange, r: RegistryFile): PendingChange {
  const sep = r.settings.toolNameSeparator ?? '__';
  return {
    id: e.id,
    server: c.server,
    tool: c.tool,
    exposedName: exposedName(c.server, c.tool, sep, r.settings.naming === 'passthrough'),
    kind: c.kind,
    oldHash: c.oldHash,
    newHash: c.newHash,
    oldDefinition: c.oldDefinition,
    newDefinition: c.newDefinition ?? { name: c.tool, note: 'the definition was too large to report; its hash identifies it' },
    diff: c.diff,
    findings: c.findings,
    risk: c.risk,
    localDecision: false,
    createdAt: c.createdAt,
  };
}

export interface KeyRow {
  keyId: string;
  fingerprint: string;
  state: 'current' | 'next' | 'retired';
}

export function workspaceKeys(ws: Workspace): KeyRow[] {
  const org = ws.org();
  const retired = ws.retiredKeyIds().map((keyId) => {
    const pem = createPublicKey(ws.retiredKeyPem(keyId)).export({ type: 'spki', format: 'pem' }).toString();
    return { keyId, fingerprint: keyFingerprint(pem), state: 'retired' as const };
  });
  return [
    ...org.keys.map((k) => ({ keyId: k.keyId, fingerprint: keyFingerprint(k.publicKey), state: 'current' as const })),
    ...(org.nextKey ? [{ keyId: org.nextKey.keyId, fingerprint: keyFingerprint(org.nextKey.publicKey), state: 'next' as const }] : []),
    ...retired,
  ];
}
