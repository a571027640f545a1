import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { app, BrowserWindow, Menu, nativeImage, Notification, shell, Tray, utilityProcess, type MenuItemConstructorOptions, type UtilityProcess } from 'electron';
import { StatusSchema, type Status } from '../shared/control/contract.ts';
import { defaultDataDir, readControlToken, readDaemonFile } from '../gateway/config/data-dir.ts';
import { INSTALL_ROOT } from '../gateway/config/install-root.ts';
import { menuModel, type MenuAction, type MenuItemModel } from './menu-model.ts';
import { announce, NotificationGate } from './notification-gate.ts';
import { trayIcon, trayView } from './tray-state.ts';

// The desktop shell: tray, window, notifications, login item, single instance,
// deep links. Every decision lives in tray-state.ts, menu-model.ts and
// notification-gate.ts; this file only wires them to Electron.

const root = INSTALL_ROOT;
const icons = join(root, 'resources', 'tray');
const dataDir = defaultDataDir();
let tray: Tray | undefined;
let window: BrowserWindow | undefined;
let daemon: UtilityProcess | undefined;
let endpoint = '';
let token = '';
let status: Status | undefined;
let pending = 0;
let paused = false;
let unreachable = true;
const gate = new NotificationGate();

if (!app.requestSingleInstanceLock()) app.quit();
app.setAsDefaultProtocolClient('gatehouse');

app.on('second-instance', (_event, argv) => {
  const link = argv.find((a) => a.startsWith('gatehouse://'));
  openDashboard(link ? routeForLink(link) : '#/overview');
});
app.on('open-url', (event, url) => { event.preventDefault(); openDashboard(routeForLink(url)); });
app.on('window-all-closed', () => { /* stay in the tray */ });

/** gatehouse://enroll?url=…&token=… (links admins email) opens the enrolment form, filled in; the user still confirms the key fingerprint. */
function routeForLink(link: string): string {
  const url = new URL(link);
  if (url.host !== 'enroll') return '#/overview';
  const fields = new URLSearchParams({ url: url.searchParams.get('url') ?? '', code: url.searchParams.get('token') ?? '' });
  return `#/settings/${encodeURIComponent(fields.toString())}`;
}

/** Attaches to a running daemon for this user, or starts one in a utility process (and restarts it if it dies). */
async function connectDaemon(): Promise<void> {
  const running = readDaemonFile(dataDir);
  const known = readControlToken(dataDir);
  if (running && known && (await reachable(running.port, known))) {
    endpoint = `http://127.0.0.1:${running.port}`;
    token = known;
    return;
  }
  daemon = utilityProcess.fork(join(root, 'bin', 'gatehouse.js'), ['daemon', '--print-token'], { stdio: 'pipe', serviceName: 'Gatehouse gateway' });
  daemon.stdout?.on('data', (chunk: Buffer) => {
    const line = chunk.toString().split('\n').find((l) => l.startsWith('{"event":"ready"'));
    if (!line) return;
    const ready = JSON.parse(line) as { port: number; controlToken: string };
    endpoint = `http://127.0.0.1:${ready.port}`;
    token = ready.controlToken;
  });
  daemon.on('exit', () => {
    daemon = undefined;
    unreachable = true;
    refreshTray();
    setTimeout(() => void connectDaemon(), 2000);
  });
}

