/**
 * The window's side of updates: what it is told ({@link DesktopUpdateSnapshot}, pushed as the
 * `desktop.update` event whenever the update or the running-turn count changes) and the one thing it
 * may ask (`desktop.update.restart`, which goes through the update controller, so a restart still
 * waits for a running reply). Plain Node: the Electron glue passes `send` and the controller.
 */
import { DESKTOP_METHODS, DESKTOP_UPDATE_EVENT, type DesktopUpdateSnapshot } from '../../src-shared/protocol/desktop.js';
import type { IpcResult } from '../../src-shared/protocol/ipc.js';
import type { TurnsPort, UpdateController } from './update-controller.js';

export interface UpdateWindowDeps {
  turns: TurnsPort;
  /** The controller once updates run (a development build has none). */
  updates(): Pick<UpdateController, 'state' | 'restartToUpdate'> | undefined;
  /** Sends an event to the window (`openclaw:event`). */
  send(event: string, payload: DesktopUpdateSnapshot): void;
}

export interface UpdateWindow {
  snapshot(): DesktopUpdateSnapshot;
  /** Tell the window: call on every update state change. */
  publish(): void;
  /** Answers the window's `desktop.*` calls. */
  call(method: string): IpcResult;
  stop(): void;
}

export function createUpdateWindow(deps: UpdateWindowDeps): UpdateWindow {
  let last = '';
  const snapshot = (): DesktopUpdateSnapshot => ({ update: deps.updates()?.state ?? { phase: 'idle' }, runningTurns: deps.turns.running() });
  const publish = () => {
    const now = snapshot();
    // Turn starts and ends come often; the window hears only what changes.
    const key = JSON.stringify(now);
    if (key === last) return;
    last = key;
    deps.send(DESKTOP_UPDATE_EVENT, now);
  };
  const offTurns = deps.turns.onChange(publish);
  return {
    snapshot,
    publish,
    call(method) {
      if (method === DESKTOP_METHODS.updateGet) return { ok: true, value: snapshot() };
      if (method === DESKTOP_METHODS.updateRestart) {
        const updates = deps.updates();
        if (updates?.state.phase !== 'ready') return { ok: false, error: { code: 'UNAVAILABLE', message: 'no downloaded update is waiting to be installed' } };
        updates.restartToUpdate();
        publish();
        return { ok: true, value: snapshot() };
      }
      return { ok: false, error: { code: 'INVALID_REQUEST', message: `unknown desktop method ${method.slice(0, 64)}` } };
    },
    stop: () => void offTurns(),
  };
}
