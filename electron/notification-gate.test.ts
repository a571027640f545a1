import assert from 'node:assert/strict';
import { test } from 'node:test';
import { NotificationGate, type Announcement } from './notification-gate.ts';

const pending = (id: string): Announcement => ({ key: `pending:${id}`, title: `tool ${id} changed`, body: 'Risk high.', target: `#/pending/${id}` });

test('what the rate limit holds back comes out as one summary once there is room, and not again', () => {
  const gate = new NotificationGate(2);
  const shown = ['a', 'b', 'c', 'd', 'e'].map((id) => gate.admit(pending(id), 0));
  assert.deepEqual(shown, [true, true, false, false, false]);
  assert.equal(gate.summary(30_000), undefined, 'no room yet');
  const s = gate.summary(61_000)!;
  assert.equal(s.title, '3 more Gatehouse alerts');
  assert.match(s.body, /tool c changed; tool d changed; tool e changed/);
  assert.equal(s.target, '#/pending');
  assert.equal(gate.summary(200_000), undefined);
  assert.equal(gate.admit(pending('c'), 200_000), false, 'summarised counts as shown');
});

test('a single held-back alert is shown as itself; a resolved one is not summarised', () => {
  const gate = new NotificationGate(1);
  gate.admit(pending('a'), 0);
  gate.admit(pending('b'), 0);
  gate.admit({ key: 'server:x', title: 'x is down', body: '', target: '#/servers' }, 0);
  gate.resolve('server:x');
  assert.deepEqual(gate.summary(61_000), pending('b'));
});

test('the tray menu says when the org requires an update and offers the downloaded one', async () => {
  const { menuModel } = await import('./menu-model.ts');
  const view = { state: 'ok' as const, tooltip: 'Gatehouse: 1 server, 0 agents', badge: null };
  const items = menuModel(view, {
    pending: 0,
    paused: false,
    openAtLogin: false,
    hasOrg: true,
    update: { notice: 'Your organisation requires Gatehouse 0.2.0 or later', downloaded: '0.2.0', beta: true },
  });
  assert.equal(items[1]!.kind === 'label' && items[1].label, 'Your organisation requires Gatehouse 0.2.0 or later');
  assert.ok(items.some((m) => m.kind === 'action' && m.action === 'install-update' && m.label.includes('0.2.0')));
  assert.ok(items.some((m) => m.kind === 'checkbox' && m.action === 'toggle-beta' && m.checked));
  assert.ok(
    items.some((m) => m.kind === 'action' && m.action === 'sync-now' && m.enabled),
    'Sync now works once enrolled',
  );
});

test('an IDE asking to connect is announced, and the notification leads to the Overview where the person decides', async () => {
  const { announce } = await import('./notification-gate.ts');
  const a = announce({ type: 'agent-request', id: 'f'.repeat(32), client: 'VS Code', agent: 'vs-code', redirect: 'this machine (127.0.0.1:33418)', at: 0 })!;
  assert.equal(a.title, 'VS Code asks to connect');
  assert.match(a.body, /agent "vs-code", token to this machine/);
  assert.equal(a.target, '#/overview');
});
