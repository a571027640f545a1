import { userInfo } from 'node:os';
import type { BundleServer, Settings } from '../../shared/bundle/schema.ts';
import { diffDefinitions } from '../../shared/pinning/diff.ts';
import { serverHash } from '../../shared/pinning/hash.ts';
import { nodeSha256Hex } from '../hashing/sha256.ts';
import type { Decision, PendingChange, PinState } from '../../shared/pinning/pending.ts';
import { compileRules, DEFAULT_RULES, type CompiledRule } from '../../shared/scanner/rules.ts';
import { scanTool } from '../../shared/scanner/scan.ts';
import { withChange } from '../../shared/scanner/change.ts';
import { decided, firstUse, type DecisionContext } from './decisions.ts';
import { ToolHashes } from './tool-hashes.ts';
import { judgeOffThread } from './off-thread.ts';
import { withPairs } from './sibling-pairs.ts';
import { sharedScanPool, type ScanPool } from './scan-pool.ts';
import { trustedOnFirstSight, type ScanResult } from './scan-protocol.ts';
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
  /** More of a server's tools were judged after evaluate() returned: its list grew. */
  onProgress?(server: string, finished: boolean): void;
  /** Judging went wrong without costing the daemon: the scan workers failed (their tools were judged on this thread), or one tool could not be judged (it stays unlisted). */
  onProblem?(message: string): void;
  /** How a big first sight is sliced: at least `minTools` per slice, then until `budgetMs` is spent. */
  slice?: { minTools: number; budgetMs: number };
  /** Scan workers for first sights of at least `minTools` new tools; false judges every tool on this thread. */
  offThread?: { pool: ScanPool; minTools: number } | false;
}

export class DecisionError extends Error {}

/**
 * Judging new tools (hash, scan, diff) yields the event loop between slices so
 * calls to other servers and signals are served meanwhile. A slice of 32 scans
 * takes a few milliseconds; small catalogues are judged before evaluate() returns.
 */
const SLICE = { minTools: 32, budgetMs: 8 };
/**
 * How often the list an agent sees grows during a first sight: each report makes agents list again, and
 * the gateway re-serializes the whole catalogue for that, so big lists grow less often (20,000 tools: 1 s).
 */
const progressMs = (tools: number) => Math.min(1000, Math.max(200, tools / 20));
/** Below this many new tools, starting a worker costs more than it saves. */
const OFF_THREAD_MIN = 256;
/** Other servers' tools from which the scanner's index of them is built off the loop too (2,000 names: tens of ms). */
const OFF_THREAD_INDEX = 2000;

export const localUser = (): string => {
  try {
    return `local:${userInfo().username}`;
  } catch {
    return 'local:unknown';
  }
};

/** One evaluation of a server's tool list, possibly still judging its new tools. */
interface Job {
  server: BundleServer;
  instructions: string | undefined;
  settings: Settings;
  rules: CompiledRule[];
  rulesKey: string;
  /** Every tool name of the server, once per job: the scanner's siblings. */
  names: string[];
  /** The server's whole list, and by name once a tool names a sibling: harm split over two tools is read from both (sibling-pairs.ts). */
  tools: readonly Record<string, unknown>[];
  byName?: Map<string, Record<string, unknown>>;
  others: { server: string; name: string }[] | undefined;
  previous: Map<string, PendingChange>;
  /** Approved definitions of this list: tool name to definition hash. */
  approved: Map<string, string>;
  hashes: string[];
  ids: Set<string>;
  /** Tools whose hash or pending change was not already known: judged in slices. */
  queue: Record<string, unknown>[];
  next: number;
  /** When onProgress last ran for this job. */
  reported: number;
  done: boolean;
  waiters: (() => void)[];
  reportedUnencodable?: boolean;
}

export class PinGate {
  private readonly opts: GateOptions;
  private readonly slice: { minTools: number; budgetMs: number };
  /**
   * Approved definitions by server, then tool name: the definition hash agents may see.
   * Keyed by content, not by object, so a refresh that returns equal tools as new objects
   * is still approved, and a changed one never is.
   */
  private readonly approved = new Map<string, Map<string, string>>();
  private readonly quarantined = new Map<string, PendingChange>();
  private readonly blocked = new Map<string, PinEntry & { exposedName: string }>();
  /** Each server's hash, taken when the status API first asks: 20,000 tool hashes cost a first sight's last turn 25-55 ms. */
  private readonly serverHashes = new Map<string, string | { hashes: readonly string[]; instructions: string | undefined }>();
  private readonly jobs = new Map<string, Job>();
  /** Pin hashes and change ids, once per tool object. */
  private readonly toolHashes = new ToolHashes();
  /** The scanner rules a pending change was scanned with: a re-evaluation reuses the scan only under the same rules. */
  private readonly scannedWith = new WeakMap<PendingChange, string>();
  private rulesKey = '';
  private rules: CompiledRule[] = [];

