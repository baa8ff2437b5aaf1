/**
 * Electron shell: single instance, the gateway in its own process (a `utilityProcess`, supervised by
 * gateway-process), one window, a tray, and the IPC bridge onto a client of that gateway over loopback
 * WS. The logic lives in plain modules beside this one (gateway-process, remote-client, window-options,
 * tray-model, approvals-model, approvals-controller, crash-policy, web-contents-guard, app-menu, tray-badge,
 * gateway-attach, secrets-plan, desktop-logging, browser-login, update-window and config/secret-store); this
 * file is only the Electron glue.
 */
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { BrowserWindow, Menu, Notification, Tray, app, dialog, ipcMain, session, shell, type MenuItemConstructorOptions, type NativeImage, type RenderProcessGoneDetails, type WebContents } from 'electron';
import electronUpdater from 'electron-updater';
import type { LocalClient } from '../gateway/local-client.js';
import type { HostReadyInfo } from '../gateway/host-protocol.js';
import { createGatewayProcess, GATEWAY_SERVICE_NAME, type GatewayProcess, type GatewayProcessState } from './gateway-process.js';
import { connectCli, resolveTarget, type CliTarget } from '../cli/connect.js';
import { createRemoteClient, type RemoteClient, type RemoteState } from './remote-client.js';
import { configureLogging, createLogger } from '../logging/index.js';
import { desktopLogSettings } from './desktop-logging.js';
import { createApprovalsController, type ApprovalsController } from './approvals-controller.js';
import { approvalNotification, approvalPage, approvalTitle, type PendingApproval } from './approvals-model.js';
import { IPC_CHANNELS, type IpcResult } from '../../src-shared/protocol/ipc.js';
import { handleIpcCall } from './ipc-call.js';
import { createTurnWatch } from './turn-watch.js';
import { readDesktopSettings, updateDesktopSettings } from './desktop-settings.js';
import { HIDDEN_ARG } from './login-item.js';
import { resolveConfigPaths } from '../config/paths.js';
import { secretEnvName } from '../config/secret-store.js';
import { SECRETS_EXPORT_ARG } from './secrets-plan.js';
import { createUpdateController, type UpdateController } from './update-controller.js';
import { createUpdateWindow } from './update-window.js';
import { DESKTOP_GATEWAY_EVENT } from '../../src-shared/protocol/desktop.js';
import { DEEP_LINK_SCHEME, deepLinkFromArgv, deepLinkPage, DeepLinkError, parseDeepLink } from './deep-link.js';
import { buildTrayMenuModel, controlUiAddress, type TrayAction, type TrayState } from './tray-model.js';
import { openControlUiInBrowser } from './browser-login.js';
import { windowOptions } from './window-options.js';
import { crashPageUrl, createCrashPolicy } from './crash-policy.js';
import { decideWebContents } from './web-contents-guard.js';
import { buildAppMenuModel, type AppMenuAction, type AppMenuItem } from './app-menu.js';
import { planGatewayStart } from './gateway-attach.js';
import { appClientInfo, applyLoginItem, prepareSecrets, runSecretsExport, trayImage, utilityProcessSpawner } from './shell-glue.js';

const log = createLogger('app');

// out/main/index.js → out/preload/index.cjs, out/renderer/index.html
const outDir = fileURLToPath(new URL('..', import.meta.url));
const preloadPath = join(outDir, 'preload', 'index.cjs');
const rendererDir = join(outDir, 'renderer');
// Built beside this file from src-main/gateway/host-entry.ts.
const gatewayHostPath = join(outDir, 'main', 'gateway-host.js');
const devRendererUrl = !app.isPackaged ? process.env.ELECTRON_RENDERER_URL : undefined;
const rendererUrl = devRendererUrl ?? pathToFileURL(join(rendererDir, 'index.html')).href;

