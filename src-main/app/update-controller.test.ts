/**
 * The update state machine. electron-updater cannot run without Electron, so its `autoUpdater` is
 * stood in for by an emitter with the same events; the turns come from a real gateway running a real
 * turn against a fake model server.
 */
import { EventEmitter } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeOpenAIServer } from '../../test-support/fake-openai.js';
import { startTestGateway, type TestGateway } from '../../test-support/gateway.js';
import { recordingLogger } from '../../test-support/recording-logger.js';
import { Waiters } from '../../test-support/wait-until.js';
import type { LocalClient } from '../gateway/local-client.js';
import { createTurnWatch } from './turn-watch.js';
import { createUpdateController, type UpdaterPort, type UpdateState } from './update-controller.js';

/** Speaks electron-updater's events; `check` says what the feed answers. */
class StandInUpdater extends EventEmitter implements UpdaterPort {
  checks = 0;
  installs = 0;
  constructor(public check: () => Promise<unknown>) {
    super();
  }
  checkForUpdates(): Promise<unknown> {
    this.checks++;
    return this.check();
  }
  quitAndInstall(): void {
    this.installs++;
  }
}

/** A timer the test fires by hand. */
function manualSchedule() {
  const pending: { fn: () => void; ms: number }[] = [];
  return {
    pending,
    schedule: (fn: () => void, ms: number) => {
      const entry = { fn, ms };
      pending.push(entry);
      return () => pending.splice(pending.indexOf(entry), 1);
    },
    fire() {
      const next = pending.shift();
      next?.fn();
    },
  };
}

function setup(check: (u: StandInUpdater) => Promise<unknown>, running = 0) {
  const states: UpdateState[] = [];
  const timers = manualSchedule();
  const turns = { n: running, listeners: new Set<(n: number) => void>() };
  const updater: StandInUpdater = new StandInUpdater(() => check(updater));
  const ctl = createUpdateController({
    updater,
    turns: { running: () => turns.n, onChange: (fn) => (turns.listeners.add(fn), () => turns.listeners.delete(fn)) },
    onState: (s) => states.push(s),
    log: recordingLogger(),
    schedule: timers.schedule,
    now: () => 1000,
  });
  const setTurns = (n: number) => {
    turns.n = n;
    for (const fn of turns.listeners) fn(n);
  };
  return { ctl, updater, states, timers, setTurns };
}

const noUpdate = async (u: StandInUpdater) => {
  u.emit('checking-for-update');
  u.emit('update-not-available');
};
const newVersion = async (u: StandInUpdater) => {
  u.emit('checking-for-update');
  u.emit('update-available', { version: '2.0.0' });
  u.emit('download-progress', { percent: 41.6 });
  u.emit('update-downloaded', { version: '2.0.0' });
};

describe('update checks', () => {
  it('checks quietly at start and then once a day', async () => {
    const { ctl, updater, states, timers } = setup(noUpdate);
    ctl.start();
    await Promise.resolve();
    expect(updater.checks).toBe(1);
    expect(states.at(-1)).toEqual({ phase: 'idle', lastCheckedAtMs: 1000 });
    expect(timers.pending.map((p) => p.ms)).toEqual([24 * 60 * 60 * 1000]);
    timers.fire();
    expect(updater.checks).toBe(2);
    expect(timers.pending).toHaveLength(1);
    ctl.stop();
    expect(timers.pending).toHaveLength(0);
  });

  it('a failed check is a state, not a dialog, and the next check runs', async () => {
    const { ctl, updater, timers } = setup(async () => {
      throw new Error('getaddrinfo ENOTFOUND updates.example');
    });
    ctl.start();
    await Promise.resolve();
    await Promise.resolve();
    expect(ctl.state).toEqual({ phase: 'error', message: 'getaddrinfo ENOTFOUND updates.example', lastCheckedAtMs: 1000 });
    updater.check = () => noUpdate(updater);
    timers.fire();
    await Promise.resolve();
    expect(ctl.state.phase).toBe('idle');
  });

  it('downloads, offers a restart, and checks no more while one is on offer', async () => {
    const { ctl, updater, states, timers } = setup(newVersion);
    ctl.start();
    await Promise.resolve();
    expect(states.map((s) => s.phase)).toEqual(['checking', 'downloading', 'downloading', 'ready']);
    expect(states[2]).toMatchObject({ percent: 42 });
    timers.fire();
    expect(updater.checks).toBe(1);
    ctl.restartToUpdate();
    expect(updater.installs).toBe(1);
    expect(ctl.state).toEqual({ phase: 'installing', version: '2.0.0' });
  });

  it('"Restart to update" waits for running turns, and can be called off', async () => {
    const { ctl, updater, setTurns } = setup(newVersion, 2);
    ctl.start();
    await Promise.resolve();
    ctl.restartToUpdate();
    expect(ctl.state).toEqual({ phase: 'waiting-for-turns', version: '2.0.0', running: 2 });
    setTurns(1);
    expect(ctl.state).toMatchObject({ phase: 'waiting-for-turns', running: 1 });
    ctl.cancelRestart();
    expect(ctl.state).toEqual({ phase: 'ready', version: '2.0.0' });
    setTurns(0);
    expect(updater.installs).toBe(0);
    ctl.restartToUpdate();
    expect(updater.installs).toBe(1);
  });

  it('restart does nothing unless an update is ready', () => {
    const { ctl, updater } = setup(noUpdate);
    ctl.restartToUpdate();
    expect(updater.installs).toBe(0);
    expect(ctl.state.phase).toBe('idle');
  });
});

