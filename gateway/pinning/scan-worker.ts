import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';
import { parentPort } from 'node:worker_threads';
import { diffDefinitions } from '../../shared/pinning/diff.ts';
import { toolHash } from '../../shared/pinning/hash.ts';
import { withChange } from '../../shared/scanner/change.ts';
import { compileRules, DEFAULT_RULES, type CompiledRule } from '../../shared/scanner/rules.ts';
import { scanTool, type ScanContext } from '../../shared/scanner/scan.ts';
import { mentionedSiblings } from '../../shared/scanner/sibling-chain.ts';
import { nodeSha256Hex } from '../hashing/sha256.ts';
import { trustedOnFirstSight, type JobContext, type ScanResult, type ToWorker, type FromWorker } from './scan-protocol.ts';

// A scan worker: hashes and scans the tools of a first sight off the daemon's
// event loop. It keeps each chunk it hashed until the gate asks for the scans of
// the tools that need one (the rest were pinned, rejected or already pending), so
// a tool crosses the thread boundary once. Each job's sibling and catalogue indexes
// are built here, once per job, not on the daemon's loop.

type Tool = Record<string, unknown>;
interface Job {
  ctx: JobContext;
  scan: ScanContext;
  siblings: ReadonlySet<string>;
  chunks: Map<number, Tool[]>;
}

// Scans give way to the daemon's own thread (Linux nice is per thread): with the cores busy judging a big
// first sight, calls to other servers are still served at once. Elsewhere they run at the same priority.
try {
  const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
  if (tid > 0) setPriority(tid, 10);
} catch {
  /* no /proc/thread-self, or not allowed */
}

const jobs = new Map<number, Job>();
let compiled: { key: string; rules: CompiledRule[] } | undefined;

function rulesOf(ctx: JobContext): CompiledRule[] {
  const key = JSON.stringify(ctx.scannerRules);
  if (compiled?.key !== key) compiled = { key, rules: compileRules([...DEFAULT_RULES, ...ctx.scannerRules]) };
  return compiled.rules;
}

function jobOf(id: number): Job {
  const job = jobs.get(id);
  if (!job) throw new Error(`scan job ${id} is not open`);
  return job;
}

function scanChunk(job: Job, tools: Tool[], items: Extract<ToWorker, { kind: 'scan' }>['items']): ScanResult[] {
  return items.map((item) => {
    const tool = tools[item.at];
    if (!tool) throw new Error(`no tool ${item.at} in this chunk`);
    const scan = scanTool(tool, job.scan);
    const mentions = mentionedSiblings(tool, (n) => job.siblings.has(n));
    if (trustedOnFirstSight(item.hasBaseline, job.ctx.trustOnFirstUse, scan.risk)) return { risk: scan.risk, findings: scan.findings, diff: null, mentions };
    const judged = item.baseline ? withChange(scan, item.baseline, tool, job.scan) : scan;
    return { risk: judged.risk, findings: judged.findings, diff: diffDefinitions(item.baseline ?? {}, tool), mentions };
  });
}

function handle(msg: ToWorker): FromWorker | undefined {
  switch (msg.kind) {
    case 'open': {
      const { ctx } = msg;
      jobs.set(msg.job, {
        ctx,
        scan: { siblings: ctx.siblings, otherTools: ctx.others, rules: rulesOf(ctx) },
        siblings: new Set(ctx.siblings),
        chunks: new Map(),
      });
      return undefined;
    }
    case 'close':
      jobs.delete(msg.job);
      return undefined;
    case 'hash': {
      const job = jobOf(msg.job);
      job.chunks.set(msg.chunk, msg.tools);
      return { id: msg.id, ok: true, hashes: msg.tools.map((t) => toolHash(t, nodeSha256Hex)), scans: [] };
    }
    case 'scan': {
      const job = jobOf(msg.job);
      const tools = job.chunks.get(msg.chunk);
      if (!tools) throw new Error(`chunk ${msg.chunk} was not hashed here`);
      job.chunks.delete(msg.chunk);
      return { id: msg.id, ok: true, hashes: [], scans: scanChunk(job, tools, msg.items) };
    }
  }
}

parentPort?.on('message', (msg: ToWorker) => {
  try {
    const reply = handle(msg);
    if (reply) parentPort!.postMessage(reply);
  } catch (err) {
    // The gate judges the chunk on its own thread instead: one bad tool must not lose the batch.
    if ('id' in msg) parentPort!.postMessage({ id: msg.id, ok: false, error: err instanceof Error ? err.message : String(err) } satisfies FromWorker);
  }
});
