import type { TrayView } from './tray-state.ts';

// The tray menu as data: Electron's Menu is built from it in main.ts.

export type MenuAction = 'open-dashboard' | 'open-pending' | 'toggle-pause' | 'sync-now' | 'toggle-login-item' | 'quit';
export type MenuItemModel =
  | { kind: 'label'; label: string }
  | { kind: 'separator' }
  | { kind: 'action'; label: string; action: MenuAction; enabled: boolean }
  | { kind: 'checkbox'; label: string; action: MenuAction; checked: boolean };

export function menuModel(view: TrayView, opts: { pending: number; paused: boolean; openAtLogin: boolean; hasOrg: boolean }): MenuItemModel[] {
  const running = view.state !== 'offline';
  return [
    { kind: 'label', label: view.tooltip.replace(/^Gatehouse: /, '') },
    { kind: 'separator' },
    { kind: 'action', label: 'Open dashboard', action: 'open-dashboard', enabled: running },
    { kind: 'action', label: opts.pending ? `Review ${opts.pending} pending change${opts.pending === 1 ? '' : 's'}…` : 'Pending changes', action: 'open-pending', enabled: running },
    { kind: 'separator' },
    { kind: 'action', label: opts.paused ? 'Resume all agents' : 'Pause all agents', action: 'toggle-pause', enabled: running },
    { kind: 'action', label: 'Sync now', action: 'sync-now', enabled: running && opts.hasOrg },
    { kind: 'checkbox', label: 'Start at login', action: 'toggle-login-item', checked: opts.openAtLogin },
    { kind: 'separator' },
    { kind: 'action', label: 'Quit Gatehouse', action: 'quit', enabled: true },
  ];
}
