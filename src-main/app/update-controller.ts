/**
 * The desktop app's updates as a state machine around `electron-updater`: a quiet check at start and
 * once a day (a failure is logged and shown in the tray, never a dialog), the download in the
 * background, then "Restart to update", which waits until no agent turn is running so a reply is
 * never cut off. The updater and the turn count come in as ports, so this runs under plain Node.
 */

import type { UpdateState } from '../../src-shared/protocol/desktop.js';

export type { UpdateState };

/** The part of electron-updater's `autoUpdater` this uses. */
export interface UpdaterPort {
  checkForUpdates(): Promise<unknown>;
  quitAndInstall(): void;
  on(event: 'checking-for-update' | 'update-not-available', fn: () => void): unknown;
  on(event: 'update-available' | 'update-downloaded', fn: (info: { version: string }) => void): unknown;
  on(event: 'download-progress', fn: (p: { percent: number }) => void): unknown;
  on(event: 'error', fn: (err: Error) => void): unknown;
}

/** How many agent turns are running, and news when that changes. */
export interface TurnsPort {
  running(): number;
  onChange(fn: (running: number) => void): () => void;
}

export interface UpdateControllerDeps {
  updater: UpdaterPort;
  turns: TurnsPort;
  onState(state: UpdateState): void;
  log: { info(msg: string, f?: Record<string, unknown>): void; warn(msg: string, f?: Record<string, unknown>): void };
  /** Between checks (default one day). */
  intervalMs?: number;
  now?(): number;
  /** Runs `fn` after `ms`; returns the cancel function. */
  schedule?(fn: () => void, ms: number): () => void;
}

export interface UpdateController {
  readonly state: UpdateState;
  /** Checks now and then every interval. */
  start(): void;
  /** A check now, unless one is under way or an update is already downloading or waiting. */
  checkNow(): Promise<void>;
  /** The user chose "Restart to update": installs at once, or as soon as no turn is running. */
  restartToUpdate(): void;
  /** Back from waiting to "ready" (the user changed their mind). */
  cancelRestart(): void;
  stop(): void;
}

export const UPDATE_CHECK_INTERVAL_MS = 24 * 60 * 60 * 1000;

const defaultSchedule = (fn: () => void, ms: number) => {
  const t = setTimeout(fn, ms);
  t.unref?.();
  return () => clearTimeout(t);
};

export function createUpdateController(deps: UpdateControllerDeps): UpdateController {
  const now = deps.now ?? Date.now;
  const schedule = deps.schedule ?? defaultSchedule;
  const intervalMs = deps.intervalMs ?? UPDATE_CHECK_INTERVAL_MS;
  let state: UpdateState = { phase: 'idle' };
  let cancelTimer: (() => void) | undefined;
  let offTurns: (() => void) | undefined;
  let stopped = false;

  const set = (next: UpdateState) => {
    state = next;
    deps.onState(next);
  };
  const busy = () => state.phase === 'downloading' || state.phase === 'ready' || state.phase === 'waiting-for-turns' || state.phase === 'installing';

  const install = (version: string) => {
    offTurns?.();
    offTurns = undefined;
    set({ phase: 'installing', version });
    deps.log.info('restarting to install the update', { version });
    deps.updater.quitAndInstall();
  };

  deps.updater.on('checking-for-update', () => {
    if (!busy() && state.phase !== 'checking') set({ phase: 'checking' });
  });
  deps.updater.on('update-not-available', () => set({ phase: 'idle', lastCheckedAtMs: now() }));
  deps.updater.on('update-available', (info) => {
    deps.log.info('update available; downloading', { version: info.version });
    set({ phase: 'downloading', version: info.version, percent: 0 });
  });
  deps.updater.on('download-progress', (p) => {
    if (state.phase === 'downloading') set({ ...state, percent: Math.max(0, Math.min(100, Math.round(p.percent))) });
  });
  deps.updater.on('update-downloaded', (info) => {
    deps.log.info('update downloaded; offering a restart', { version: info.version });
    if (state.phase !== 'waiting-for-turns' && state.phase !== 'installing') set({ phase: 'ready', version: info.version });
  });
  deps.updater.on('error', (err) => {
    // Quiet: the next daily check tries again; an update already downloaded stays on offer.
    deps.log.warn('update check failed', { error: err.message });
    if (!busy() || state.phase === 'downloading') set({ phase: 'error', message: err.message, lastCheckedAtMs: now() });
  });

  const checkNow = async () => {
    if (stopped || busy() || state.phase === 'checking') return;
    set({ phase: 'checking' });
    try {
      await deps.updater.checkForUpdates();
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      deps.log.warn('update check failed', { error: message });
      // The events may have moved the state on while the check ran.
      if ((state as UpdateState).phase === 'checking') set({ phase: 'error', message, lastCheckedAtMs: now() });
    }
  };

  const loop = () => {
    cancelTimer = schedule(() => {
      void checkNow();
      loop();
    }, intervalMs);
  };

  return {
    get state() {
      return state;
    },
    start() {
      if (stopped || cancelTimer) return;
      void checkNow();
      loop();
    },
    checkNow,
    restartToUpdate() {
      if (state.phase !== 'ready') return;
      const { version } = state;
      const running = deps.turns.running();
      if (running === 0) return install(version);
      deps.log.info('update waits for running turns to finish', { version, running });
      set({ phase: 'waiting-for-turns', version, running });
      offTurns = deps.turns.onChange((n) => {
        if (state.phase !== 'waiting-for-turns') return;
        if (n === 0) install(state.version);
        else set({ ...state, running: n });
      });
    },
    cancelRestart() {
      if (state.phase !== 'waiting-for-turns') return;
      offTurns?.();
      offTurns = undefined;
      set({ phase: 'ready', version: state.version });
    },
    stop() {
      stopped = true;
      cancelTimer?.();
      cancelTimer = undefined;
      offTurns?.();
      offTurns = undefined;
    },
  };
}