  constructor(opts: GateOptions) {
    this.opts = opts;
    this.slice = opts.slice ?? SLICE;
  }

  isApproved(server: string, tool: Record<string, unknown>): boolean {
    const hash = this.approved.get(server)?.get(String(tool.name));
    // A definition nested past what can be encoded, beside an approved twin of its name, has no hash and is never
    // approved: hashing it used to throw in every catalogue build, and no agent could list or call anything.
    return hash !== undefined && hash === this.toolHashes.of(tool);
  }

  /** The server's hash over its sorted tool hashes and instructions, as last evaluated. */
  serverHash(server: string): string | undefined {
    let known = this.serverHashes.get(server);
    if (known !== undefined && typeof known !== 'string') this.serverHashes.set(server, (known = serverHash(known.hashes, known.instructions, nodeSha256Hex)));
    return known;
  }

  pendingFor(exposedName: string): PendingChange | undefined {
    return this.quarantined.get(exposedName);
  }
  rejectedFor(exposedName: string): (PinEntry & { exposedName: string }) | undefined {
    return this.blocked.get(exposedName);
  }
  pending(): readonly PendingChange[] {
    return this.opts.store.pending();
  }
  decisions(): readonly Decision[] {
    return this.opts.store.decisions();
  }

  /** Tools held back from agents, for the control API's tool list. */
  heldBack(): { exposedName: string; server: string; tool: string; state: PinState; pendingChange: string | null }[] {
    return [
      ...[...this.quarantined.values()].map((c) => ({
        exposedName: c.exposedName,
        server: c.server,
        tool: c.tool,
        state: 'quarantined' as const,
        pendingChange: c.id,
      })),
      ...[...this.blocked.values()].map((b) => ({
        exposedName: b.exposedName,
        server: b.server,
        tool: b.tool,
        state: 'rejected' as const,
        pendingChange: null,
      })),
    ];
  }

  /** Whether a server still has tools waiting to be judged. */
  judging(server: string): boolean {
    return this.jobs.has(server);
  }

  /** Resolves once every tool of the server's latest list has been judged. */
  judged(server: string): Promise<void> {
    const job = this.jobs.get(server);
    return job ? new Promise((resolve) => job.waiters.push(resolve)) : Promise.resolve();
  }

  /**
   * Re-judges a server's whole tool list (at start, on list_changed, after a decision).
   * Tools already known (same object, or a pending change already scanned) are judged
   * before this returns; new ones in slices, committed to the store once per slice,
   * and shown (onProgress) only once committed. A newer call supersedes a running one.
   */
  evaluate(server: BundleServer, tools: readonly Record<string, unknown>[], instructions?: string): void {
    const started = performance.now();
    const settings = this.opts.settings();
    const store = this.opts.store;
    const rules = this.compiledRules(settings);
    const superseded = this.jobs.get(server.id);
    if (superseded) this.jobs.delete(server.id);
    for (const [name, change] of this.quarantined) if (change.server === server.id) this.quarantined.delete(name);
    for (const [name, entry] of this.blocked) if (entry.server === server.id) this.blocked.delete(name);
    const job: Job = {
      server,
      instructions,
      settings,
      rules,
      rulesKey: this.rulesKey,
      names: tools.map((t) => String(t.name)),
      tools,
      others: undefined,
      previous: new Map(
        store
          .pending()
          .filter((p) => p.server === server.id)
          .map((p) => [p.id, p]),
      ),
      approved: new Map(),
      hashes: [],
      ids: new Set(),
      queue: [],
      next: 0,
      reported: 0,
      done: false,
      waiters: superseded?.waiters ?? [],
    };
    this.approved.set(server.id, job.approved);
    this.jobs.set(server.id, job);
    for (const tool of tools) {
      if (this.toolHashes.isUnencodable(tool)) continue; // reported when first met, and never listed
      const hash = this.toolHashes.known(tool);
      if (!hash || !this.judgeKnown(job, tool, hash)) job.queue.push(tool);
    }
    const offThread = this.opts.offThread ?? { pool: sharedScanPool(), minTools: OFF_THREAD_MIN };
    if (offThread && this.worthWorkers(job, offThread.minTools)) void this.runOffThread(job, offThread.pool);
    else this.runSlice(job, started, false);
  }

