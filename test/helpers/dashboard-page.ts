import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { ViteDevServer } from 'vite';
import { ROOT, type TestDaemon } from './daemon.ts';

// The dashboard (served by Vite against a real daemon) in Debian's Chromium, for
// tests of one page or flow. The full tour of every page is test/e2e/dashboard.test.ts.

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const chromiumAvailable = existsSync(CHROMIUM);
if (!chromiumAvailable && process.env.CI) throw new Error(`CI must install Chromium (${CHROMIUM})`);
const AXE = readFileSync(join(ROOT, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');
export const SHOTS = join(ROOT, 'test-output', 'screenshots');

export interface DashboardPage {
  page: Page;
  open(route: string): Promise<void>;
  axe(): Promise<string[]>;
  shot(name: string): Promise<void>;
  close(): Promise<void>;
}

export async function openDashboard(d: TestDaemon): Promise<DashboardPage> {
  process.env.GATEHOUSE_DAEMON_URL = `http://127.0.0.1:${d.port}`;
  const { createServer } = await import('vite');
  const vite: ViteDevServer = await createServer({
    configFile: join(ROOT, 'renderer', 'vite.config.ts'),
    server: { port: 0, strictPort: false },
    logLevel: 'error',
  });
  await vite.listen();
  const base = `http://127.0.0.1:${(vite.httpServer!.address() as { port: number }).port}`;
  let browser: Browser | undefined;
  try {
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--no-first-run'] });
  } catch (err) {
    await vite.close();
    throw err;
  }
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  return {
    page,
    open: async (route) => {
      await page.goto(`${base}/#/${route}&token=${d.controlToken}`);
    },
    // The page's CSP refuses inline scripts; evaluate() runs axe without one.
    axe: async () => {
      if (!(await page.evaluate<boolean>("'axe' in window"))) await page.evaluate(AXE);
      return (await page.evaluate<{ violations: { id: string }[] }>("axe.run(document, { resultTypes: ['violations'] })")).violations.map((v) => v.id);
    },
    shot: async (name) => {
      mkdirSync(SHOTS, { recursive: true });
      await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
    },
    close: async () => {
      await browser!.close();
      await vite.close();
    },
  };
}
