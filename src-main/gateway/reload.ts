import { CloseCodes } from '../../src-shared/protocol/index.js';
import { diffConfigPaths, reloadRuleFor } from '../../src-shared/domain/config-schema.js';
import type { ConfigError, LoadedConfig } from '../config/index.js';
import type { ResolvedConfig } from '../config/resolve.js';
import type { Logger } from '../logging/index.js';
import { authPolicyViolation } from './auth-policy.js';
import type { AuthState } from './auth-state.js';
import type { Connections } from './connections.js';
import { fingerprintSecret, type AuthSettings } from './handshake.js';
import type { Listener } from './listener.js';
import type { ReloadState } from './snapshots.js';

/** The running config and how reloads of it went. */
export interface Reloader {
  /** The config the gateway runs with. */
  config(): ResolvedConfig;
  applied(): LoadedConfig;
  /** For health and status. */
  readonly state: ReloadState;
  /** A new valid config (from the watcher or a `config.*` write). */
  apply(next: LoadedConfig, changedPaths: string[]): void;
  /** The file no longer validates: the running config stays. */
  fail(err: ConfigError): void;
  /** Hot parts that compare their own settings (channel accounts restart only when theirs changed); returns the unsubscribe function. */
  onApplied(fn: (next: LoadedConfig) => void): () => void;
}

export interface ReloaderDeps {
  initial: LoadedConfig;
  log: Logger;
  auth: AuthState;
  listener: Pick<Listener, 'hostsFor' | 'move'>;
  /** Used to close connections that authenticated with a credential that no longer holds. */
  connections: Pick<Connections, 'closeWhere'>;
  /** Logging follows the new config before anything else logs about the reload. */
  reconfigureLogging(next: ResolvedConfig): void;
  /** Health changed (`localOnly` after a listener move: WS clients reconnect and get a fresh snapshot). */
  healthChanged(opts?: { localOnly?: boolean }): void;
  /** Tells clients a reload was applied. */
  publish(event: string, payload: unknown): void;
}

type RestartSplit = { listener: string[]; other: string[] };

/** Changed paths the reload table says need a restart, split into those the listener applies in process and the rest. */
function restartPaths(before: ResolvedConfig, after: ResolvedConfig): RestartSplit {
  const out: RestartSplit = { listener: [], other: [] };
  for (const path of diffConfigPaths(before, after)) {
    const rule = reloadRuleFor(path);
    if (rule.kind !== 'restart') continue;
    (rule.listener ? out.listener : out.other).push(path);
  }
  return out;
}

/** Did the shared secret change in a way that invalidates connections made with the old one? */
function authChanged(before: AuthSettings, after: AuthSettings): boolean {
  return after.mode !== before.mode || before.token !== after.token || before.password !== after.password;
}

/**
 * Hot reload, driven by the one reload table (`RELOAD_RULES`): hot paths apply
 * at once, listener paths move the listener in process, other restart paths
 * wait for a restart and are reported as pending. The auth rule holds on every reload.
 */
