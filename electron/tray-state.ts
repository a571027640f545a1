import type { Status } from '../shared/control/contract.ts';

// What the tray icon shows, decided from the daemon's status alone, so it is
// tested without Electron. The worst condition wins.

export type TrayState = 'ok' | 'pending' | 'error' | 'offline' | 'paused';

export interface TrayInput {
  status: Status | undefined;
  pending: number;
  paused: boolean;
  /** The daemon could not be reached at the last poll. */
  unreachable: boolean;
  /** Why there is no daemon (it could not start, or a stranger holds its port), when known. */
  problem?: string;
}

export interface TrayView {
  state: TrayState;
  tooltip: string;
  badge: string | null;
}

export function trayView(input: TrayInput): TrayView {
  if (input.unreachable || !input.status) return { state: 'offline', tooltip: `Gatehouse: ${input.problem ?? 'the gateway is not running'}`, badge: null };
  if (input.paused) return { state: 'paused', tooltip: 'Gatehouse: paused — agents stay connected, nothing reaches the servers', badge: null };
  const failed = input.status.servers.filter((s) => s.state === 'failed' || s.state === 'backoff');
  if (failed.length)
    return { state: 'error', tooltip: `Gatehouse: ${failed.map((s) => s.id).join(', ')} ${failed.length === 1 ? 'is' : 'are'} down`, badge: null };
  if (input.pending > 0)
    return {
      state: 'pending',
      tooltip: `Gatehouse: ${input.pending} change${input.pending === 1 ? '' : 's'} to review`,
      badge: input.pending > 99 ? '99+' : String(input.pending),
    };
  const ready = input.status.servers.filter((s) => s.state === 'ready').length;
  return {
    state: 'ok',
    tooltip: `Gatehouse: ${ready} server${ready === 1 ? '' : 's'}, ${input.status.agents.length} agent${input.status.agents.length === 1 ? '' : 's'}`,
    badge: null,
  };
}

/** The icon file for a state: template images on macOS (the system tints them). */
export function trayIcon(state: TrayState, platform: NodeJS.Platform): string {
  return platform === 'darwin' ? `tray-${state}Template.png` : `tray-${state}.png`;
}
