import type { TrayView } from './tray-state.ts';

// The tray menu as data: Electron's Menu is built from it in main.ts.

export type MenuAction = 'open-dashboard' | 'open-pending' | 'toggle-pause' | 'sync-now' | 'toggle-login-item' | 'toggle-beta' | 'install-update' | 'quit';

export interface UpdateView {
  /** Said above everything else (the org requires a newer version). */
  notice: string | null;
  /** A downloaded update waits for a restart. */
  downloaded: string | null;
  beta: boolean;
}
export type MenuItemModel =
  | { kind: 'label'; label: string }
  | { kind: 'separator' }
  | { kind: 'action'; label: string; action: MenuAction; enabled: boolean }
  | { kind: 'checkbox'; label: string; action: MenuAction; checked: boolean };

export function menuModel(
  view: TrayView,
  opts: { pending: number; paused: boolean; openAtLogin: boolean; hasOrg: boolean; update?: UpdateView },
): MenuItemModel[] {
  const running = view.state !== 'offline';
  const update = opts.update;
  const updateItems: MenuItemModel[] = [];
  if (update?.notice) updateItems.push({ kind: 'label', label: update.notice });
  if (update?.downloaded) updateItems.push({ kind: 'action', label: `Restart to update to ${update.downloaded}`, action: 'install-update', enabled: true });
  return [
    { kind: 'label', label: view.tooltip.replace(/^Gatehouse: /, '') },
    ...updateItems,
    { kind: 'separator' },
    { kind: 'action', label: 'Open dashboard', action: 'open-dashboard', enabled: running },
    {
      kind: 'action',
      label: opts.pending ? `Review ${opts.pending} pending change${opts.pending === 1 ? '' : 's'}…` : 'Pending changes',
      action: 'open-pending',
      enabled: running,
    },
    { kind: 'separator' },
    { kind: 'action', label: opts.paused ? 'Resume all agents' : 'Pause all agents', action: 'toggle-pause', enabled: running },
    { kind: 'action', label: 'Sync now', action: 'sync-now', enabled: running && opts.hasOrg },
    { kind: 'checkbox', label: 'Start at login', action: 'toggle-login-item', checked: opts.openAtLogin },
    ...(update ? [{ kind: 'checkbox', label: 'Beta updates', action: 'toggle-beta', checked: update.beta } as const] : []),
    { kind: 'separator' },
    { kind: 'action', label: 'Quit Gatehouse', action: 'quit', enabled: true },
  ];
}