  /**
   * Many new tools go to the workers. A few are hashed here first (cheap, and a refresh that changed
   * nothing needs no more); those still new go too when the catalogue they are checked against is big,
   * as the scanner's index of it would take long to build on this thread.
   */
  private worthWorkers(job: Job, minTools: number): boolean {
    if (job.queue.length >= minTools) return true;
    job.queue = job.queue.filter((tool) => {
      const hash = this.toolHashes.of(tool);
      if (hash === undefined) this.dropUnencodable(job);
      return hash !== undefined && !this.judgeKnown(job, tool, hash);
    });
    return job.queue.length > 0 && (job.others ??= this.opts.otherTools(job.server.id)).length >= OFF_THREAD_INDEX;
  }

  /** Judges the queue on the scan workers; what they could not judge goes to the slices on this thread. */
  private async runOffThread(job: Job, pool: ScanPool): Promise<void> {
    const live = () => this.jobs.get(job.server.id) === job;
    job.others ??= this.opts.otherTools(job.server.id);
    const ctx = { siblings: job.names, others: job.others, scannerRules: job.settings.scannerRules, trustOnFirstUse: job.settings.pinning.trustOnFirstUse };
    const left = await judgeOffThread(pool.open(ctx), job.queue, {
      live,
      known: (tool, hash) => {
        this.toolHashes.remember(tool, hash);
        return typeof tool.name !== 'string' || !tool.name || this.judgeKnown(job, tool, hash);
      },
      baseline: (tool) => this.baseline(job, tool),
      decide: (tool, hash, result) => this.decide(job, tool, hash, result),
      commit: (fresh) => this.commitSlice(job, fresh, true),
      failed: (message) => this.opts.onProblem?.(`scan workers failed, judging on the main thread: ${message}`),
    });
    if (!live()) return;
    job.queue = left;
    job.next = 0;
    this.runSlice(job, performance.now(), true);
  }

  /** Judges a tool without hashing or scanning it, when it can; false sends it to the slices. */
  private judgeKnown(job: Job, tool: Record<string, unknown>, hash: string): boolean {
    const name = typeof tool.name === 'string' ? tool.name : '';
    if (!name) return true;
    const serverId = job.server.id;
    const store = this.opts.store;
    const rejected = store.isRejected(serverId, name, hash);
    const pin = pinOf(job, name);
    const local = store.accepted(serverId, name);
    const pinned = pin === hash || local?.hash === hash;
    let earlier: PendingChange | undefined;
    if (!pinned && !rejected) {
      earlier = job.previous.get(this.toolHashes.idOf(serverId, name, hash, tool));
      if (!earlier || !this.stillHolds(job, earlier, local?.hash ?? pin ?? null)) return false;
    }
    job.hashes.push(hash);
    const exposed = this.opts.exposedName(serverId, name);
    if (rejected) this.blocked.set(exposed, { ...rejected, exposedName: exposed });
    else if (pinned) {
      job.approved.set(name, hash);
      store.remember(hash, tool);
    } else if (earlier) {
      // Same definition, same rules, same baseline: the earlier scan and diff stand, under this bundle's approval limits.
      let change = earlier;
      const localDecision = job.settings.pinning.localApproval[earlier.risk];
      if (localDecision !== earlier.localDecision || exposed !== earlier.exposedName) {
        change = { ...earlier, exposedName: exposed, localDecision };
        this.scannedWith.set(change, job.rulesKey);
        store.putPending([change]);
      }
      job.ids.add(change.id);
      this.quarantined.set(exposed, change);
    }
    return true;
  }

  /** Whether an earlier pending change still describes this tool: else it is scanned and diffed again. */
  private stillHolds(job: Job, earlier: PendingChange, oldHash: string | null): boolean {
    if (this.scannedWith.get(earlier) !== job.rulesKey || earlier.oldHash !== oldHash) return false;
    // A new tool held back before the bundle allowed trust on first use may now be trusted.
    return !trustedOnFirstSight(Boolean(oldHash), job.settings.pinning.trustOnFirstUse, earlier.risk);
  }

