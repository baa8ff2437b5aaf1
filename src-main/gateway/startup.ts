import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_GATEWAY_PORT } from '../../src-shared/protocol/index.js';
import { formatConfig, loadConfigFile, resolveConfigPaths, writeConfigAtomic, type ConfigPaths, type LoadedConfig } from '../config/index.js';
import type { ResolvedConfig } from '../config/resolve.js';
import { createLogger, type Logger, type LoggingSettings } from '../logging/index.js';
import { createModelSetupReporter, describeModelSetup, type ModelSetup } from '../agents/model-setup.js';
import type { LegacyCanvasListener, NodesRuntime } from '../nodes/runtime-types.js';
import { installEarlyPluginCheck } from './plugin-wiring.js';
import { StartupError } from './listener.js';
import type { StartGatewayOptions } from './start-types.js';
import { loadStorageBackend } from '../plugins/storage-loader.js';
import { MIGRATIONS } from '../store/migrations/index.js';
import { openSqliteStore } from '../store/sqlite-store.js';
import { SchemaTooNewError, StoreOpenError, type Store } from '../store/types.js';
import { guardStore, type GuardedStore } from '../store/store-guard.js';

/**
 * The config a start runs with: the paths of its profile, a starter file on the very first start, and the
 * file loaded and checked (plugin channels against the manifests, before any plugin code runs). Throws the
 * config error, so nothing listens on a config that does not hold.
 */
export function loadStartupConfig(opts: StartGatewayOptions, env: NodeJS.ProcessEnv, packageRoot: string): { paths: ConfigPaths; loaded: LoadedConfig; starterConfigWritten: boolean } {
  const paths = resolveConfigPaths({ profile: opts.profile, env });
  const starterConfigWritten = writeStarterConfig(paths.configPath, paths.legacyConfigPath, env, { port: opts.port !== undefined, bind: opts.bind !== undefined || opts.host !== undefined });
  const removeEarlyCheck = installEarlyPluginCheck({ stateDir: paths.stateDir, configPath: paths.configPath, packageRoot });
  const loaded = loadConfigFile(paths.configPath, env, { legacyConfigPath: paths.legacyConfigPath });
  removeEarlyCheck();
  if (!loaded.ok) throw loaded.error;
  assertLocalMode(loaded.resolved.gateway);
  return { paths, loaded, starterConfigWritten };
}

/**
 * `gateway.mode: "remote"` means this machine uses a gateway elsewhere: starting one here as well would
 * split the user's sessions and channels between two gateways, so it is refused with the way out.
 */
export function assertLocalMode(gateway: Pick<ResolvedConfig['gateway'], 'mode' | 'remote'>): void {
  if (gateway.mode !== 'remote') return;
  const where = gateway.remote?.url ? `the gateway at ${gateway.remote.url}` : 'a remote gateway (gateway.remote.url is not set yet)';
  throw new StartupError(`gateway.mode is "remote": this machine uses ${where} and starts no gateway of its own. To run one here, set gateway.mode to "local" (openclaw config set gateway.mode local).`);
}

/**
 * First start: write a small, valid config so `openclaw config get gateway.port`
 * answers and the user has a file to edit. Never overwrites, never when a
 * legacy file exists (it is read instead) or the config is read-only. A port
 * or address given for this run (`--port`, `--bind`, `--host`, the environment)
 * is not written: the file holds only defaults nobody overrode.
 */
export function writeStarterConfig(configPath: string, legacyPath: string, env: NodeJS.ProcessEnv, given: { port?: boolean; bind?: boolean } = {}): boolean {
  if (env.OPENCLAW_CONFIG_READONLY === '1' || existsSync(configPath) || existsSync(legacyPath)) return false;
  const portGiven = given.port || Boolean(env.OPENCLAW_GATEWAY_PORT);
  const gateway = { mode: 'local', ...(portGiven ? {} : { port: DEFAULT_GATEWAY_PORT }), ...(given.bind ? {} : { bind: 'loopback' }), auth: { mode: 'token' } };
  writeConfigAtomic(configPath, formatConfig({ gateway }), { backup: false });
  return true;
}

