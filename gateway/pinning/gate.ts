import { userInfo } from 'node:os';
import type { BundleServer, Settings } from '../../shared/bundle/schema.ts';
import { diffDefinitions } from '../../shared/pinning/diff.ts';
import { serverHash, toolHash } from '../../shared/pinning/hash.ts';
import { nodeSha256Hex } from '../hashing/sha256.ts';
import type { Decision, PendingChange, PinState } from '../../shared/pinning/pending.ts';
import { compileRules, DEFAULT_RULES, SEVERITIES, type CompiledRule } from '../../shared/scanner/rules.ts';
import { scanTool } from '../../shared/scanner/scan.ts';
import type { PinEntry, PinStore } from './store.ts';

// The pin gate: no tool reaches an agent unless its exact definition was approved,
// by a pin in the bundle or by a local decision. Everything else becomes a pending
// change, scanned, diffed against the last approved definition, and held back.

export interface GateOptions {
  store: PinStore;
  settings: () => Settings;
  exposedName(server: string, tool: string): string;
  /** Tools the gateway knows on other servers, for the scanner's shadowing checks. */
  otherTools(server: string): { server: string; name: string }[];
  onPending(change: PendingChange): void;
  onDecision(decision: Decision): void;
}

export class DecisionError extends Error {}

const MAX_CACHED = 50_000;

export const localUser = (): string => {
  try { return `local:${userInfo().username}`; } catch { return 'local:unknown'; }
};

export class PinGate {
  private readonly opts: GateOptions;
  /** Approved tool objects, by server: membership is the O(1) check on the list path. */
  private readonly approved = new Map<string, WeakSet<object>>();
  private readonly quarantined = new Map<string, PendingChange>();
  private readonly blocked = new Map<string, PinEntry & { exposedName: string }>();
  private readonly serverHashes = new Map<string, string>();
  /** Hashes by tool object (re-evaluation after a decision) and by its JSON text (a refresh that changed nothing). */
  private readonly hashByObject = new WeakMap<object, string>();
  private readonly hashByText = new Map<string, string>();
  private rulesKey = '';
  private rules: CompiledRule[] = [];

  constructor(opts: GateOptions) {
    this.opts = opts;
  }

  isApproved(server: string, tool: object): boolean {
    return this.approved.get(server)?.has(tool) ?? false;
  }

  /** The server's hash over its sorted tool hashes and instructions, as last evaluated. */
  serverHash(server: string): string | undefined { return this.serverHashes.get(server); }

  pendingFor(exposedName: string): PendingChange | undefined { return this.quarantined.get(exposedName); }
  rejectedFor(exposedName: string): (PinEntry & { exposedName: string }) | undefined { return this.blocked.get(exposedName); }
  pending(): readonly PendingChange[] { return this.opts.store.pending(); }
  decisions(): readonly Decision[] { return this.opts.store.decisions(); }

  /** Tools held back from agents, for the control API's tool list. */
  heldBack(): { exposedName: string; server: string; tool: string; state: PinState; pendingChange: string | null }[] {
    return [
      ...[...this.quarantined.values()].map((c) => ({ exposedName: c.exposedName, server: c.server, tool: c.tool, state: 'quarantined' as const, pendingChange: c.id })),
      ...[...this.blocked.values()].map((b) => ({ exposedName: b.exposedName, server: b.server, tool: b.tool, state: 'rejected' as const, pendingChange: null })),
    ];
  }

  stateOf(exposedName: string): PinState | undefined {
    if (this.quarantined.has(exposedName)) return 'quarantined';
    if (this.blocked.has(exposedName)) return 'rejected';
    return undefined;
  }

