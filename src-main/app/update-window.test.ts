import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import type { DesktopUpdateSnapshot } from '../../src-shared/protocol/desktop.js';
import { handleIpcCall } from './ipc-call.js';
import { createTurnWatch } from './turn-watch.js';
import { createUpdateController, type UpdaterPort } from './update-controller.js';
import { createUpdateWindow } from './update-window.js';

/** Speaks electron-updater's events (electron-updater itself needs Electron). */
class StandInUpdater extends EventEmitter implements UpdaterPort {
  installs = 0;
  checkForUpdates = async () => undefined;
  quitAndInstall(): void {
    this.installs++;
  }
}

const lifecycle = (runId: string, phase: 'start' | 'end') => ({ runId, stream: 'lifecycle', data: { phase } });

function setup() {
  const updater = new StandInUpdater();
  const turns = createTurnWatch();
  const sent: DesktopUpdateSnapshot[] = [];
  const log = { info: () => undefined, warn: () => undefined };
  let win: ReturnType<typeof createUpdateWindow> | undefined = undefined;
  const updates = createUpdateController({ updater, turns, log, onState: () => win?.publish() });
  win = createUpdateWindow({ turns, updates: () => updates, send: (event, payload) => (expect(event).toBe('desktop.update'), sent.push(payload)) });
  return { updater, turns, sent, updates, win };
}

describe('updates in the window', () => {
  it('tells the window when an update is ready and while a reply is being written', () => {
    const { updater, turns, sent, win } = setup();
    expect(win.call('desktop.update.get')).toEqual({ ok: true, value: { update: { phase: 'idle' }, runningTurns: 0 } });
    updater.emit('update-available', { version: '1.2.0' });
    updater.emit('update-downloaded', { version: '1.2.0' });
    expect(sent.at(-1)).toEqual({ update: { phase: 'ready', version: '1.2.0' }, runningTurns: 0 });
    turns.onEvent('agent', lifecycle('r1', 'start'));
    expect(sent.at(-1)).toEqual({ update: { phase: 'ready', version: '1.2.0' }, runningTurns: 1 });
    const count = sent.length;
    turns.onEvent('agent', { runId: 'r1', stream: 'assistant', data: { text: 'hi' } });
    expect(sent).toHaveLength(count);
  });

  it('"Restart to update" from the window installs at once when idle, and only after the running reply otherwise', () => {
    const idle = setup();
    idle.updater.emit('update-downloaded', { version: '1.2.0' });
    expect(idle.win.call('desktop.update.restart')).toMatchObject({ ok: true, value: { update: { phase: 'installing', version: '1.2.0' } } });
    expect(idle.updater.installs).toBe(1);

    const busy = setup();
    busy.updater.emit('update-downloaded', { version: '1.2.0' });
    busy.turns.onEvent('agent', lifecycle('r1', 'start'));
    expect(busy.win.call('desktop.update.restart')).toMatchObject({ ok: true, value: { update: { phase: 'waiting-for-turns' }, runningTurns: 1 } });
    expect(busy.updater.installs).toBe(0);
    busy.turns.onEvent('agent', lifecycle('r1', 'end'));
    expect(busy.updater.installs).toBe(1);
    expect(busy.sent.at(-1)).toEqual({ update: { phase: 'installing', version: '1.2.0' }, runningTurns: 0 });
  });

  it('refuses a restart with nothing downloaded, and unknown methods', () => {
    const { win, updater } = setup();
    expect(win.call('desktop.update.restart')).toMatchObject({ ok: false, error: { code: 'UNAVAILABLE' } });
    expect(win.call('desktop.nope')).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST' } });
    expect(updater.installs).toBe(0);
  });

  it('reaches the window through openclaw:call, answered by the main process and never by the gateway', async () => {
    const { win, updater } = setup();
    updater.emit('update-downloaded', { version: '1.2.0' });
    const gateway = { call: () => Promise.reject(new Error('must not reach the gateway')) };
    const call = (method: string) => handleIpcCall({ fromAppWindow: true, arg: { method }, client: async () => gateway as never, desktop: (m) => win.call(m) });
    expect(await call('desktop.update.get')).toMatchObject({ ok: true, value: { update: { phase: 'ready' } } });
    expect(await call('desktop.update.restart')).toMatchObject({ ok: true });
    expect(updater.installs).toBe(1);
    // Not on the allow-list: refused before anything answers it.
    expect(await call('desktop.quit')).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    // Without the main process's handler (no updates here), a clear error, still not the gateway.
    expect(await handleIpcCall({ fromAppWindow: true, arg: { method: 'desktop.update.get' }, client: async () => gateway as never })).toMatchObject({ ok: false, error: { code: 'UNAVAILABLE' } });
  });
});