let mainWindow: BrowserWindow | undefined;
let tray: Tray | undefined;
let gatewayHost: GatewayProcess | undefined;
let client: LocalClient | undefined;
let approvals: ApprovalsController | undefined;
let updates: UpdateController | undefined;
const turns = createTurnWatch();
const crashes = createCrashPolicy();
// "Restart to update" in the window: the update state and running turns, pushed like gateway events.
const updateWindow = createUpdateWindow({
  turns,
  updates: () => updates,
  send: sendToWindow,
});
// The plain tray icon and, made on first need, the one with the pending-approvals dot (not on macOS: the count is the tray title there).
let trayIcon: NativeImage | undefined;
let trayIconBadged: NativeImage | undefined;
let trayIconShowsBadge = false;
const configPaths = resolveConfigPaths({ env: process.env });
const desktopStateDir = configPaths.stateDir;
const shellPaths = { configPath: configPaths.configPath, stateDir: desktopStateDir };
// Shown notifications, held so their click handlers survive garbage collection.
const notifications = new Set<Notification>();
let quitting = false;
let shutdownDone = false;
let trayState: TrayState = { gateway: 'starting', windowVisible: false };

// Resolved once the gateway listens, so renderer calls made during start-up simply wait.
let resolveClient!: (c: LocalClient | undefined) => void;
const clientReady = new Promise<LocalClient | undefined>((resolve) => {
  resolveClient = resolve;
});

function showWindow(): void {
  // A window left on the error page after repeated renderer crashes is replaced by a fresh one.
  if (crashes.failed && mainWindow && !mainWindow.isDestroyed()) {
    mainWindow.destroy();
    crashes.onUserRetry();
  }
  if (!mainWindow || mainWindow.isDestroyed()) mainWindow = createWindow();
  if (mainWindow.isMinimized()) mainWindow.restore();
  mainWindow.show();
  mainWindow.focus();
}

/** Show the window on a page of the renderer (the hash names a page and nothing else). */
function showPage(page: 'pairing' | 'nodes' | 'chat'): void {
  showWindow();
  const wc = mainWindow?.webContents;
  if (!wc) return;
  const go = () => void wc.executeJavaScript(`location.hash = '#/${page}'`).catch(() => undefined);
  if (wc.isLoading()) wc.once('did-finish-load', go);
  else go();
}

function createWindow(): BrowserWindow {
  const win = new BrowserWindow(windowOptions(preloadPath));
  win.once('ready-to-show', () => win.show());
  win.on('show', () => updateTray({ windowVisible: true }));
  win.on('hide', () => updateTray({ windowVisible: false }));
  // Closing hides to the tray; the gateway keeps serving chat channels. Quit is in the tray menu.
  win.on('close', (e) => {
    if (quitting) return;
    e.preventDefault();
    win.hide();
  });
  // New windows, navigation and webviews: the web-contents-created guard (guardWebContents) covers this window too.
  win.webContents.on('render-process-gone', (_e, details) => onRenderGone(win, details));
  loadRenderer(win);
  return win;
}

function loadRenderer(win: BrowserWindow): void {
  void (devRendererUrl ? win.loadURL(devRendererUrl) : win.loadFile(join(rendererDir, 'index.html'))).catch((err: unknown) =>
    log.error('renderer failed to load', { error: String(err) }),
  );
}

/** Reload once; if it dies again soon, an error page (see crash-policy). Either way it is logged and shown. */
function onRenderGone(win: BrowserWindow, details: RenderProcessGoneDetails): void {
  const d = crashes.onRenderGone(details);
  if (d.action === 'ignore' || win.isDestroyed()) return;
  log.error('window renderer gone', { reason: details.reason, exitCode: details.exitCode, action: d.action });
  notify({ title: d.report.title, body: d.report.detail }, showWindow);
  if (d.action === 'reload') loadRenderer(win);
  else void win.loadURL(crashPageUrl(d.report)).catch((err: unknown) => log.error('error page failed to load', { error: String(err) }));
}

