import { describe, expect, it } from 'vitest';
import type { OpenClawConfig } from '../../src-shared/domain/config-schema.js';
import { ConfigError, type LoadedConfig } from '../config/index.js';
import { resolveConfig } from '../config/resolve.js';
import { recordingLogger } from '../../test-support/recording-logger.js';
import type { AuthState } from './auth-state.js';
import type { AuthSettings } from './handshake.js';
import type { Listener, MoveOutcome } from './listener.js';
import { createReloader } from './reload.js';

const TOKEN = 'first-token-0123456789';
function loaded(config: Record<string, unknown>): LoadedConfig {
  const c = { gateway: { auth: { mode: 'token', token: TOKEN } }, ...config } as OpenClawConfig;
  return { ok: true, config: c, resolved: resolveConfig(c, {}), raw: JSON.stringify(c), hash: `h${JSON.stringify(c)}`, warnings: [] } as unknown as LoadedConfig;
}

function setup(initial = loaded({}), move: MoveOutcome = { kind: 'moved' }) {
  const log = recordingLogger();
  let auth: AuthSettings = { mode: 'token', token: TOKEN };
  const authState: AuthState = {
    current: () => auth,
    fromConfig: (c) => ({ mode: c.gateway.auth.mode, token: c.gateway.auth.token, password: c.gateway.auth.password }),
    set: (a) => void (auth = a),
    generatedToken: undefined,
    shareThrough: async () => undefined,
  };
  const moves: number[] = [];
  const listener: Pick<Listener, 'hostsFor' | 'move'> = {
    hostsFor: (next) => (next.gateway.bind === 'lan' ? ['127.0.0.1', '0.0.0.0'] : ['127.0.0.1']),
    move: async (next) => {
      moves.push(next.gateway.port);
      return move;
    },
  };
  const events: { event: string; payload: any }[] = [];
  const health: { localOnly?: boolean }[] = [];
  const closed: number[] = [];
  const logging: number[] = [];
  const reloader = createReloader({
    initial,
    log,
    auth: authState,
    listener,
    connections: { closeWhere: () => (closed.push(1), 1) },
    reconfigureLogging: () => void logging.push(1),
    healthChanged: (o) => void health.push(o ?? {}),
    publish: (event, payload) => void events.push({ event, payload }),
  });
  const applied: LoadedConfig[] = [];
  reloader.onApplied((c) => void applied.push(c));
  return { reloader, log, moves, events, health, closed, logging, applied, auth: () => auth };
}

describe('reload', () => {
  it('a hot change applies: logging reconfigured, hot parts told, clients told, nothing pending', () => {
    const t = setup();
    t.reloader.apply(loaded({ logging: { level: 'debug' } }), ['logging.level']);
    expect(t.reloader.config().logging.level).toBe('debug');
    expect(t.logging).toHaveLength(1);
    expect(t.applied).toHaveLength(1);
    expect(t.events[0]).toMatchObject({ event: 'config.reloaded', payload: { hotReloadStatus: 'ok', pendingRestartPaths: undefined } });
    expect(t.reloader.state).toMatchObject({ status: 'ok', pendingRestartPaths: undefined });
  });

  it('listener paths move the listener; once moved they are not pending', async () => {
    const t = setup();
    t.reloader.apply(loaded({ gateway: { port: 18800, auth: { mode: 'token', token: TOKEN } } }), ['gateway.port']);
    expect(t.reloader.state.pendingRestartPaths).toEqual(['gateway.port']);
    await new Promise((r) => setTimeout(r, 0));
    expect(t.moves).toEqual([18800]);
    expect(t.reloader.state.pendingRestartPaths).toBeUndefined();
    expect(t.health.at(-1)).toEqual({ localOnly: true });
  });

  it('a listener change that cannot be applied stays pending; other restart paths are pending until a restart', async () => {
    const t = setup(loaded({}), { kind: 'pinned' });
    t.reloader.apply(loaded({ gateway: { port: 18800, auth: { mode: 'token', token: TOKEN } }, canvasHost: { port: 18801 } }), []);
    await new Promise((r) => setTimeout(r, 0));
    expect(t.reloader.state.pendingRestartPaths).toEqual(['gateway.port', 'canvasHost.port']);
    expect(t.log.lines.some((l) => l.level === 'warn' && /command line overrides them/.test(l.msg))).toBe(true);
  });

  it('the auth rule holds on every reload: refused, status invalid, the running auth kept', () => {
    const t = setup();
    t.reloader.apply(loaded({ gateway: { bind: 'lan', auth: { mode: 'none' } } }), ['gateway.bind', 'gateway.auth.mode']);
    expect(t.reloader.state.status).toBe('invalid');
    expect(t.reloader.state.lastError).toMatch(/^config reload refused: refusing to listen on 0.0.0.0 without authentication.*keeps its current authentication$/);
    expect(t.auth()).toEqual({ mode: 'token', token: TOKEN });
    expect(t.moves).toEqual([]);
    expect(t.health).toHaveLength(1);
  });

  it('the same file as the running config after an invalid one resets the status and says so', () => {
    const initial = loaded({});
    const t = setup(initial);
    t.reloader.fail(new ConfigError('/x', [{ path: 'gateway.x', message: 'unknown key' }] as never));
    expect(t.reloader.state).toMatchObject({ status: 'invalid', lastError: expect.stringMatching(/gateway\.x/) });
    expect(t.log.lines.some((l) => l.msg === 'config reload skipped (invalid config)')).toBe(true);
    t.reloader.apply(initial, []);
    expect(t.reloader.state).toMatchObject({ status: 'ok', lastError: undefined });
    expect(t.log.lines.some((l) => l.msg === 'config file matches the running config again')).toBe(true);
    expect(t.health).toHaveLength(2);
  });

  it('reload mode off applies nothing and lists the changes as pending', () => {
    const t = setup();
    t.reloader.apply(loaded({ gateway: { reload: { mode: 'off' }, auth: { mode: 'token', token: TOKEN } }, logging: { level: 'debug' } }), ['gateway.reload.mode', 'logging.level']);
    expect(t.reloader.state).toMatchObject({ status: 'off', pendingRestartPaths: ['gateway.reload.mode', 'logging.level'] });
    expect(t.reloader.config().logging.level).not.toBe('debug');
    expect(t.applied).toHaveLength(0);
  });

  it('an auth change closes connections using the old credential and switches the running auth', () => {
    const t = setup();
    t.reloader.apply(loaded({ gateway: { auth: { mode: 'token', token: 'second-token-0123456789' } } }), ['gateway.auth.token']);
    expect(t.closed).toHaveLength(1);
    expect(t.auth().token).toBe('second-token-0123456789');
    expect(t.log.lines.some((l) => l.msg === 'gateway auth changed; closed connections using the old credential')).toBe(true);
  });
});
