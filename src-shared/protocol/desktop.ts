/**
 * Calls and events between the desktop window and the Electron main process itself (not the
 * gateway): they travel the same `openclaw:call` / `openclaw:event` envelope as gateway calls, but
 * the main process answers them and never forwards them. A browser (no preload) has none of them.
 */

/** Where the app is with updates (the update controller's state machine); the tray and the window show it. */
export type UpdateState =
  | { phase: 'idle'; lastCheckedAtMs?: number }
  | { phase: 'checking' }
  | { phase: 'downloading'; version: string; percent: number }
  | { phase: 'ready'; version: string }
  | { phase: 'waiting-for-turns'; version: string; running: number }
  | { phase: 'installing'; version: string }
  | { phase: 'error'; message: string; lastCheckedAtMs?: number };

/** What the window needs to offer "Restart to update": the update, and whether a reply is being written. */
export interface DesktopUpdateSnapshot {
  update: UpdateState;
  /** Agent turns running now; a restart waits for them. */
  runningTurns: number;
}

/** The methods the main process answers for the window. */
export const DESKTOP_METHODS = {
  /** → {@link DesktopUpdateSnapshot} */
  updateGet: 'desktop.update.get',
  /** Restart to install the downloaded update (after the running reply, if one is). → {@link DesktopUpdateSnapshot} */
  updateRestart: 'desktop.update.restart',
} as const;

/** Pushed to the window whenever the update or the running-turn count changes; payload {@link DesktopUpdateSnapshot}. */
export const DESKTOP_UPDATE_EVENT = 'desktop.update';

/**
 * Pushed when the app's connection to its gateway drops or comes back (the gateway process restarting, a
 * remote gateway away); payload {@link DesktopGatewayState}. The window says so, and reloads once it is back.
 */
export const DESKTOP_GATEWAY_EVENT = 'desktop.gateway';

export type DesktopGatewayState = { phase: 'connected' } | { phase: 'disconnected'; error: string };

const NAMES: readonly string[] = Object.values(DESKTOP_METHODS);

/** Whether `method` is answered by the desktop main process rather than the gateway. */
export function isDesktopMethod(method: string): boolean {
  return NAMES.includes(method);
}
