// Joining an org from the dashboard, in Chromium against a real daemon and a real
// sync endpoint: the link an admin sends fills in the form, the endpoint's key
// fingerprint is shown, a wrong fingerprint stops the enrollment, the right one
// enrolls and the desktop switches to the org's bundle without a restart.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { ViteDevServer } from 'vite';
import { BUNDLE_PAYLOAD_TYPE, keyFingerprint, signEnvelope } from '../../shared/bundle/envelope.ts';
import { generateEd25519 } from '../../shared/signing/ed25519.ts';
import { signStatement } from '../../server/admin/endpoint.ts';
import { SyncApp } from '../../server/http/app.ts';
import { openStore } from '../../server/store/open.ts';
import type { ServerStore } from '../../server/store/store.ts';
import { ROOT, startDaemon, stdioServer, waitFor, writeBundle, type TestDaemon } from '../helpers/daemon.ts';
import { keychainReady, NO_KEYCHAIN } from '../helpers/keychain.ts';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const available = existsSync(CHROMIUM);
const ready = available && (await keychainReady());

describe('enrolling from the dashboard', { skip: !available ? 'Chromium is not installed' : ready ? false : NO_KEYCHAIN }, () => {
  let store: ServerStore;
  let app: SyncApp;
  let sync: Server;
  let syncUrl: string;
  let fingerprint: string;
  let code: string;
  let d: TestDaemon;
  let vite: ViteDevServer;
  let browser: Browser;
  let page: Page;
  let base: string;

  before(async () => {
    const key = await generateEd25519();
    const signing = [{ keyId: 'acme-1', privateKeyPem: key.privateKeyPem }];
    fingerprint = keyFingerprint(key.publicKeyPem);
    store = await openStore(join(mkdtempSync(join(tmpdir(), 'gh-e2e-sync-')), 'sync.db'));
    await store.initOrg({ id: 'acme', name: 'Acme Corp', keys: [{ keyId: 'acme-1', publicKey: key.publicKeyPem }], oidc: null });
    app = new SyncApp({ store });
    sync = createServer(app.handle);
    await new Promise<void>((r) => sync.listen(0, '127.0.0.1', r));
    syncUrl = `http://127.0.0.1:${(sync.address() as { port: number }).port}`;
    const bundle = {
      schemaVersion: 1,
      name: 'Acme Corp',
      org: 'acme',
      version: 3,
      issuedAt: new Date().toISOString(),
      expiresAt: new Date(Date.now() + 86_400_000).toISOString(),
      servers: [],
      policies: { rules: [] },
    };
    const res = await fetch(`${syncUrl}/v1/bundles`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(await signEnvelope(BUNDLE_PAYLOAD_TYPE, JSON.stringify(bundle), signing)),
    });
    assert.equal(res.status, 200);
    code = await signStatement(
      { purpose: 'enrol', org: 'acme', expiresAt: new Date(Date.now() + 3_600_000).toISOString(), label: 'from the dashboard' },
      signing,
    );

    d = await startDaemon({ bundle: writeBundle({ schemaVersion: 1, name: 'personal', servers: [stdioServer('mine', 'faulty-server.ts')] }) });
    process.env.GATEHOUSE_DAEMON_URL = `http://127.0.0.1:${d.port}`;
    const { createServer: vite_ } = await import('vite');
    vite = await vite_({ configFile: join(ROOT, 'renderer', 'vite.config.ts'), server: { port: 0, strictPort: false }, logLevel: 'error' });
    await vite.listen();
    base = `http://127.0.0.1:${(vite.httpServer!.address() as { port: number }).port}`;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
    page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
  });
  after(async () => {
    await browser?.close();
    await vite?.close();
    await d?.stop();
    app?.close();
    sync?.closeAllConnections();
    sync?.close();
    await store?.close();
  });

  it("fills the form from the admin's link, checks the fingerprint, enrolls and switches without a restart", async () => {
    // What electron/main.ts makes of gatehouse://enroll?url=…&token=…
    const link = encodeURIComponent(new URLSearchParams({ url: syncUrl, code }).toString());
    await page.goto(`${base}/#/settings/${link}&token=${d.controlToken}`);
    await page.getByText(/Not enrolled/).waitFor();
    assert.equal(await page.getByLabel('Sync endpoint').inputValue(), syncUrl);
    await page.getByRole('button', { name: 'Check the endpoint' }).click();
    await page.getByText(fingerprint).waitFor();
    await page.getByLabel('Fingerprint your admin sent').fill('SHA256:0000:0000:0000:0000:0000:0000:0000:0000');
    await page.getByText(/fingerprints differ: do not enroll/).waitFor();
    assert.equal(await page.getByRole('button', { name: 'Enroll this desktop' }).isDisabled(), true);
    await page.getByLabel('Fingerprint your admin sent').fill(fingerprint);
    await page.getByRole('button', { name: 'Enroll this desktop' }).click();
    // The form gives way to the enrolled view as soon as the status shows the org.
    await page.getByText(/This device/).waitFor();
    await page.getByText('Acme Corp (acme)').waitFor();
    await waitFor(async () => (await d.control<{ bundle: { version: number } }>('/status')).body.bundle.version === 3, 10_000, 'the org bundle');
    const servers = (await d.control<{ servers: { id: string }[] }>('/servers')).body.servers;
    assert.deepEqual(servers, [], "the personal server gave way to the org's (empty) registry");
    await page.screenshot({ path: join(ROOT, 'test-output', 'screenshots', 'settings-enrolled.png'), fullPage: true });
  });
});