/** Every web contents, the window's and any other: no new windows, no navigation off the app's page, no webviews. */
function guardWebContents(contents: WebContents): void {
  contents.setWindowOpenHandler(({ url }) => {
    const d = decideWebContents({ kind: 'window-open', url }, rendererUrl);
    if (!d.allow && d.openExternal) void shell.openExternal(d.openExternal);
    return { action: 'deny' };
  });
  const onNavigate = (e: { preventDefault(): void }, url: string) => {
    const d = decideWebContents({ kind: 'navigate', url }, rendererUrl);
    if (d.allow) return;
    e.preventDefault();
    if (d.openExternal) void shell.openExternal(d.openExternal);
    else log.warn('navigation refused', { reason: d.reason });
  };
  contents.on('will-navigate', onNavigate);
  contents.on('will-redirect', onNavigate);
  contents.on('will-attach-webview', (e) => {
    const d = decideWebContents({ kind: 'attach-webview' }, rendererUrl);
    if (d.allow) return;
    e.preventDefault();
    log.warn('webview refused', { reason: d.reason });
  });
}

function setApplicationMenu(): void {
  const item = (i: AppMenuItem): MenuItemConstructorOptions =>
    'type' in i ? { type: 'separator' } : 'role' in i ? { role: i.role } : { label: i.label, click: () => onMenuAction(i.action) };
  const model = buildAppMenuModel({ platform: process.platform, packaged: app.isPackaged, appName: app.name });
  Menu.setApplicationMenu(Menu.buildFromTemplate(model.map((section) => ({ label: section.label, ...(section.role ? { role: section.role } : {}), submenu: section.submenu.map(item) }))));
}

function onMenuAction(action: AppMenuAction): void {
  if (action === 'open-control-ui-in-browser') onTrayAction('open-in-browser');
}

const loadTrayIcon = (badged: boolean) => trayImage(badged, join(outDir, '..'), log);

/** The tray icon with or without the pending-approvals dot (Windows and Linux). */
function setTrayIconBadge(badged: boolean): void {
  if (!tray || !trayIcon || process.platform === 'darwin' || badged === trayIconShowsBadge) return;
  if (badged && !trayIconBadged) trayIconBadged = loadTrayIcon(true);
  tray.setImage(badged && trayIconBadged ? trayIconBadged : trayIcon);
  trayIconShowsBadge = badged;
}

function updateTray(patch: Partial<TrayState>): void {
  trayState = { ...trayState, ...patch };
  if (!tray) return;
  const model = buildTrayMenuModel(trayState);
  tray.setToolTip(model.tooltip);
  if (process.platform === 'darwin') tray.setTitle(model.badge);
  setTrayIconBadge(model.iconBadge);
  app.setBadgeCount(model.pending);
  tray.setContextMenu(
    Menu.buildFromTemplate(
      model.items.map((item) =>
        item.kind === 'separator'
          ? { type: 'separator' as const }
          : item.kind === 'info'
            ? { label: item.label, enabled: false }
            : item.kind === 'approval'
              ? { label: item.label, click: () => void decide(item.key, item.decision) }
              : item.kind === 'toggle'
                ? { label: item.label, type: 'checkbox' as const, checked: item.checked, click: () => onTrayAction(item.action) }
                : { label: item.label, enabled: item.enabled, click: () => onTrayAction(item.action) },
      ),
    ),
  );
}

async function decide(key: string, decision: 'approve' | 'reject'): Promise<void> {
  const r = await approvals?.decide(key, decision);
  if (r && !r.ok) {
    log.warn('tray approval failed', { decision, error: r.message });
    notify({ title: decision === 'approve' ? 'Could not approve' : 'Could not reject', body: r.message });
  }
}

function notify(n: { title: string; body: string }, onClick?: () => void): void {
  if (!Notification.isSupported()) return;
  const shown = new Notification({ title: n.title, body: n.body });
  notifications.add(shown);
  if (onClick) shown.on('click', onClick);
  shown.on('close', () => notifications.delete(shown));
  shown.show();
}

function onApprovalsChange(pending: PendingApproval[]): void {
  updateTray({ approvals: pending.map((a) => ({ key: a.key, title: approvalTitle(a), page: approvalPage(a) })) });
}

