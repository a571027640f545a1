// The person's side of an agent's OAuth connection, in Chromium against a real
// daemon: the Overview names the client, where its token goes and what it may call;
// the person renames the agent and allows it; the waiting browser page then hands
// the client its code, and the token carries the chosen name.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { startDaemon, stdioServer, waitFor, writeBundle, type TestDaemon } from '../helpers/daemon.ts';
import { chromiumAvailable, openDashboard, type DashboardPage } from '../helpers/dashboard-page.ts';

const REDIRECT = 'http://127.0.0.1:9/callback';

describe(
  'allowing an IDE that connects with OAuth (Chromium, real daemon)',
  { skip: chromiumAvailable ? false : 'Chromium is not installed (apt-get install chromium)' },
  () => {
    let d: TestDaemon;
    let ui: DashboardPage;
    let base: string;

    before(async () => {
      d = await startDaemon({ bundle: writeBundle({ schemaVersion: 1, name: 'consent', servers: [stdioServer('a', 'faulty-server.ts')] }) });
      base = `http://127.0.0.1:${d.port}`;
      await waitFor(
        async () => (await d.control<{ servers: { state: string }[] }>('/servers')).body.servers.every((s) => s.state === 'ready'),
        15_000,
        'server ready',
      );
      ui = await openDashboard(d);
    });
    after(async () => {
      await ui?.close();
      await d?.stop();
    });

    it('shows the request, lets the person name the agent, and the token carries that name', async () => {
      const reg = (await (
        await fetch(`${base}/oauth/register`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ client_name: 'Cursor', redirect_uris: [REDIRECT] }),
        })
      ).json()) as { client_id: string };
      const verifier = randomBytes(32).toString('base64url');
      const auth = new URL(`${base}/oauth/authorize`);
      for (const [k, v] of Object.entries({
        response_type: 'code',
        client_id: reg.client_id,
        redirect_uri: REDIRECT,
        code_challenge: createHash('sha256').update(verifier).digest('base64url'),
        code_challenge_method: 'S256',
        state: 'x',
      }))
        auth.searchParams.set(k, v);
      const waiting = new URL((await fetch(auth, { redirect: 'manual' })).headers.get('location')!, base);

      await ui.open('overview');
      await ui.page.getByRole('heading', { name: 'An IDE asks to connect' }).waitFor({ timeout: 15_000 });
      const card = ui.page.locator('li.consent');
      assert.match(await card.innerText(), /Cursor asks to connect[\s\S]*this machine \(127\.0\.0\.1:9\)[\s\S]*may call \d+ tools?: a__echo/);
      assert.deepEqual(await ui.axe(), []);
      await ui.shot('agent-consent-1280x800');
      await ui.page.getByLabel('Agent name its calls will carry').fill('cursor-work');
      await ui.page.getByRole('button', { name: 'Allow' }).click();
      await ui.page.getByText('Allowed: Cursor connects as "cursor-work"').waitFor({ timeout: 30_000 });

      const back = await fetch(waiting, { redirect: 'manual' });
      const code = new URL(back.headers.get('location')!).searchParams.get('code')!;
      const token = (await (
        await fetch(`${base}/oauth/token`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ grant_type: 'authorization_code', code, client_id: reg.client_id, redirect_uri: REDIRECT, code_verifier: verifier }),
        })
      ).json()) as { access_token: string };
      assert.match(token.access_token, /^gha_/);
      assert.ok((await d.control<{ tokens: { agent: string }[] }>('/agents')).body.tokens.some((t) => t.agent === 'cursor-work'));
      await ui.page.getByRole('heading', { name: 'An IDE asks to connect' }).waitFor({ state: 'detached', timeout: 10_000 });
    });

    it('asks before revoking a token, and Cancel keeps it', async () => {
      const tokens = async () => (await d.control<{ tokens: { agent: string }[] }>('/agents')).body.tokens.map((t) => t.agent);
      await ui.open('settings');
      await ui.page.getByRole('button', { name: 'Revoke the token of cursor-work' }).click();
      const dialog = ui.page.getByRole('alertdialog');
      assert.match(await dialog.innerText(), /Revoke the token of "cursor-work"\?/);
      assert.deepEqual(await ui.axe(), []);
      await dialog.getByRole('button', { name: 'Cancel' }).click();
      assert.ok((await tokens()).includes('cursor-work'), 'Cancel revokes nothing');
      await ui.page.getByRole('button', { name: 'Revoke the token of cursor-work' }).click();
      await ui.page.getByRole('alertdialog').getByRole('button', { name: 'Yes, revoke' }).click();
      await waitFor(async () => !(await tokens()).includes('cursor-work'), 10_000, 'token revoked');
    });
  },
);
