import type { SandboxStatus, Status } from '../../shared/control/contract.ts';
import { selfCommand } from './self-command.ts';

function ago(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 120) return `${s}s`;
  if (s < 7200) return `${Math.round(s / 60)}m`;
  return `${Math.round(s / 3600)}h`;
}

/** The human summary `gatehouse status` prints. */
export function formatStatus(status: Status): string {
  const lines = [...daemonLines(status), '', ...serverLines(status), ...credentialLines(status), '', ...agentLines(status)];
  return `${lines.join('\n')}\n`;
}

/** The daemon itself: where it listens, its bundle, org, user, pinning, audit and problems. */
function daemonLines(status: Status): string[] {
  const lines: string[] = [];
  lines.push(`Gatehouse ${status.version} — pid ${status.pid}, up ${ago(status.uptimeMs)}, ${(status.rssBytes / 1048576).toFixed(0)} MB`);
  lines.push(`  MCP:     http://127.0.0.1:${status.port}/mcp   socket ${status.socket}`);
  lines.push(
    `  bundle:  ${status.bundle.name} v${status.bundle.version} (${status.bundle.source})${status.bundle.expiresAt ? `, expires ${status.bundle.expiresAt}` : ''}`,
  );
  if (status.bundle.closed) lines.push(`  CLOSED:  ${status.bundle.closed}`);
  if (status.org) {
    const o = status.org;
    lines.push(
      `  org:     ${o.name} — ${o.state}${o.offlineSince ? ` since ${o.offlineSince}` : ''}${o.lastContactAt ? `, last contact ${o.lastContactAt}` : ''}${o.deviceId ? `, device ${o.deviceId}` : ''}`,
    );
    if (o.lastError) lines.push(`           ${o.lastError}`);
    if (o.lastRejection) lines.push(`           last bundle refused (${o.lastRejection.at}, ${o.lastRejection.code}): ${o.lastRejection.reason}`);
  }
  if (status.identity)
    lines.push(
      `  user:    ${status.identity.user}${status.identity.groups.length ? ` (${status.identity.groups.join(', ')})` : ''} from ${status.identity.source === 'oidc' ? 'the org login' : 'this OS account'}${status.identity.problem ? ` — ${status.identity.problem}` : ''}`,
    );
  lines.push(`  data:    ${status.dataDir}`);
  lines.push(
    `  pinning: ${status.pinning.trustOnFirstUse ? 'TRUST ON FIRST USE (new tools are accepted unseen; changes still wait)' : 'enforced'}; ${status.pinning.pending ? `${plural(status.pinning.pending, 'change')} await${status.pinning.pending === 1 ? 's' : ''} approval: \`gatehouse pending\`` : 'nothing pending'}`,
  );
  // Acknowledgement is the org's; a desktop without one has only its own log.
  lines.push(
    `  audit:   ${plural(status.audit.records, 'record')}${status.org ? `, ${status.audit.unacknowledged} not yet acknowledged by the org${status.audit.batchesWaiting ? ` (${plural(status.audit.batchesWaiting, 'signed batch', 'signed batches')} in the outbox)` : ''}` : ''}`,
  );
  // Background work that failed and is being retried: the latest per component.
  for (const p of status.problems ?? []) lines.push(`  PROBLEM: ${p.component} (${p.at}): ${p.message}`);
  return lines;
}

function serverLines(status: Status): string[] {
  const lines: string[] = [];
  lines.push(`Servers (${status.servers.filter((s) => s.state === 'ready').length}/${status.servers.length} ready)`);
  for (const s of status.servers) {
    const mark = s.state === 'ready' ? '●' : s.state === 'starting' ? '◌' : '✕';
    const counts = `${s.counts.tools} tools, ${s.counts.resources} resources, ${s.counts.prompts} prompts`;
    const extra = [
      s.pid ? `pid ${s.pid}` : '',
      s.restarts ? `${s.restarts} restarts` : '',
      s.status === 'deprecated' ? 'DEPRECATED by your org: plan to stop using it' : s.status !== 'approved' ? s.status.toUpperCase() : '',
    ]
      .filter(Boolean)
      .join(', ');
    lines.push(`  ${mark} ${s.id.padEnd(16)} ${s.state.padEnd(9)} ${s.transport.padEnd(5)} ${counts}${extra ? `  (${extra})` : ''}`);
    if (s.sandbox) lines.push(`      sandbox: ${sandboxLine(s.sandbox)}`);
    if (s.enabled === false) {
      lines.push(`      switched off on this desktop: \`${selfCommand()} server enable ${s.id}\` turns it back on`);
      continue;
    }
    if (s.lastError && s.state !== 'ready') {
      lines.push(`      error: ${s.lastError}`);
      for (const l of s.stderrTail.slice(-3)) lines.push(`      | ${l}`);
    }
  }
  return lines;
}

function credentialLines(status: Status): string[] {
  const lines: string[] = [];
  if (status.credentials.length) {
    lines.push('');
    lines.push('Credentials (values are never shown)');
    for (const c of status.credentials) {
      const state = c.set
        ? `set ${c.setAt}${c.rotatedAt ? `, rotated ${c.rotatedAt}` : ''}`
        : c.required
          ? 'MISSING: `gatehouse secrets set ' + `${c.server}/${c.slot}` + '`'
          : 'not set (optional)';
      lines.push(
        `  ${`${c.server}/${c.slot}`.padEnd(28)} ${c.kind.padEnd(6)} ${state}${c.due ? `  ROTATION DUE (every ${c.rotationDays} days): \`gatehouse secrets rotate ${c.server}/${c.slot}\`` : ''}`,
      );
    }
  }
  return lines;
}

function agentLines(status: Status): string[] {
  const lines: string[] = [];
  const idle = status.agents.filter((a) => a.presence === 'idle').length;
  lines.push(`Agents (${status.agents.length - idle} connected${idle ? `, ${idle} idle` : ''})`);
  for (const a of status.agents) {
    const client = a.clientInfo ? `${String(a.clientInfo.name ?? '?')} ${String(a.clientInfo.version ?? '')}`.trim() : 'unknown client';
    // An idle HTTP agent may be gone: it keeps no stream open, so only its silence says so.
    const presence = a.presence === 'idle' ? 'idle (no open stream; it may have gone away), ' : '';
    lines.push(
      `  ${a.agent.padEnd(16)} ${a.transport.padEnd(5)} ${client} — ${presence}${plural(a.calls, 'call')}, ${plural(a.errors, 'error')}, active ${ago(Date.now() - a.lastActiveAt)} ago`,
    );
  }
  if (status.agents.length === 0) lines.push('  none yet: point your IDE at `gatehouse stdio --agent NAME`');
  return lines;
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** Whether the OS holds the server in: the mechanism and network, or plainly that it does not. */
function sandboxLine(sb: SandboxStatus): string {
  if (!sb.declared) return 'off (runs as you)';
  if (!sb.enforced) return `NOT ENFORCED: ${sb.note ?? 'no sandbox on this machine'}`;
  const refused = sb.refused.at(-1);
  return `${sb.mechanism}, network ${sb.network}${refused ? `; ${sb.refused.length} refused (last ${refused.host}:${refused.port})` : ''}${sb.note ? `; ${sb.note}` : ''}`;
}