describe('restart to update with a real turn running', () => {
  const model = new Waiters();
  let release: (() => void) | undefined;
  let openai: FakeOpenAIServer;
  let t: TestGateway;
  let local: LocalClient;
  beforeAll(async () => {
    openai = new FakeOpenAIServer({
      script: () =>
        new Promise((resolve) => {
          release = () => resolve({ text: 'done' });
          model.notify();
        }),
    });
    await openai.start();
    t = await startTestGateway({
      config: {
        gateway: { auth: { mode: 'token', token: 'update-test-token-0123456789' } },
        models: { providers: { local: { baseUrl: `${openai.baseUrl}/v1`, apiKey: 'sk-local', api: 'openai-completions', models: [{ id: 'fake', contextWindow: 32_000, maxTokens: 1000 }] } } },
        agents: { defaults: { model: { primary: 'local/fake' } } },
      },
    });
    local = t.gw.createLocalClient();
  });
  afterAll(async () => {
    release?.();
    local?.close();
    await t?.close();
    await openai?.close();
  });

  it('installs only after the turn has finished', async () => {
    const watch = createTurnWatch();
    const changes = new Waiters();
    local.onEvent((name, payload) => {
      watch.onEvent(name, payload);
      changes.notify();
    });
    const updater: StandInUpdater = new StandInUpdater(async () => newVersion(updater));
    const ctl = createUpdateController({ updater, turns: watch, onState: () => changes.notify(), log: recordingLogger(), schedule: () => () => undefined });
    ctl.start();
    await changes.until(() => (ctl.state.phase === 'ready' ? true : undefined), 5000, 'the update to be ready');

    const sent = await local.call('chat.send', { sessionKey: 'agent:main:main', message: 'take your time', idempotencyKey: 'update-turn-1' });
    expect(sent.ok).toBe(true);
    await model.until(() => release, 10_000, 'the model request');
    await changes.until(() => (watch.running() === 1 ? true : undefined), 5000, 'the turn to start');

    ctl.restartToUpdate();
    expect(ctl.state).toMatchObject({ phase: 'waiting-for-turns', running: 1 });
    expect(updater.installs).toBe(0);

    release!();
    await changes.until(() => (ctl.state.phase === 'installing' ? true : undefined), 10_000, 'the install after the turn');
    expect(updater.installs).toBe(1);
    expect(watch.running()).toBe(0);
    ctl.stop();
  });

  it('a turn whose end never arrives stops counting after a while', () => {
    let now = 0;
    const watch = createTurnWatch({ now: () => now, staleMs: 1000 });
    watch.onEvent('agent', { runId: 'r1', stream: 'lifecycle', data: { phase: 'start' } });
    watch.onEvent('agent', { runId: 'r1', stream: 'assistant', data: { phase: 'end' } });
    watch.onEvent('chat', { runId: 'r1', stream: 'lifecycle', data: { phase: 'end' } });
    expect(watch.running()).toBe(1);
    now = 1001;
    expect(watch.running()).toBe(0);
  });
});
