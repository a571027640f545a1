import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  app,
  BrowserWindow,
  dialog,
  Menu,
  nativeImage,
  Notification,
  protocol,
  session,
  shell,
  Tray,
  type MenuItemConstructorOptions,
  type Session,
  type WebContents,
} from 'electron';
import updater from 'electron-updater';
import { StatusSchema, type Status } from '../shared/control/contract.ts';
import { SseParser } from '../shared/control/sse.ts';
import { parseGatewayEvent } from '../shared/control/contract.ts';
import { defaultDataDir } from '../gateway/config/data-dir.ts';
import { INSTALL_ROOT } from '../gateway/config/install-root.ts';
import { DAEMON_ENV, DAEMON_NODE_FLAGS } from '../gateway/cli/stdio-bridge.ts';
import { AUTOSTART_FILE, autostartCommand, autostartDir, desktopEntry } from './autostart.ts';
import { probeDaemon, spawnDaemon, stillProven } from './daemon-process.ts';
import { dashboardHandler } from './dashboard-protocol.ts';
import { DeepLinkQueue, enrollQuestion, linkFromArgv, parseDeepLink, routeFor } from './links.ts';
import { menuModel, type MenuAction, type MenuItemModel } from './menu-model.ts';
import { findNode, outsidePath } from './node-runtime.ts';
import { announce, NotificationGate, type Announcement } from './notification-gate.ts';
import { DaemonSupervisor } from './supervisor.ts';
import { trayIcon, trayView } from './tray-state.ts';
import { readPrefs, updatePlan, type DesktopPrefs } from './update-policy.ts';
import { APP_SCHEME, appUrl, navigationDecision, permissionAllowed } from './web-policy.ts';

// The desktop shell: tray, window, notifications, login item, single instance, deep
// links, updates. Every decision lives in a plain module beside this one (tested
// without Electron); this file only wires them to Electron. The control token stays in
// this process: the window's page is served from our own scheme and its API calls are
// proxied here with the token added (dashboard-protocol.ts).

const APP_ID = 'dev.gatehouse.desktop';

// Must precede `ready`: the scheme is standard (relative URLs, 'self' in the CSP), secure
// and fetchable, with streamed bodies for the event stream.
protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true } }]);

// Every renderer sandboxed, whatever a window's own options say.
app.enableSandbox();

if (!app.requestSingleInstanceLock()) {
  // The first instance has the link (second-instance); nothing of ours may run here.
  app.exit(0);
} else {
  run();
}