  /** Re-judges a server's whole tool list (at start, on list_changed, after a decision). */
  evaluate(server: BundleServer, tools: readonly Record<string, unknown>[], instructions?: string): void {
    const settings = this.opts.settings();
    const hashes: string[] = [];
    const store = this.opts.store;
    const approved = new WeakSet<object>();
    const pending: PendingChange[] = [];
    for (const [name, change] of this.quarantined) if (change.server === server.id) this.quarantined.delete(name);
    for (const [name, entry] of this.blocked) if (entry.server === server.id) this.blocked.delete(name);
    const previous = new Map(store.pending().filter((p) => p.server === server.id).map((p) => [p.id, p]));
    const names = tools.map((t) => String(t.name));
    let others: { server: string; name: string }[] | undefined;

    for (const tool of tools) {
      const name = typeof tool.name === 'string' ? tool.name : '';
      if (!name) continue;
      const hash = this.hashOf(tool);
      hashes.push(hash);
      const exposed = this.opts.exposedName(server.id, name);
      const rejected = store.isRejected(server.id, name, hash);
      if (rejected) { this.blocked.set(exposed, { ...rejected, exposedName: exposed }); continue; }
      const pin = server.pins[name];
      const local = store.accepted(server.id, name);
      if (pin === hash || local?.hash === hash) {
        approved.add(tool);
        store.remember(hash, tool);
        continue;
      }
      others ??= this.opts.otherTools(server.id);
      const scan = scanTool(tool, { siblings: names.filter((n) => n !== name), otherTools: others, rules: this.compiledRules(settings) });
      const oldHash = local?.hash ?? pin ?? null;
      if (!oldHash && settings.pinning.trustOnFirstUse && SEVERITIES.indexOf(scan.risk) < SEVERITIES.indexOf('high')) {
        // Trust on first use is the bundle's explicit choice, recorded like any decision.
        const at = new Date().toISOString();
        const id = changeId(server.id, name, hash);
        store.accept({ server: server.id, tool: name, hash, by: 'trust-on-first-use', at, reason: 'first sight, bundle allows trust on first use' }, tool, { id, server: server.id, tool: name, hash, decision: 'trusted-on-first-use', by: 'trust-on-first-use', reason: null, at, risk: scan.risk });
        this.opts.onDecision(store.decisions().at(-1)!);
        approved.add(tool);
        continue;
      }
      const id = changeId(server.id, name, hash);
      const oldDefinition = oldHash ? store.definition(oldHash) ?? null : null;
      const change: PendingChange = {
        id,
        server: server.id,
        tool: name,
        exposedName: exposed,
        kind: oldHash ? 'changed' : 'new',
        oldHash,
        newHash: hash,
        oldDefinition,
        newDefinition: tool,
        diff: diffDefinitions(oldDefinition ?? {}, tool),
        findings: scan.findings,
        risk: scan.risk,
        localDecision: settings.pinning.localApproval[scan.risk],
        createdAt: previous.get(id)?.createdAt ?? new Date().toISOString(),
      };
      pending.push(change);
      this.quarantined.set(exposed, change);
    }
    this.approved.set(server.id, approved);
    this.serverHashes.set(server.id, serverHash(hashes, instructions, nodeSha256Hex));
    store.setPending(server.id, pending);
    for (const change of pending) if (!previous.has(change.id)) this.opts.onPending(change);
  }

  forget(serverId: string): void {
    this.approved.delete(serverId);
    for (const [name, change] of this.quarantined) if (change.server === serverId) this.quarantined.delete(name);
  }

  /** Approves a pending change. Throws DecisionError when it is unknown or not locally approvable. */
  approve(id: string, by: string, reason: string | null): PendingChange {
    const change = this.find(id);
    if (!change.localDecision && by !== 'org') {
      throw new DecisionError(`change ${id} has ${change.risk} risk, which this bundle does not let a local user approve: it awaits org approval`);
    }
    const { entry, decision } = decided(change, 'approved', by, reason);
    this.opts.store.accept(entry, change.newDefinition, decision);
    this.quarantined.delete(change.exposedName);
    this.opts.onDecision(decision);
    return change;
  }

  reject(id: string, by: string, reason: string | null): PendingChange {
    const change = this.find(id);
    const { entry, decision } = decided(change, 'rejected', by, reason);
    this.opts.store.reject(entry, decision);
    this.quarantined.delete(change.exposedName);
    this.blocked.set(change.exposedName, { ...entry, exposedName: change.exposedName });
    this.opts.onDecision(decision);
    return change;
  }

  /** The pin hash of a tool; canonicalizing is the costly part, so unchanged tools are not re-canonicalized. */
  private hashOf(tool: Record<string, unknown>): string {
    const known = this.hashByObject.get(tool);
    if (known) return known;
    const text = JSON.stringify(tool);
    let hash = this.hashByText.get(text);
    if (!hash) {
      hash = toolHash(tool, nodeSha256Hex);
      if (this.hashByText.size >= MAX_CACHED) this.hashByText.clear();
      this.hashByText.set(text, hash);
    }
    this.hashByObject.set(tool, hash);
    return hash;
  }

  private find(id: string): PendingChange {
    const change = this.opts.store.pending().find((p) => p.id === id);
    if (!change) throw new DecisionError(`no pending change "${id}": see \`gatehouse pending\``);
    return change;
  }

  private compiledRules(settings: Settings): CompiledRule[] {
    const key = JSON.stringify(settings.scannerRules);
    if (key !== this.rulesKey) {
      this.rules = compileRules([...DEFAULT_RULES, ...settings.scannerRules]);
      this.rulesKey = key;
    }
    return this.rules;
  }
}

/** The pin entry and the decision record one approval or rejection writes. */
function decided(change: PendingChange, kind: Decision['decision'], by: string, reason: string | null) {
  const at = new Date().toISOString();
  const entry = { server: change.server, tool: change.tool, hash: change.newHash, by, at, reason };
  const decision: Decision = { id: change.id, ...entry, decision: kind, risk: change.risk };
  return { entry, decision };
}

export function changeId(server: string, tool: string, hash: string): string {
  return nodeSha256Hex(`${server}\n${tool}\n${hash}`).slice(0, 12);
}