export function createReloader(deps: ReloaderDeps): Reloader {
  const { log } = deps;
  let applied = deps.initial;
  const appliedListeners = new Set<(next: LoadedConfig) => void>();
  const mode = applied.resolved.gateway.reload.mode;
  const state: ReloadState = { mode, appliedHash: applied.hash, status: mode === 'off' ? 'off' : 'ok' };
  // What the process embodies for restart-kind settings: the config it started with, plus listener moves.
  let embodied = deps.initial.resolved;
  const pending = (next: ResolvedConfig) => {
    const { listener, other } = restartPaths(embodied, next);
    return [...listener, ...other];
  };

  const invalid = (message: string) => {
    state.status = 'invalid';
    state.lastError = message;
    deps.healthChanged();
  };

  const moveListener = async (next: ResolvedConfig, paths: string[]): Promise<void> => {
    const outcome = await deps.listener.move(next, deps.auth.current());
    switch (outcome.kind) {
      case 'pinned':
        log.warn('listener settings changed in the config but the command line overrides them; restart without the flags to apply', { paths });
        return;
      case 'unresolvable':
        log.error('cannot apply the new listener settings', { err: outcome.error });
        return;
      case 'unchanged':
      case 'moved':
        embodied = { ...embodied, gateway: { ...embodied.gateway, port: next.gateway.port, bind: next.gateway.bind, customBindHost: next.gateway.customBindHost } };
        state.pendingRestartPaths = pendingOrUndefined(pending(applied.resolved));
        if (outcome.kind === 'unchanged') return;
        break;
      case 'failed':
        state.lastError = outcome.error;
        break;
      case 'refused':
        return;
    }
    deps.healthChanged({ localOnly: true });
  };

  const dropStaleCredentials = (next: AuthSettings) => {
    const keep = next.mode === 'token' && next.token ? fingerprintSecret(next.token) : next.mode === 'password' && next.password ? fingerprintSecret(next.password) : '';
    const dropped = deps.connections.closeWhere(
      (c) => {
        const k = c.grant?.credential.kind;
        return (k === 'token' || k === 'password' || k === 'none') && (c.grant!.credential.fingerprint !== keep || k !== next.mode);
      },
      CloseCodes.AUTH_CHANGED,
      'gateway auth changed',
    );
    log.info('gateway auth changed; closed connections using the old credential', { dropped, mode: next.mode });
  };

  return {
    config: () => applied.resolved,
    applied: () => applied,
    state,
    apply(next, changedPaths) {
      if (next.hash === applied.hash) {
        // The file went back to what is running (after an invalid or refused edit): nothing to apply, but say so.
        if (state.status === 'invalid') {
          state.status = 'ok';
          state.lastError = undefined;
          log.info('config file matches the running config again');
          deps.healthChanged();
        }
        return;
      }
      const nextAuth = deps.auth.fromConfig(next.resolved);
      // The same rule as at start, for the address we listen on and the one this config would move us to.
      const violation = authPolicyViolation(nextAuth, deps.listener.hostsFor(next.resolved), next.resolved.gateway.trustedProxies);
      if (violation) {
        const message = `config reload refused: ${violation}; the running gateway keeps its current authentication`;
        log.error(message);
        return invalid(message);
      }
      const mode = next.resolved.gateway.reload.mode;
      if (mode === 'off') {
        state.status = 'off';
        state.pendingRestartPaths = changedPaths;
        log.info('config changed; reload mode is off, restart to apply', { changedPaths });
        return;
      }
      applied = next;
      Object.assign(state, { mode, status: 'ok', appliedHash: next.hash, lastReloadAtMs: Date.now(), lastError: undefined });
      const split = restartPaths(embodied, next.resolved);
      const restart = [...split.listener, ...split.other];
      state.pendingRestartPaths = pendingOrUndefined(restart);
      deps.reconfigureLogging(next.resolved);
      if (authChanged(deps.auth.current(), nextAuth)) dropStaleCredentials(nextAuth);
      deps.auth.set(nextAuth);
      for (const w of next.warnings) log.warn(w);
      log.info('config reloaded', { changedPaths, pendingRestart: pendingOrUndefined(restart) });
      if (split.listener.length) void moveListener(next.resolved, split.listener);
      for (const fn of [...appliedListeners]) fn(next);
      deps.publish('config.reloaded', { hotReloadStatus: state.status, mode: state.mode, appliedHash: state.appliedHash, lastReloadAtMs: state.lastReloadAtMs, pendingRestartPaths: state.pendingRestartPaths });
      deps.healthChanged();
    },
    onApplied(fn) {
      appliedListeners.add(fn);
      return () => void appliedListeners.delete(fn);
    },
    fail(err) {
      log.error('config reload skipped (invalid config)', { path: err.path, issues: err.issues });
      invalid(err.message);
    },
  };
}

const pendingOrUndefined = (paths: string[]) => (paths.length ? paths : undefined);