function run(): void {
  const dataDir = defaultDataDir();
  const links = new DeepLinkQueue();
  const gate = new NotificationGate();
  let tray: Tray | undefined;
  let window: BrowserWindow | undefined;
  let status: Status | undefined;
  let unreachable = true;
  let downloaded: string | null = null;
  let prefs: DesktopPrefs = readPrefs(readText(join(app.getPath('userData'), 'desktop.json')));

  if (process.platform === 'win32') app.setAppUserModelId(APP_ID);
  // Run from source (electron .), the OS must be told how to start us with our script.
  if (process.defaultApp && process.argv[1]) app.setAsDefaultProtocolClient('gatehouse', process.execPath, [resolve(process.argv[1])]);
  else app.setAsDefaultProtocolClient('gatehouse');

  app.on('second-instance', (_event, argv) => {
    const link = linkFromArgv(argv);
    if (link) links.push(link);
    else openDashboard('#/overview');
  });
  app.on('open-url', (event, url) => {
    event.preventDefault();
    links.push(url);
  });
  app.on('window-all-closed', () => {
    /* stay in the tray */
  });
  app.on('web-contents-created', (_event, contents) => guard(contents));

  const node = findNode({
    ...(app.isPackaged ? { bundledDir: join(process.resourcesPath, 'node') } : {}),
    env: process.env,
    platform: process.platform,
    selfPath: process.execPath,
    versionOf: (path) => {
      try {
        return execFileSync(path, ['--version'], { encoding: 'utf8', timeout: 5000, windowsHide: true });
      } catch {
        return null;
      }
    },
  });
  const supervisor = new DaemonSupervisor({
    appVersion: app.getVersion(),
    probe: () => probeDaemon(dataDir),
    spawn: () => {
      if (node.path === null) throw new Error(node.problem);
      return spawnDaemon({
        node: node.path,
        cli: outsidePath(join(INSTALL_ROOT, 'bin', 'gatehouse.js')),
        dataDir,
        nodeFlags: DAEMON_NODE_FLAGS,
        env: DAEMON_ENV,
      });
    },
    stopOther: (pid) => {
      try {
        process.kill(pid, 'SIGTERM');
      } catch {
        /* already gone */
      }
    },
    alive: stillProven,
    setTimer: (fn, ms) => setTimeout(fn, ms),
    clearTimer: (h) => clearTimeout(h as NodeJS.Timeout),
    now: () => Date.now(),
  });
  supervisor.onChange((s) => {
    if (s.phase === 'ready') {
      links.ready((l) => void handleLink(l));
      void poll();
    } else {
      links.pause();
      unreachable = true;
      refreshTray();
    }
  });
  app.on('before-quit', () => supervisor.quit());

  async function api(path: string, init: RequestInit = {}): Promise<unknown> {
    const daemon = supervisor.endpoint;
    if (!daemon) throw new Error('the gateway is not running');
    const res = await fetch(`${daemon.base}/api/v1${path}`, {
      ...init,
      headers: { authorization: `Bearer ${daemon.token}`, 'content-type': 'application/json' },
      signal: AbortSignal.timeout(30_000),
    });
    if (!res.ok) throw new Error(`the gateway answered ${res.status}`);
    return res.json();
  }

  async function poll(): Promise<void> {
    try {
      status = StatusSchema.parse(await api('/status'));
      unreachable = false;
      for (const s of status.servers) if (s.state === 'ready') gate.resolve(`server:${s.id}`);
    } catch {
      unreachable = true;
    }
    refreshTray();
  }

  function notify(a: Announcement): void {
    if (!Notification.isSupported()) return;
    const n = new Notification({ title: a.title, body: a.body });
    n.on('click', () => openDashboard(a.target));
    n.show();
  }

  /** Live events from the daemon (main holds the token; the page has its own proxied stream). */
  async function listen(): Promise<void> {
    for (;;) {
      const daemon = supervisor.endpoint;
      try {
        if (!daemon) throw new Error('no gateway yet');
        const res = await fetch(`${daemon.base}/api/v1/events`, { headers: { authorization: `Bearer ${daemon.token}` } });
        if (!res.ok || !res.body) throw new Error(`events: ${res.status}`);
        const parser = new SseParser();
        for await (const chunk of res.body.pipeThrough(new TextDecoderStream())) {
          for (const event of parser.push(chunk)) {
            const parsed = parseGatewayEvent(event);
            const a = parsed && announce(parsed);
            if (a && gate.admit(a)) notify(a);
            void poll();
          }
        }
      } catch {
        // Reconnect below.
      }
      await new Promise((r) => setTimeout(r, 2000));
    }
  }

  function loginItemOn(): boolean {
    if (process.platform === 'linux') return existsSync(join(autostartDir(process.env, homedir()), AUTOSTART_FILE));
    return app.getLoginItemSettings().openAtLogin;
  }

  function setLoginItem(on: boolean): void {
    if (process.platform !== 'linux') {
      app.setLoginItemSettings({ openAtLogin: on, args: ['--hidden'] });
      return;
    }
    const dir = autostartDir(process.env, homedir());
    const file = join(dir, AUTOSTART_FILE);
    if (!on) {
      rmSync(file, { force: true });
      return;
    }
    mkdirSync(dir, { recursive: true });
    writeFileSync(file, desktopEntry(autostartCommand(process.execPath, process.env), ['--hidden']), { mode: 0o644 });
  }

  function plan() {
    return updatePlan({ current: app.getVersion(), channel: prefs.updateChannel, orgMinimum: status?.desktop?.minimumVersion ?? null });
  }

  function refreshTray(): void {
    const problem = supervisor.state.phase === 'waiting' ? supervisor.state.problem : undefined;
    const view = trayView({ status, pending: status?.pinning.pending ?? 0, paused: status?.paused ?? false, unreachable, ...(problem ? { problem } : {}) });
    const file = join(INSTALL_ROOT, 'resources', 'tray', trayIcon(view.state, process.platform));
    const image = existsSync(file) ? nativeImage.createFromPath(file) : nativeImage.createEmpty();
    if (!tray) tray = new Tray(image);
    tray.setImage(image);
    tray.setToolTip(view.tooltip);
    if (process.platform === 'darwin') tray.setTitle(view.badge ?? '');
    const hasOrg = status?.org != null && status.org.state !== 'not-enrolled';
    const model = menuModel(view, {
      pending: status?.pinning.pending ?? 0,
      paused: status?.paused ?? false,
      openAtLogin: loginItemOn(),
      hasOrg,
      ...(app.isPackaged ? { update: { notice: plan().notice, downloaded, beta: prefs.updateChannel === 'beta' } } : {}),
    });
    tray.setContextMenu(Menu.buildFromTemplate(model.map(toElectron)));
  }

  function toElectron(item: MenuItemModel): MenuItemConstructorOptions {
    switch (item.kind) {
      case 'label':
        return { label: item.label, enabled: false };
      case 'separator':
        return { type: 'separator' };
      case 'action':
        return { label: item.label, enabled: item.enabled, click: () => void act(item.action).catch(report) };
      case 'checkbox':
        return { label: item.label, type: 'checkbox', checked: item.checked, click: () => void act(item.action).catch(report) };
    }
  }

  function report(err: unknown): void {
    notify({ key: 'error', title: 'Gatehouse', body: (err as Error).message, target: '#/overview' });
  }

  async function act(action: MenuAction): Promise<void> {
    switch (action) {
      case 'open-dashboard':
        openDashboard('#/overview');
        break;
      case 'open-pending':
        openDashboard('#/pending');
        break;
      case 'toggle-pause':
        await api('/pause', { method: 'POST', body: JSON.stringify({ paused: !status?.paused }) });
        await poll();
        break;
      case 'sync-now': {
        const r = (await api('/bundle/reload', { method: 'POST' })) as { ok?: boolean; version?: number; error?: string; lastRejection?: string };
        notify({
          key: 'sync',
          title: 'Gatehouse sync',
          body: r.lastRejection ? `The org's latest bundle was refused: ${r.lastRejection}` : `Bundle version ${r.version ?? '?'} is in force.`,
          target: '#/settings',
        });
        await poll();
        break;
      }
      case 'toggle-login-item':
        setLoginItem(!loginItemOn());
        refreshTray();
        break;
      case 'toggle-beta':
        prefs = { ...prefs, updateChannel: prefs.updateChannel === 'beta' ? 'stable' : 'beta' };
        writeFileSync(join(app.getPath('userData'), 'desktop.json'), JSON.stringify(prefs), { mode: 0o600 });
        checkForUpdates();
        refreshTray();
        break;
      case 'install-update':
        supervisor.quit();
        updater.autoUpdater.quitAndInstall();
        break;
      case 'quit':
        app.quit();
        break;
    }
  }

  async function handleLink(raw: string): Promise<void> {
    const link = parseDeepLink(raw);
    if (link.kind === 'invalid') {
      notify({ key: 'link', title: 'Gatehouse ignored a link', body: link.reason, target: '#/overview' });
      return;
    }
    if (link.kind === 'enroll') {
      // The host is shown, and confirmed, before anything is sent to it.
      const q = enrollQuestion(link);
      const { response } = await dialog.showMessageBox({
        type: 'question',
        message: q.message,
        detail: q.detail,
        buttons: q.buttons,
        defaultId: 0,
        cancelId: 0,
      });
      if (response !== 1) return;
    }
    openDashboard(routeFor(link));
  }

  let dashboardSession: Session | undefined;
  function dashboardSessionFor(): Session {
    if (dashboardSession) return dashboardSession;
    const ses = session.fromPartition('gatehouse-dashboard');
    ses.protocol.handle(APP_SCHEME, dashboardHandler({ dashboardDir: join(INSTALL_ROOT, 'dist', 'renderer'), daemon: () => supervisor.endpoint }));
    // Electron grants permissions by default; this page may only write to the clipboard.
    ses.setPermissionRequestHandler((_wc, permission, callback, details) => callback(permissionAllowed(permission, details.requestingUrl)));
    ses.setPermissionCheckHandler((_wc, permission, origin) => permissionAllowed(permission, origin));
    ses.setDevicePermissionHandler(() => false);
    ses.on('will-download', (event) => event.preventDefault());
    dashboardSession = ses;
    return ses;
  }

  function guard(contents: WebContents): void {
    const check = (event: { url: string; preventDefault(): void }, external: boolean) => {
      const decision = navigationDecision(event.url);
      if (decision === 'allow') return;
      event.preventDefault();
      if (decision === 'external' && external) void shell.openExternal(event.url);
    };
    contents.on('will-navigate', (event) => check(event, true));
    // Redirects and frames are checked like the first hop; they never open anything outside.
    contents.on('will-redirect', (event) => check(event, false));
    contents.on('will-frame-navigate', (event) => check(event, false));
    contents.on('will-attach-webview', (event) => event.preventDefault());
    contents.setWindowOpenHandler(({ url }) => {
      if (navigationDecision(url) === 'external') void shell.openExternal(url);
      return { action: 'deny' };
    });
  }

  let loads = 0;
  function openDashboard(route: string): void {
    // A second launch can arrive before we are ready; the tray is there by the time it matters.
    if (!app.isReady()) return;
    const url = appUrl(route, undefined, ++loads);
    if (window && !window.isDestroyed()) {
      void window.loadURL(url);
      window.show();
      window.focus();
      return;
    }
    window = new BrowserWindow({
      width: 1200,
      height: 820,
      title: 'Gatehouse',
      show: false,
      webPreferences: {
        preload: join(dirname(fileURLToPath(import.meta.url)), 'preload.cjs'),
        session: dashboardSessionFor(),
        contextIsolation: true,
        sandbox: true,
        nodeIntegration: false,
        webSecurity: true,
        navigateOnDragDrop: false,
        spellcheck: false,
        devTools: !app.isPackaged,
      },
    });
    window.once('ready-to-show', () => window?.show());
    void window.loadURL(url);
  }

  function checkForUpdates(): void {
    if (!app.isPackaged) return;
    const p = plan();
    updater.autoUpdater.channel = p.channel;
    updater.autoUpdater.allowPrerelease = p.allowPrerelease;
    updater.autoUpdater.allowDowngrade = p.allowDowngrade;
    updater.autoUpdater.checkForUpdates().catch(() => {
      /* offline: next time */
    });
  }

  void app.whenReady().then(() => {
    if (process.platform === 'darwin') app.dock?.hide();
    updater.autoUpdater.autoInstallOnAppQuit = true;
    updater.autoUpdater.on('update-downloaded', (info: { version: string }) => {
      downloaded = info.version;
      if (plan().required)
        notify({
          key: `update:${info.version}`,
          title: 'Gatehouse update ready',
          body: `Your organisation requires this update (${info.version}). Restart Gatehouse from the tray to install it.`,
          target: '#/overview',
        });
      refreshTray();
    });
    supervisor.start();
    refreshTray();
    setInterval(() => void poll(), 3000);
    setInterval(() => {
      const s = gate.summary();
      if (s) notify(s);
    }, 15_000);
    let lastCheck = 0;
    setInterval(() => {
      if (Date.now() - lastCheck >= plan().checkEveryMs) {
        lastCheck = Date.now();
        checkForUpdates();
      }
    }, 60_000);
    void listen();
    const link = linkFromArgv(process.argv);
    if (link) links.push(link);
  });
}

function readText(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}