/** An `openclaw://` link only opens a page for the user to act on; a bad one is logged and shown, never followed. */
function openDeepLink(raw: string): void {
  try {
    const link = parseDeepLink(raw);
    log.info('opening link', { kind: link.kind });
    showPage(deepLinkPage(link));
  } catch (err) {
    const message = err instanceof DeepLinkError ? err.message : String(err);
    log.warn('ignored an openclaw:// link', { error: message });
    notify({ title: 'OpenClaw could not open the link', body: message });
  }
}

function onTrayAction(action: TrayAction): void {
  if (action === 'open') showWindow();
  else if (action === 'open-pairing') showPage('pairing');
  else if (action === 'open-nodes') showPage('nodes');
  else if (action === 'open-in-browser') openInBrowser();
  else if (action === 'restart-gateway') void restartGateway();
  else if (action === 'restart-to-update') updates?.restartToUpdate();
  else if (action === 'cancel-update-restart') updates?.cancelRestart();
  else if (action === 'toggle-start-at-login') setStartAtLogin(!trayState.startAtLogin);
  else if (action === 'quit') app.quit();
}

/** A one-time login link through the gateway in use, so the browser page signs in by itself. */
function openInBrowser(): void {
  const gatewayUrl = controlUiAddress(trayState);
  if (gatewayUrl) void openControlUiInBrowser({ client, gatewayUrl, open: (url) => shell.openExternal(url), log });
}

function registerIpc(): void {
  ipcMain.handle(IPC_CHANNELS.call, (event, arg: unknown): Promise<IpcResult> =>
    handleIpcCall({ fromAppWindow: !!mainWindow && event.sender === mainWindow.webContents, arg, client: () => clientReady, desktop: (method) => updateWindow.call(method) }),
  );
}

async function boot(): Promise<void> {
  // The gateway configures its own process's logging; this one's follows the same config.
  configureLogging(desktopLogSettings(configPaths.configPath, configPaths.profile));
  session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  registerIpc();
  setApplicationMenu();
  trayIcon = loadTrayIcon(false);
  tray = new Tray(trayIcon);
  tray.on('click', showWindow);
  const desktop = readDesktopSettings(desktopStateDir);
  if (desktop.problem) log.warn('desktop settings unreadable; using the defaults', { problem: desktop.problem });
  updateTray({ startAtLogin: desktop.settings.startAtLogin });
  // Started by the OS at login: open to the tray, without the window (macOS passes no arguments to login items).
  const startHidden = process.argv.includes(HIDDEN_ARG) || (process.platform === 'darwin' && app.getLoginItemSettings().wasOpenedAtLogin);
  if (!startHidden) mainWindow = createWindow();

  let target: CliTarget;
  let secretEnv: Record<string, string>;
  try {
    secretEnv = prepareSecrets(desktop.settings.secretsInKeychain, shellPaths, log);
    target = resolveTarget({});
  } catch (err) {
    return failStart(err);
  }
  if (target.remote) return useGatewayAt(target.url, 'remote', secretEnv[secretEnvName(['gateway', 'remote', 'token'])]);
  const localToken = secretEnv[secretEnvName(['gateway', 'auth', 'token'])];
  // A gateway already running here (a headless one on this state dir, or any on the port) is used, not fought.
  const plan = await planGatewayStart({ stateDir: target.paths.stateDir, url: target.url });
  if (plan.kind === 'attach') return useGatewayAt(plan.url, 'attached', localToken, plan.reason);
  if (plan.kind === 'blocked') return failStart(new Error(plan.message));
  // The decrypted secrets go to the gateway process in its start message, never into an environment.
  gatewayHost = createGatewayProcess({ spawn: utilityProcessSpawner(log), modulePath: gatewayHostPath, start: { rendererDir, secretEnv }, onState: onGatewayState, log: log.child('gateway-process') });
  let ready: HostReadyInfo;
  try {
    ready = await gatewayHost.start();
  } catch (err) {
    // Another gateway may have started between the probe and the listen.
    const again = await planGatewayStart({ stateDir: target.paths.stateDir, url: target.url });
    if (again.kind === 'attach') return useGatewayAt(again.url, 'attached', localToken, again.reason);
    return failStart(err);
  }
  const password = secretEnv[secretEnvName(['gateway', 'auth', 'password'])];
  const host = gatewayHost;
  host.onReady(() => turns.clear());
  // Over loopback with the local token; after a restart of the gateway process the client reconnects by itself.
  const local = connectWindow(() => host.state.ready ?? ready, localToken, password);
  attachClient(local);
  await local.connected;
  await startApprovals();
  log.info('desktop ready', { httpUrl: ready.httpUrl, gatewayPid: ready.pid });
  const launchLink = deepLinkFromArgv(process.argv);
  if (launchLink) openDeepLink(launchLink);
}