  /** Judges queued tools until the slice's budget is spent, commits them, then yields or finishes. */
  private runSlice(job: Job, started: number, async: boolean): void {
    if (this.jobs.get(job.server.id) !== job) return; // superseded: the newer job took its waiters
    const fresh: PendingChange[] = [];
    let count = 0;
    while (job.next < job.queue.length && (count < this.slice.minTools || performance.now() - started < this.slice.budgetMs)) {
      const tool = job.queue[job.next++]!;
      try {
        const change = this.judgeNew(job, tool);
        if (change) fresh.push(change);
      } catch (err) {
        // One tool the gate cannot judge costs that tool (it stays unlisted), never the
        // daemon: a slice that runs from setImmediate has no caller to catch for it.
        this.opts.onProblem?.(`a tool of ${job.server.id} could not be judged and is not listed: ${(err as Error).message}`);
      }
      count++;
    }
    const finished = job.next >= job.queue.length;
    this.commitSlice(job, fresh, async, count > 0, finished);
    if (!finished) setImmediate(() => this.runSlice(job, performance.now(), true));
  }

  /** Commits a slice's decisions, then shows them: at most one progress report per progressMs, and the last. */
  private commitSlice(job: Job, fresh: PendingChange[], async: boolean, judgedAny = true, finished = false): void {
    this.opts.store.putPending(fresh);
    if (finished) this.opts.store.retainPending(job.server.id, job.ids);
    this.opts.store.commit();
    for (const change of fresh) this.quarantined.set(change.exposedName, change);
    for (const change of fresh) if (!job.previous.has(change.id)) this.opts.onPending(change);
    if (finished) this.finish(job, true);
    // Each progress report rebuilds the catalogue an agent lists.
    if (async && (finished || (judgedAny && performance.now() - job.reported >= progressMs(job.names.length)))) {
      job.reported = performance.now();
      this.opts.onProgress?.(job.server.id, finished);
    }
  }

  private finish(job: Job, complete: boolean): void {
    if (job.done) return;
    job.done = true;
    if (this.jobs.get(job.server.id) === job) this.jobs.delete(job.server.id);
    if (complete) this.serverHashes.set(job.server.id, { hashes: job.hashes, instructions: job.instructions });
    for (const resolve of job.waiters.splice(0)) resolve();
  }

  /** Hashes, scans and decides one tool. Acceptances go to the store uncommitted: runSlice commits them before they are shown. */
  private judgeNew(job: Job, tool: Record<string, unknown>): PendingChange | undefined {
    const name = typeof tool.name === 'string' ? tool.name : '';
    if (!name) return undefined;
    const hash = this.toolHashes.of(tool);
    if (hash === undefined) return void this.dropUnencodable(job);
    // Pinned, rejected or already pending: decided without a scan, committed with the slice.
    if (this.judgeKnown(job, tool, hash)) return undefined;
    const { hasBaseline, baseline } = this.baseline(job, tool);
    job.others ??= this.opts.otherTools(job.server.id);
    // The full name list, shared by every scan of the job: the scanner ignores a tool's own name among its siblings.
    const ctx = { siblings: job.names, otherTools: job.others, rules: job.rules };
    const scan = scanTool(tool, ctx);
    if (trustedOnFirstSight(hasBaseline, job.settings.pinning.trustOnFirstUse, scan.risk)) return this.decide(job, tool, hash, { ...scan, diff: null });
    // A change is judged on what it widened (enum, required, hints), not only on its new text.
    const judged = baseline ? withChange(scan, baseline, tool, ctx) : scan;
    return this.decide(job, tool, hash, { risk: judged.risk, findings: judged.findings, diff: diffDefinitions(baseline ?? {}, tool) });
  }

  /** The approved definition (a local acceptance, else the bundle's pin) a tool's new one is judged against. */
  private baseline(job: Job, tool: Record<string, unknown>): { hasBaseline: boolean; baseline: Record<string, unknown> | null } {
    const name = String(tool.name);
    const oldHash = this.opts.store.accepted(job.server.id, name)?.hash ?? pinOf(job, name);
    return { hasBaseline: Boolean(oldHash), baseline: oldHash ? (this.opts.store.definition(oldHash) ?? null) : null };
  }