async function reachable(port: number, controlToken: string): Promise<boolean> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/api/v1/status`, { headers: { authorization: `Bearer ${controlToken}` } });
    return res.ok;
  } catch {
    return false;
  }
}

async function api(path: string, init: RequestInit = {}): Promise<unknown> {
  const res = await fetch(`${endpoint}/api/v1${path}`, { ...init, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...init.headers } });
  if (!res.ok) throw new Error(`control API ${res.status}`);
  return res.json();
}

async function poll(): Promise<void> {
  if (!endpoint) { unreachable = true; refreshTray(); return; }
  try {
    status = StatusSchema.parse(await api('/status'));
    pending = status.pinning.pending;
    paused = status.paused;
    unreachable = false;
    for (const s of status.servers) if (s.state === 'ready') gate.resolve(`server:${s.id}`);
  } catch {
    unreachable = true;
  }
  refreshTray();
}

/** Live events: notifications for new pending changes, failures and refused bundles. */
async function listen(): Promise<void> {
  for (;;) {
    try {
      if (!endpoint) throw new Error('no gateway yet');
      const res = await fetch(`${endpoint}/api/v1/events`, { headers: { authorization: `Bearer ${token}` } });
      const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        for (const m of value.matchAll(/^event: (\S+)\ndata: (.+)$/gm)) {
          const a = announce(m[1]!, JSON.parse(m[2]!) as Record<string, unknown>);
          if (a && gate.admit(a) && Notification.isSupported()) {
            const n = new Notification({ title: a.title, body: a.body });
            n.on('click', () => openDashboard(a.target));
            n.show();
          }
          void poll();
        }
      }
    } catch {
      // Reconnect below.
    }
    await new Promise((r) => setTimeout(r, 2000));
  }
}

function refreshTray(): void {
  const view = trayView({ status, pending, paused, unreachable });
  const file = join(icons, trayIcon(view.state, process.platform));
  const image = existsSync(file) ? nativeImage.createFromPath(file) : nativeImage.createEmpty();
  if (!tray) tray = new Tray(image);
  tray.setImage(image);
  tray.setToolTip(view.tooltip);
  if (process.platform === 'darwin') tray.setTitle(view.badge ?? '');
  const model = menuModel(view, { pending, paused, openAtLogin: app.getLoginItemSettings().openAtLogin, hasOrg: false });
  tray.setContextMenu(Menu.buildFromTemplate(model.map(toElectron)));
}

function toElectron(item: MenuItemModel): MenuItemConstructorOptions {
  switch (item.kind) {
    case 'label': return { label: item.label, enabled: false };
    case 'separator': return { type: 'separator' };
    case 'action': return { label: item.label, enabled: item.enabled, click: () => void act(item.action) };
    case 'checkbox': return { label: item.label, type: 'checkbox', checked: item.checked, click: () => void act(item.action) };
  }
}

async function act(action: MenuAction): Promise<void> {
  switch (action) {
    case 'open-dashboard': openDashboard('#/overview'); break;
    case 'open-pending': openDashboard('#/pending'); break;
    case 'toggle-pause': await api('/pause', { method: 'POST', body: JSON.stringify({ paused: !paused }) }); await poll(); break;
    case 'sync-now': break;
    case 'toggle-login-item': app.setLoginItemSettings({ openAtLogin: !app.getLoginItemSettings().openAtLogin }); refreshTray(); break;
    case 'quit': daemon?.kill(); app.quit(); break;
  }
}

function openDashboard(route: string): void {
  if (!endpoint) return;
  if (window && !window.isDestroyed()) {
    void window.loadURL(`${endpoint}/app/${route}`);
    window.show();
    window.focus();
    return;
  }
  window = new BrowserWindow({
    width: 1200, height: 820, title: 'Gatehouse', show: false,
    webPreferences: {
      preload: join(dirname(fileURLToPath(import.meta.url)), 'preload.cjs'),
      contextIsolation: true, sandbox: true, nodeIntegration: false,
      additionalArguments: [`--gatehouse-token=${token}`, `--gatehouse-endpoint=${endpoint}`],
    },
  });
  // Only the loopback control endpoint may be reached; everything else is refused.
  window.webContents.session.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [`default-src 'self'; connect-src ${endpoint}; style-src 'self' 'unsafe-inline'; img-src 'self' data:`] } });
  });
  window.webContents.on('will-navigate', (event, url) => { if (!url.startsWith(`${endpoint}/app/`)) event.preventDefault(); });
  window.webContents.setWindowOpenHandler(({ url }) => {
    if (/^https?:\/\//.test(url) && !url.startsWith(endpoint)) void shell.openExternal(url);
    return { action: 'deny' };
  });
  window.once('ready-to-show', () => window?.show());
  void window.loadURL(`${endpoint}/app/${route}`);
}

void app.whenReady().then(async () => {
  if (process.platform === 'darwin') app.dock?.hide();
  await connectDaemon();
  refreshTray();
  setInterval(() => void poll(), 3000);
  void listen();
  const link = process.argv.find((a) => a.startsWith('gatehouse://'));
  if (link) openDashboard(routeForLink(link));
});