function onGatewayState(s: GatewayProcessState): void {
  const gateway = s.phase === 'stopped' ? 'stopping' : s.phase;
  updateTray({ gateway, gatewayReason: s.reason, httpUrl: s.ready?.httpUrl ?? trayState.httpUrl });
  if (s.phase === 'failed' && client) notify({ title: 'The OpenClaw gateway stopped', body: s.reason ?? 'It stopped.' });
  else if (s.phase === 'restarting') notify({ title: 'The OpenClaw gateway is restarting', body: s.reason ?? 'It stopped unexpectedly.' });
}

/** The tray's "Start the gateway again", after the gateway process gave up. */
async function restartGateway(): Promise<void> {
  try {
    await gatewayHost?.retry();
  } catch (err) {
    log.warn('the gateway did not start again', { error: String(err) });
  }
}

/** A client of this machine's gateway process, for the window and the tray. */
function connectWindow(where: () => HostReadyInfo, token: string | undefined, password: string | undefined): RemoteClient {
  return createRemoteClient({
    name: 'the gateway',
    connect: () => {
      const r = where();
      return connectCli({ url: r.wsUrl, ...(token ? { token } : {}), ...(password ? { password } : {}), ...(r.tlsFingerprint ? { tlsFingerprint: r.tlsFingerprint } : {}) }, appClientInfo());
    },
    retryMs: { min: 200, max: 2000 },
    onState: onConnection,
  });
}

function failStart(err: unknown): void {
  // Quit while the gateway was still starting: nothing failed.
  if (quitting) return resolveClient(undefined);
  const message = err instanceof Error ? err.message : String(err);
  log.error('gateway failed to start', { error: message });
  updateTray({ gateway: 'failed' });
  resolveClient(undefined);
  dialog.showErrorBox('OpenClaw gateway failed to start', message);
  app.quit();
}

function sendToWindow(event: string, payload: unknown): void {
  const wc = mainWindow?.webContents;
  if (wc && !wc.isDestroyed()) wc.send(IPC_CHANNELS.event, { event, payload });
}

/** The connection to the gateway dropped or came back (its process restarted): the window says so and reloads; the tray's approvals reload. */
function onConnection(s: RemoteState): void {
  if (s.phase === 'connecting') return;
  sendToWindow(DESKTOP_GATEWAY_EVENT, s.phase === 'connected' ? { phase: 'connected' } : { phase: 'disconnected', error: s.error });
  if (s.phase === 'connected') void approvals?.refresh();
}

/** The window and the bridge are served by `c`: a client of this machine's gateway process, or of a gateway elsewhere. */
function attachClient(c: LocalClient): void {
  client = c;
  client.onEvent((name, payload) => {
    turns.onEvent(name, payload);
    sendToWindow(name, payload);
  });
  resolveClient(client);
}

/**
 * No gateway starts here: the app uses the one at `url` and says so in the tray. `remote`: `gateway.mode:
 * "remote"`; `attached`: a gateway was already running on this machine.
 */
async function useGatewayAt(url: string, kind: 'remote' | 'attached', token: string | undefined, reason?: string): Promise<void> {
  if (kind === 'remote') log.info('remote mode: using the gateway at the configured address; none starts here', { url });
  else log.info('using the gateway already running; none starts here', { url, reason });
  updateTray({ gateway: kind, remote: { url } });
  const remote = createRemoteClient({
    connect: () => connectCli({ url, ...(token ? { token } : {}) }, appClientInfo()),
    onState: (s) => (updateTray({ remote: { url, ...(s.phase === 'disconnected' ? { error: s.error } : {}) } }), onConnection(s)),
  });
  attachClient(remote);
  await remote.connected;
  await startApprovals();
  const launchLink = deepLinkFromArgv(process.argv);
  if (launchLink) openDeepLink(launchLink);
}

