// The Servers page in Chromium against a real daemon: each server's sandbox is shown,
// and switching a server off and on from the page takes effect in the daemon.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ROOT, startDaemon, stdioServer, waitFor, writeBundle, type TestDaemon } from '../helpers/daemon.ts';
import { chromiumAvailable, openDashboard, type DashboardPage } from '../helpers/dashboard-page.ts';
import { sandboxSupport } from '../../gateway/sandbox/probe.ts';

interface Servers {
  servers: { id: string; state: string; enabled?: boolean }[];
}

describe(
  'Servers page: sandbox and switching off (Chromium, real daemon)',
  { skip: chromiumAvailable ? false : 'Chromium is not installed (apt-get install chromium)' },
  () => {
    let d: TestDaemon;
    let ui: DashboardPage;
    const boxed = sandboxSupport().mechanism === 'bubblewrap';

    before(async () => {
      const sandbox = { read: [ROOT], network: 'none' };
      d = await startDaemon({
        bundle: writeBundle({
          schemaVersion: 1,
          name: 'servers-page',
          servers: [stdioServer('boxed', 'faulty-server.ts', { sandbox }), stdioServer('plain', 'faulty-server.ts')],
          settings: { sandbox: { allowUnsandboxed: true } },
        }),
      });
      await waitFor(async () => (await d.control<Servers>('/servers')).body.servers.every((s) => s.state === 'ready'), 30_000, 'servers ready');
      ui = await openDashboard(d);
      await ui.open('servers');
      await ui.page.getByRole('heading', { name: 'Servers & tools' }).waitFor();
    });
    after(async () => {
      await ui?.close();
      await d?.stop();
    });

    it("shows each server's sandbox", async () => {
      await ui.page.getByRole('columnheader', { name: 'Sandbox' }).waitFor();
      const boxedRow = ui.page.getByRole('row').filter({ hasText: 'boxed' }).first();
      const plainRow = ui.page.getByRole('row').filter({ hasText: 'plain' }).first();
      if (boxed) assert.match(await boxedRow.innerText(), /bubblewrap\s+no network/);
      else assert.match(await boxedRow.innerText(), /not enforced/);
      assert.match(await plainRow.innerText(), /off\s+runs as you/);
    });

    it('switches a server off and on from the page', async () => {
      await ui.page.getByRole('button', { name: 'Switch off plain' }).click();
      await waitFor(
        async () => (await d.control<Servers>('/servers')).body.servers.find((s) => s.id === 'plain')?.enabled === false,
        10_000,
        'plain switched off',
      );
      await ui.page.getByRole('button', { name: 'Switch on plain' }).waitFor({ timeout: 10_000 });
      assert.match(await ui.page.getByRole('row').filter({ hasText: 'plain' }).first().innerText(), /switched off/);
      assert.equal(await ui.page.getByRole('button', { name: 'Restart plain' }).count(), 0, 'no restart for a switched-off server');
      await ui.shot('servers-switched-off-1280x800');
      assert.deepEqual(await ui.axe(), []);
      await ui.page.getByRole('button', { name: 'Switch on plain' }).click();
      await waitFor(
        async () => (await d.control<Servers>('/servers')).body.servers.find((s) => s.id === 'plain')?.state === 'ready',
        20_000,
        'plain ready again',
      );
      await ui.page.getByRole('button', { name: 'Switch off plain' }).waitFor({ timeout: 10_000 });
    });
  },
);
