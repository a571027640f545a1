import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Status } from '../shared/control/contract.ts';
import { menuModel } from './menu-model.ts';
import { announce, NotificationGate } from './notification-gate.ts';
import { trayIcon, trayView } from './tray-state.ts';

const status = (states: string[], agents = 0) =>
  ({ servers: states.map((state, i) => ({ id: `s${i}`, state })), agents: Array.from({ length: agents }) }) as unknown as Status;

describe('tray state', () => {
  it('shows the worst condition', () => {
    assert.equal(trayView({ status: undefined, pending: 3, paused: false, unreachable: true }).state, 'offline');
    assert.equal(trayView({ status: status(['ready']), pending: 3, paused: true, unreachable: false }).state, 'paused');
    const down = trayView({ status: status(['ready', 'failed']), pending: 3, paused: false, unreachable: false });
    assert.equal(down.state, 'error');
    assert.match(down.tooltip, /s1 is down/);
    const pending = trayView({ status: status(['ready']), pending: 120, paused: false, unreachable: false });
    assert.deepEqual([pending.state, pending.badge], ['pending', '99+']);
    assert.equal(trayView({ status: status(['ready', 'ready'], 1), pending: 0, paused: false, unreachable: false }).tooltip, 'Gatehouse: 2 servers, 1 agent');
  });

  it('uses template images on macOS', () => {
    assert.equal(trayIcon('pending', 'darwin'), 'tray-pendingTemplate.png');
    assert.equal(trayIcon('pending', 'linux'), 'tray-pending.png');
  });

  it('builds the menu, disabling what needs a running gateway', () => {
    const offline = menuModel(trayView({ status: undefined, pending: 0, paused: false, unreachable: true }), {
      pending: 0,
      paused: false,
      openAtLogin: true,
      hasOrg: false,
    });
    const actions = offline.filter((m) => m.kind === 'action');
    assert.deepEqual(
      actions.map((m) => [m.action, m.enabled]),
      [
        ['open-dashboard', false],
        ['open-pending', false],
        ['toggle-pause', false],
        ['sync-now', false],
        ['quit', true],
      ],
    );
    const busy = menuModel(trayView({ status: status(['ready']), pending: 2, paused: true, unreachable: false }), {
      pending: 2,
      paused: true,
      openAtLogin: false,
      hasOrg: true,
    });
    assert.ok(busy.some((m) => m.kind === 'action' && m.label === 'Review 2 pending changes…'));
    assert.ok(busy.some((m) => m.kind === 'action' && m.label === 'Resume all agents' && m.enabled));
    assert.ok(busy.some((m) => m.kind === 'checkbox' && m.checked === false));
  });
});

describe('notifications', () => {
  it('announces each thing once, and again only after it resolved', () => {
    const gate = new NotificationGate(10);
    const a = announce({ type: 'server', server: 'github', state: 'failed', error: 'boom', at: 1 })!;
    assert.ok(gate.admit(a, 0));
    assert.ok(!gate.admit(a, 1000), 'deduped');
    gate.resolve(a.key);
    assert.ok(gate.admit(a, 2000), 'back after it resolved');
  });

  it('rate-limits a burst', () => {
    const gate = new NotificationGate(4);
    const admitted = Array.from({ length: 10 }, (_, i) => gate.admit({ key: `k${i}`, title: '', body: '', target: '' }, i)).filter(Boolean).length;
    assert.equal(admitted, 4);
    assert.ok(gate.admit({ key: 'later', title: '', body: '', target: '' }, 61_000), 'a minute later it lets one through');
  });

  it('links a pending change to its diff', () => {
    const a = announce({
      type: 'pending-change',
      id: 'abc123def456',
      server: 'gh',
      tool: 'create_issue',
      exposedName: 'gh__create_issue',
      kind: 'changed',
      risk: 'high',
      localDecision: true,
      at: 1,
    })!;
    assert.equal(a.target, '#/pending/abc123def456');
    assert.match(a.body, /Risk high/);
    assert.equal(announce({ type: 'agent-connected', session: 's1', agent: 'a', transport: 'stdio', at: 1 }), undefined);
  });
});