  /** Trusts a scanned new tool on first use, or makes it a pending change. Acceptances go to the store uncommitted. */
  private decide(job: Job, tool: Record<string, unknown>, hash: string, scanned: ScanResult): PendingChange | undefined {
    const name = String(tool.name);
    job.hashes.push(hash);
    const serverId = job.server.id;
    const store = this.opts.store;
    const oldHash = store.accepted(serverId, name)?.hash ?? pinOf(job, name) ?? null;
    const judged = withPairs(job, tool, scanned, Boolean(oldHash));
    const id = this.toolHashes.idOf(serverId, name, hash, tool);
    if (trustedOnFirstSight(Boolean(oldHash), job.settings.pinning.trustOnFirstUse, judged.risk)) {
      // Trust on first use is the bundle's explicit choice, recorded like any decision.
      const { entry, decision } = firstUse(id, serverId, name, hash, judged.risk);
      store.accept(entry, tool, decision);
      this.opts.onDecision(decision);
      job.approved.set(name, hash);
      return undefined;
    }
    const oldDefinition = oldHash ? (store.definition(oldHash) ?? null) : null;
    const change: PendingChange = {
      id,
      server: serverId,
      tool: name,
      exposedName: this.opts.exposedName(serverId, name),
      kind: oldHash ? 'changed' : 'new',
      oldHash,
      newHash: hash,
      oldDefinition,
      newDefinition: tool,
      diff: judged.diff ?? diffDefinitions(oldDefinition ?? {}, tool),
      findings: judged.findings,
      risk: judged.risk,
      localDecision: job.settings.pinning.localApproval[judged.risk],
      createdAt: job.previous.get(id)?.createdAt ?? new Date().toISOString(),
    };
    this.scannedWith.set(change, job.rulesKey);
    job.ids.add(id);
    return change;
  }

  /** Approves a pending change. Throws DecisionError when it is unknown or not locally approvable. */
  approve(id: string, by: string, reason: string | null, context: DecisionContext = {}): PendingChange {
    const change = this.find(id);
    if (!change.localDecision && by !== 'org') {
      throw new DecisionError(`change ${id} has ${change.risk} risk, which this bundle does not let a local user approve: it awaits org approval`);
    }
    const { entry, decision } = decided(change, 'approved', by, reason, context);
    this.opts.store.accept(entry, change.newDefinition, decision);
    this.opts.store.commit();
    this.quarantined.delete(change.exposedName);
    this.opts.onDecision(decision);
    return change;
  }

  reject(id: string, by: string, reason: string | null, context: DecisionContext = {}): PendingChange {
    const change = this.find(id);
    const { entry, decision } = decided(change, 'rejected', by, reason, context);
    this.opts.store.reject(entry, decision);
    this.opts.store.commit();
    this.quarantined.delete(change.exposedName);
    this.blocked.set(change.exposedName, { ...entry, exposedName: change.exposedName });
    this.opts.onDecision(decision);
    return change;
  }

  /**
   * Undoes a rejection (a click by mistake): the definition is pending again at
   * the server's next evaluation. Throws DecisionError when `id` is not rejected now.
   */
  reopen(id: string, by: string, reason: string | null, context: DecisionContext = {}): Decision {
    const store = this.opts.store;
    const last = [...store.decisions()].reverse().find((d) => d.id === id);
    const entry = last && store.isRejected(last.server, last.tool, last.hash);
    if (!last || !entry) throw new DecisionError(`change "${id}" is not rejected: only a rejected change can be reopened (see \`gatehouse pending\`)`);
    const decision: Decision = {
      ...context,
      id,
      server: entry.server,
      tool: entry.tool,
      hash: entry.hash,
      decision: 'reopened',
      by,
      reason,
      at: new Date().toISOString(),
      risk: last.risk,
    };
    store.reopen(entry, decision);
    store.commit();
    for (const [name, blocked] of this.blocked)
      if (blocked.server === entry.server && blocked.tool === entry.tool && blocked.hash === entry.hash) this.blocked.delete(name);
    this.opts.onDecision(decision);
    return decision;
  }

  /** One report for a server's unencodable tools per evaluation; the tool objects stay known and are skipped after. */
  private dropUnencodable(job: Job): void {
    if (job.reportedUnencodable) return;
    job.reportedUnencodable = true;
    this.opts.onProblem?.(`server "${job.server.id}": tools nested too deep to be encoded are not judged nor listed`);
  }

  private find(id: string): PendingChange {
    const change = this.opts.store.pendingChange(id);
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

export { changeId, type DecisionContext } from './decisions.ts';

/** The bundle's pin for a tool: an own property only, so a tool named `constructor` or `__proto__` finds no built-in. */
function pinOf(job: Job, name: string): string | undefined {
  return Object.hasOwn(job.server.pins, name) ? job.server.pins[name] : undefined;
}