export function loggingSettings(cfg: ResolvedConfig, profile: string | undefined, consoleLogs: boolean): LoggingSettings {
  return {
    level: cfg.logging.level,
    consoleLevel: cfg.logging.consoleLevel,
    file: cfg.logging.file,
    maxFileBytes: cfg.logging.maxFileBytes,
    profile,
    console: consoleLogs,
    consoleStyle: cfg.logging.consoleStyle === 'json' ? 'json' : 'pretty',
  };
}

/** The gateway cannot start because its state cannot be opened; the message names the cause and the fix. */
export class StateStoreOpenError extends Error {
  override readonly name = 'StateStoreOpenError';
}

/**
 * Opens the state store `storage.backend` names (SQLite in the state dir by default, or a storage plugin
 * such as PostgreSQL) under its guard; `onHealthChange` hears when it fails or recovers, `onFail` when it
 * cannot open.
 */
export async function openStateStore(
  o: { stateDir: string; packageRoot: string; config: Pick<ResolvedConfig, 'storage' | 'plugins'> },
  hooks: { onHealthChange(): void; onFail(): void },
): Promise<GuardedStore> {
  const log = createLogger('store');
  try {
    const backend = o.config.storage?.backend ?? 'sqlite';
    const opened =
      backend === 'sqlite'
        ? openSqliteStore(join(o.stateDir, 'state', 'openclaw.sqlite'))
        : await openPluginStore(backend, o, log);
    if (backend !== 'sqlite') log.info('state store opened', { backend, at: opened.path });
    return guardStore(opened, { log, backup: opened.backup?.bind(opened), onHealthChange: hooks.onHealthChange });
  } catch (err) {
    hooks.onFail();
    throw err;
  }
}

async function openPluginStore(backend: string, o: { stateDir: string; packageRoot: string; config: Pick<ResolvedConfig, 'storage' | 'plugins'> }, log: Logger): Promise<Store> {
  const settings = (o.config.storage as Record<string, unknown> | undefined)?.[backend];
  if (settings === undefined) throw new StateStoreOpenError(`storage.backend is "${backend}" but storage.${backend} is not set: add its settings (for postgres at least storage.postgres.url)`);
  const factory = await loadStorageBackend(backend, { bundledDir: join(o.packageRoot, 'extensions'), stateDir: o.stateDir, paths: o.config.plugins?.load?.paths }, log);
  const dataDir = join(o.stateDir, 'plugins', 'storage');
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  try {
    return await factory.create({ config: settings, migrations: MIGRATIONS, dataDir, log });
  } catch (err) {
    if (err instanceof StoreOpenError || err instanceof SchemaTooNewError) throw new StateStoreOpenError(`cannot open the ${backend} state store: ${err.message}`, { cause: err });
    throw new StateStoreOpenError(`cannot open the ${backend} state store: ${(err as Error).message}`, { cause: err });
  }
}

/** The legacy separate canvas port, only when configured (the canvas is always on the gateway port too), with the gateway port's TLS. */
export async function listenLegacyCanvas(
  nodes: Pick<NodesRuntime, 'listenLegacyCanvas'>,
  port: number | undefined,
  host: string,
  log: Logger,
  tls?: { cert: string; key: string },
): Promise<LegacyCanvasListener | undefined> {
  if (!port) return undefined;
  try {
    return await nodes.listenLegacyCanvas(port, host, tls);
  } catch (err) {
    log.error('could not listen on canvasHost.port; the canvas stays on the gateway port', { port, err: (err as Error).message });
    return undefined;
  }
}

/**
 * The model setup as it is now, for `health` (which clients poll): worked out at start and after each
 * reload, since it depends on the config only; each problem is logged once when it appears.
 */
export function watchModelSetup(o: { config(): ResolvedConfig; stateDir: string; log: Logger; onApplied(fn: () => void): unknown }): () => ModelSetup {
  const report = createModelSetupReporter(o.log);
  let current = describeModelSetup(o.config(), o.stateDir);
  report(current);
  o.onApplied(() => {
    current = describeModelSetup(o.config(), o.stateDir);
    report(current);
  });
  return () => current;
}