async function startApprovals(): Promise<void> {
  if (!client) return;
  approvals = createApprovalsController({
    client,
    onChange: onApprovalsChange,
    onAnnounce: (a) => notify(approvalNotification(a), () => showPage(approvalPage(a))),
    onError: (message, err) => log.warn(message, { error: String(err) }),
  });
  await approvals.start();
  startUpdates();
}

/** Applies the start-at-login setting to the OS (login item, or the Linux autostart file) and keeps it. */
function setStartAtLogin(enabled: boolean): void {
  try {
    applyLoginItem(enabled);
    updateDesktopSettings(desktopStateDir, { startAtLogin: enabled });
    updateTray({ startAtLogin: enabled });
  } catch (err) {
    log.warn('could not change start at login', { error: String(err) });
    notify({ title: 'Could not change "Start at login"', body: err instanceof Error ? err.message : String(err) });
  }
}

/** Updates come from the feed in the packaged app's publish settings; a development run has none. */
function startUpdates(): void {
  if (!app.isPackaged) return;
  const { autoUpdater } = electronUpdater;
  autoUpdater.autoDownload = true;
  autoUpdater.autoInstallOnAppQuit = true;
  updates = createUpdateController({ updater: autoUpdater, turns, onState: (update) => (updateTray({ update }), updateWindow.publish()), log: log.child('update') });
  updates.start();
}

async function shutdown(): Promise<void> {
  updates?.stop();
  updateTray({ gateway: 'stopping' });
  approvals?.stop();
  client?.close();
  // Asks the gateway process to close and exit; it is ended if it has not within the time limit.
  await gatewayHost?.stop('app quit').catch((err: unknown) => log.error('gateway close failed', { error: String(err) }));
  tray?.destroy();
}

if (!app.requestSingleInstanceLock()) {
  // Another instance owns the gateway; it focuses its window on 'second-instance'.
  app.quit();
} else {
  // Windows and Linux hand a clicked openclaw:// link to a new process, which passes it on here.
  app.on('second-instance', (_e, argv) => {
    if (argv.includes(SECRETS_EXPORT_ARG)) {
      notify({ title: 'OpenClaw is running', body: `Quit OpenClaw first, then run it again with ${SECRETS_EXPORT_ARG} to write the secrets back into the config.` });
      return;
    }
    const link = deepLinkFromArgv(argv);
    if (link) openDeepLink(link);
    else showWindow();
  });
  app.on('open-url', (e, url) => {
    e.preventDefault();
    void app.whenReady().then(() => openDeepLink(url));
  });
  app.setAsDefaultProtocolClient(DEEP_LINK_SCHEME);
  // Notifications on Windows show only for an app with its user model id (the installer's appId).
  if (process.platform === 'win32') app.setAppUserModelId('ai.openclaw.desktop');
  app.on('activate', () => showWindow());
  app.on('web-contents-created', (_e, contents) => guardWebContents(contents));
  app.on('child-process-gone', (_e, details) => {
    // The gateway process is gateway-process's to report and restart.
    if (details.serviceName === GATEWAY_SERVICE_NAME) return;
    const d = crashes.onChildGone(details);
    if (d.action === 'report') log.warn(d.report.title, { detail: d.report.detail });
  });
  // A tray app keeps running with no window open.
  app.on('window-all-closed', () => undefined);
  app.on('before-quit', () => {
    quitting = true;
  });
  app.on('will-quit', (e) => {
    if (shutdownDone) return;
    e.preventDefault();
    void shutdown().finally(() => {
      shutdownDone = true;
      app.quit();
    });
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => app.quit());
  app
    .whenReady()
    .then(() => (process.argv.includes(SECRETS_EXPORT_ARG) ? runSecretsExport(shellPaths) : boot()))
    .catch((err: unknown) => {
      log.error('desktop start failed', { error: String(err) });
      app.exit(1);
    });
}
