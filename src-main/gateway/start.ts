import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  ALL_OPERATOR_SCOPES,
  CloseCodes,
  DEFAULT_GATEWAY_PORT,
  EVENTS,
  METHODS,
  MAX_BUFFERED_BYTES,
  MAX_PAYLOAD_BYTES,
  PROTOCOL_VERSION,
  TICK_INTERVAL_MS,
  type HelloOk,
  type MethodResult,
} from '../../src-shared/protocol/index.js';
import { ConfigError, formatConfig, loadConfigFile, resolveConfigPaths, watchConfig, writeConfigAtomic, type ConfigWatcher, type LoadedConfig } from '../config/index.js';
import type { ResolvedConfig } from '../config/resolve.js';
import { configureLogging, createLogger, currentLogFile, type LoggingSettings } from '../logging/index.js';
import { openSqliteStore } from '../store/sqlite-store.js';
import { guardStore, type GuardedStore } from '../store/store-guard.js';
import { VERSION } from '../version.js';
import { AuthRateLimiter } from './auth-rate-limit.js';
import { authPolicyViolation, isLoopbackHost } from './auth-policy.js';
import { createDispatcher, type CallContext } from './dispatcher.js';
import { toErrorShape } from './errors.js';
import { ensureGatewayToken } from './gateway-token.js';
import { authenticateConnect, fingerprintSecret, type AuthSettings } from './handshake.js';
import { configHandlers } from './handlers/config.js';
import { tailLogFile } from './handlers/logs.js';
import { usageHandlers } from './handlers/usage.js';
import { systemHandlers } from './handlers/system.js';
import { createHttpHandler } from './http.js';
import { createHttpApi } from './http-api.js';
import { createConversation } from './conversation.js';
import { createNodesRuntime } from './nodes-runtime.js';
import { createChannelsRuntime, type ChannelsRuntime } from './channels-runtime.js';
import type { ChannelPlugin } from '../../src-shared/domain/channel.js';
import { editConfigFile } from '../config/write.js';
import type { AgentTool } from '../agents/tools/types.js';
import { acquireInstanceLock } from './instance-lock.js';
import { GatewayServer, handshakeTimeoutFromEnv } from './server.js';
import { buildHealth, buildStatus, type ReloadState } from './snapshots.js';
import { pluginHandlers } from './handlers/plugins.js';
import { pluginMethod } from './plugin-methods.js';
import { createPluginsRuntime } from '../plugins/runtime.js';
import { staticChannelChecker } from '../plugins/static-check.js';
import { toAgentTools } from '../plugins/agent-tools.js';
import type { PluginsConfig } from '../plugins/types.js';
import { createToolRegistry } from '../agents/tools/registry.js';
import { BUILT_IN_CHANNEL_IDS, CHANNEL_SHARED_KEYS } from '../../src-shared/domain/config-schema.js';
import { parseConfigText, readConfigText } from '../config/load.js';
import { setChannelIdsChecker } from '../config/channel-check.js';

// JSON Schema properties (TypeBox's markers dropped) every plugin channel accepts besides its own.
const SHARED_CHANNEL_KEYS = JSON.parse(JSON.stringify(CHANNEL_SHARED_KEYS)) as Record<string, Record<string, unknown>>;

export interface StartGatewayOptions {
  profile?: string;
  port?: number;
  bind?: 'loopback' | 'lan' | 'tailnet' | 'custom';
  host?: string;
  env?: NodeJS.ProcessEnv;
  rendererDir?: string;
  /** Write log lines to stderr too (the foreground CLI does). */
  consoleLogs?: boolean;
  /** Tests shorten the tick; the advertised policy follows. */
  tickIntervalMs?: number;
  /** Replace the built-in agent tools (tests, benchmarks). */
  tools?: AgentTool[];
  providerTimeoutMs?: number;
  /** Channel plugins that replace built-ins of the same id (tests drive platform fakes through them). */
  channelPlugins?: ChannelPlugin[];
  /** Restart backoff for channel accounts (tests shorten it). */
  channelBackoff?: { initialMs?: number; maxMs?: number };
  /** Delivery retry tuning (tests shorten it). */
  deliveryRetry?: { retryBaseMs?: number; maxRetryAfterMs?: number; waitForChannelMs?: number };
  /** Platform name channels check against (tests run macOS-only channels elsewhere). */
  platform?: string;
}

/** In-process client for the desktop shell: the same dispatcher and validation as WS, full operator scopes. */
export interface LocalClient {
  call(method: string, params?: unknown): Promise<{ ok: true; value: unknown } | { ok: false; error: { code: string; message: string; details?: unknown } }>;
  onEvent(fn: (event: string, payload: unknown) => void): () => void;
  close(): void;
}

export interface RunningGateway {
  port: number;
  host: string;
  httpUrl: string;
  wsUrl: string;
  stateDir: string;
  configPath: string;
  /** Where the generated token is stored, when one was generated. */
  tokenPath?: string;
  authMode: string;
  createLocalClient(): LocalClient;
  /** Resolves when no inbound message is queued or being answered, and no reply is due to go out. */
  queueIdle(): Promise<void>;
  close(reason?: string): Promise<void>;
}

/** A refusal to start, with a message meant for the user as is. */
export class StartupError extends Error {
  override readonly name = 'StartupError';
}

const PACKAGE_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

function bindHost(cfg: ResolvedConfig, opts: StartGatewayOptions): string {
  if (opts.host) return opts.host;
  const bind = opts.bind ?? cfg.gateway.bind;
  switch (bind) {
    case 'loopback':
      return '127.0.0.1';
    case 'lan':
      return '0.0.0.0';
    case 'custom':
      if (!cfg.gateway.customBindHost) throw new StartupError('gateway.bind is "custom" but gateway.customBindHost is not set');
      return cfg.gateway.customBindHost;
    default:
      throw new StartupError(`gateway.bind "${bind}" needs the Tailscale address: use bind "custom" with gateway.customBindHost set to your tailnet IP`);
  }
}

/**
 * First start: write a small, valid config so `openclaw config get gateway.port`
 * answers and the user has a file to edit. Never overwrites, never when a
 * legacy file exists (it is read instead) or the config is read-only.
 */
function writeStarterConfig(configPath: string, legacyPath: string, env: NodeJS.ProcessEnv): boolean {
  if (env.OPENCLAW_CONFIG_READONLY === '1' || existsSync(configPath) || existsSync(legacyPath)) return false;
  writeConfigAtomic(configPath, formatConfig({ gateway: { mode: 'local', port: DEFAULT_GATEWAY_PORT, bind: 'loopback', auth: { mode: 'token' } } }), { backup: false });
  return true;
}

/** WebSocket URLs other machines can use: the bound address, or every non-internal IPv4 address when bound to all. */
function lanUrls(host: string, port: number): string[] {
  if (isLoopbackHost(host)) return [];
  if (host !== '0.0.0.0' && host !== '::') return [`ws://${host.includes(':') ? `[${host}]` : host}:${port}`];
  return Object.values(networkInterfaces())
    .flat()
    .filter((i): i is NonNullable<typeof i> => !!i && i.family === 'IPv4' && !i.internal)
    .map((i) => `ws://${i.address}:${port}`);
}

/** Host as it goes into a URL a local client can open. */
const displayHost = (h: string) => (h === '0.0.0.0' ? '127.0.0.1' : h.includes(':') ? `[${h}]` : h);


function loggingSettings(cfg: ResolvedConfig, profile: string | undefined, consoleLogs: boolean): LoggingSettings {
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

/**
 * The composition root: config, logging, lock, store, dispatcher, server and
 * config watcher, wired once. `openclaw gateway` and the desktop app both call it.
 */
export async function startGateway(opts: StartGatewayOptions = {}): Promise<RunningGateway> {
  const startedAtMs = Date.now();
  const env = opts.env ?? process.env;
  const paths = resolveConfigPaths({ profile: opts.profile, env });
  const starterConfigWritten = writeStarterConfig(paths.configPath, paths.legacyConfigPath, env);
  // Plugin channel ids are checked against the manifests from the first load on (no plugin code runs yet).
  const early = parseConfigText(readConfigText(paths.configPath));
  const bundledExtensions = join(PACKAGE_ROOT, 'extensions');
  let restoreChannelCheck = setChannelIdsChecker(
    staticChannelChecker({ stateDir: paths.stateDir, bundledDir: bundledExtensions, plugins: early.ok ? (early.value as { plugins?: PluginsConfig }).plugins : undefined, builtInIds: BUILT_IN_CHANNEL_IDS, sharedKeys: SHARED_CHANNEL_KEYS }),
  );
  const loaded = loadConfigFile(paths.configPath, env, { legacyConfigPath: paths.legacyConfigPath });
  if (!loaded.ok) restoreChannelCheck();
  if (!loaded.ok) throw loaded.error;
  let applied: LoadedConfig = loaded;
  const cfg = (): ResolvedConfig => applied.resolved;
  const consoleLogs = opts.consoleLogs ?? false;
  configureLogging(loggingSettings(cfg(), paths.profile, consoleLogs));
  const log = createLogger('gateway');
  for (const w of loaded.warnings) log.warn(w);
  const plugins = createPluginsRuntime({
    stateDir: paths.stateDir,
    bundledDir: bundledExtensions,
    config: () => cfg(),
    log: createLogger('plugins'),
    childEntry: join(PACKAGE_ROOT, 'out', 'plugin-child', 'plugin-child.mjs'),
    reserved: { tools: createToolRegistry().map((t) => t.name), methods: Object.keys(METHODS), channels: BUILT_IN_CHANNEL_IDS },
    sharedChannelKeys: SHARED_CHANNEL_KEYS,
    electron: Boolean(process.versions.electron),
  });
  restoreChannelCheck();
  restoreChannelCheck = setChannelIdsChecker(plugins.checkChannelIds);

  const port = opts.port ?? cfg().gateway.port;
  let host = bindHost(cfg(), opts);
  let loopbackOnly = isLoopbackHost(host);

  // Fail closed before anything listens.
  let generatedToken: { token: string; path: string; created: boolean } | undefined;
  const authFromConfig = (c: ResolvedConfig): AuthSettings => {
    const a = c.gateway.auth;
    if (a.mode === 'token' && !a.token) {
      generatedToken ??= ensureGatewayToken(paths.stateDir);
      return { mode: 'token', token: generatedToken.token };
    }
    return { mode: a.mode, token: a.token, password: a.password };
  };
  let auth = authFromConfig(cfg());
  const authViolation = authPolicyViolation(auth, [host]);
  if (authViolation) throw new StartupError(authViolation);

  let lock: ReturnType<typeof acquireInstanceLock>;
  try {
    lock = acquireInstanceLock({ stateDir: paths.stateDir, port });
  } catch (err) {
    restoreChannelCheck();
    throw err;
  }
  let storeGuard: GuardedStore;
  try {
    const opened = openSqliteStore(join(paths.stateDir, 'state', 'openclaw.sqlite'));
    storeGuard = guardStore(opened, { log: createLogger('store'), backup: opened.backup?.bind(opened), onHealthChange: () => pushHealth() });
  } catch (err) {
    lock.release();
    restoreChannelCheck();
    throw err;
  }
  const store = storeGuard.store;

  const bootId = randomUUID();
  const limiter = new AuthRateLimiter(() => cfg().gateway.auth.rateLimit);
  const reload: ReloadState = { mode: cfg().gateway.reload.mode, appliedHash: applied.hash, status: cfg().gateway.reload.mode === 'off' ? 'off' : 'ok' };
  const stateVersion = { presence: 0, health: 0 };
  const localListeners = new Set<(event: string, payload: unknown) => void>();
  let ready = false;

  // Session counts for health: one grouped count, reused for a second (health is polled, and often).
  let counts: { at: number; value: Record<string, number> } = { at: 0, value: {} };
  const sessionCounts = () => {
    const now = Date.now();
    if (now - counts.at > 1000) {
      try {
        counts = { at: now, value: store.sessions.countByAgent() };
      } catch {
        counts.at = now; // the store reports its own failure in health
      }
    }
    return counts.value;
  };
  const snapshotDeps = () => ({ cfg: cfg(), reload, startedAtMs, version: VERSION, sessionCounts, channels: () => channels!.manager.status(), storage: () => storeGuard.health(), plugins: () => plugins.health() });
  const health = (): MethodResult<'health'> => buildHealth(snapshotDeps());
  const pushHealth = (): void => {
    stateVersion.health++;
    if (ready) emit('health', health());
  };

  // eslint-disable-next-line prefer-const -- assigned after the dispatcher that refers to it
  let server: GatewayServer;
  const emit = (event: string, payload: unknown): void => {
    server.broadcast(event, payload);
    for (const fn of localListeners) fn(event, payload);
  };
  const publicUrl = () => `http://${host.includes(':') ? `[${host}]` : host === '0.0.0.0' ? '127.0.0.1' : host}:${boundPort}/`;

  const applyConfig = (next: LoadedConfig, changedPaths: string[]): void => {
    if (next.hash === applied.hash) {
      // The file went back to what is running (after an invalid or refused edit): nothing to apply, but say so.
      if (reload.status === 'invalid') {
        reload.status = 'ok';
        reload.lastError = undefined;
        log.info('config file matches the running config again');
        stateVersion.health++;
        emit('health', health());
      }
      return;
    }
    const mode = next.resolved.gateway.reload.mode;
    const nextAuth = authFromConfig(next.resolved);
    // The same rule as at start, for the address we listen on and the one this config would move us to.
    const violation = authPolicyViolation(nextAuth, listenerDiff(next.resolved).length && !listenerPinned() ? [host, bindHostOrSelf(next.resolved)] : [host]);
    if (violation) return reloadRefused(`config reload refused: ${violation}; the running gateway keeps its current authentication`);
    if (mode === 'off') {
      reload.status = 'off';
      reload.pendingRestartPaths = changedPaths;
      log.info('config changed; reload mode is off, restart to apply', { changedPaths });
      return;
    }
    applied = next;
    reload.mode = mode;
    reload.status = 'ok';
    reload.appliedHash = next.hash;
    reload.lastReloadAtMs = Date.now();
    reload.lastError = undefined;
    // Listener settings differ from what the socket was bound with (kept until applied, whatever else changes).
    const restartPaths = listenerDiff(next.resolved);
    reload.pendingRestartPaths = restartPaths.length ? restartPaths : undefined;
    configureLogging(loggingSettings(next.resolved, paths.profile, consoleLogs));
    const secretChanged = (kind: 'token' | 'password') => {
      const before = kind === 'token' ? auth.token : auth.password;
      const after = kind === 'token' ? nextAuth.token : nextAuth.password;
      return nextAuth.mode !== auth.mode || before !== after;
    };
    if (nextAuth.mode !== auth.mode || secretChanged('token') || secretChanged('password')) {
      const keepFingerprint = nextAuth.mode === 'token' && nextAuth.token ? fingerprintSecret(nextAuth.token) : nextAuth.mode === 'password' && nextAuth.password ? fingerprintSecret(nextAuth.password) : '';
      const dropped = server.closeWhere(
        (c) => {
          const k = c.grant?.credential.kind;
          return (k === 'token' || k === 'password' || k === 'none') && (c.grant!.credential.fingerprint !== keepFingerprint || k !== nextAuth.mode);
        },
        CloseCodes.AUTH_CHANGED,
        'gateway auth changed',
      );
      log.info('gateway auth changed; closed connections using the old credential', { dropped, mode: nextAuth.mode });
    }
    auth = nextAuth;
    for (const w of next.warnings) log.warn(w);
    log.info('config reloaded', { changedPaths, pendingRestart: restartPaths.length ? restartPaths : undefined });
    if (restartPaths.length) void relisten(next.resolved, restartPaths);
    // Each channel account compares its own settings: only changed accounts restart.
    void channels?.manager.apply();
    void plugins.applyConfig().catch((err: unknown) => log.error('applying plugin settings failed', { err }));
    stateVersion.health++;
    emit('config.reloaded', { hotReloadStatus: reload.status, mode: reload.mode, appliedHash: reload.appliedHash, lastReloadAtMs: reload.lastReloadAtMs, pendingRestartPaths: reload.pendingRestartPaths });
    emit('health', health());
  };

  let listenerConfig = { port: cfg().gateway.port, bind: cfg().gateway.bind, customBindHost: cfg().gateway.customBindHost };
  const listenerDiff = (c: ResolvedConfig): string[] =>
    (['port', 'bind', 'customBindHost'] as const).filter((k) => c.gateway[k] !== listenerConfig[k]).map((k) => `gateway.${k}`);

  /**
   * Hybrid reload of the listener: port and bind changes move the gateway in
   * process (clients are told with 1012 and reconnect). A flag on the command
   * line wins over the file, so such a change stays pending, as does one that
   * would be unsafe (no auth beyond loopback) or fails to bind.
   */
  const listenerPinned = () => opts.port !== undefined || opts.host !== undefined || opts.bind !== undefined;
  const bindHostOrSelf = (next: ResolvedConfig): string => {
    try {
      return bindHost(next, opts);
    } catch {
      return host;
    }
  };
  const relisten = async (next: ResolvedConfig, paths: string[]): Promise<void> => {
    if (listenerPinned()) {
      log.warn('listener settings changed in the config but the command line overrides them; restart without the flags to apply', { paths });
      return;
    }
    let wantHost: string;
    try {
      wantHost = bindHost(next, opts);
    } catch (err) {
      log.error('cannot apply the new listener settings', { err: (err as Error).message });
      return;
    }
    const wantPort = next.gateway.port;
    const applied = () => {
      listenerConfig = { port: next.gateway.port, bind: next.gateway.bind, customBindHost: next.gateway.customBindHost };
      reload.pendingRestartPaths = undefined;
    };
    if (wantHost === host && wantPort === boundPort) return applied();
    const violation = authPolicyViolation(auth, [wantHost]);
    if (violation) {
      log.error('keeping the current address', { host: wantHost, reason: violation });
      return;
    }
    try {
      boundPort = (await server.rebind(wantPort, wantHost)).port;
      host = wantHost;
      loopbackOnly = isLoopbackHost(wantHost);
      lock.update(boundPort);
      applied();
      log.info('gateway moved to a new address', { url: `ws://${displayHost(host)}:${boundPort}` });
    } catch (err) {
      reload.lastError = `could not listen on ${wantHost}:${wantPort}: ${(err as Error).message}; still on ${displayHost(host)}:${boundPort}`;
      log.error('could not move the listener; kept the old address', { host: wantHost, port: wantPort, err: (err as Error).message });
    }
    stateVersion.health++;
    for (const fn of localListeners) fn('health', health());
  };

  const reloadFailed = (err: ConfigError): void => {
    reload.status = 'invalid';
    reload.lastError = err.message;
    log.error('config reload skipped (invalid config)', { path: err.path, issues: err.issues });
    stateVersion.health++;
    emit('health', health());
  };
  const reloadRefused = (message: string): void => {
    reload.status = 'invalid';
    reload.lastError = message;
    log.error(message);
    stateVersion.health++;
    emit('health', health());
  };

  const reloadNow = (): void => {
    const r = loadConfigFile(paths.configPath, env);
    if (r.ok) applyConfig(r, []);
    else reloadFailed(r.error);
  };

  const presence = () => server.connections().map((c) => c.presence());
  let presenceTimer: NodeJS.Timeout | undefined;
  // eslint-disable-next-line prefer-const -- built below; the conversation's tools reach it lazily
  let nodes: ReturnType<typeof createNodesRuntime> | undefined;
  // eslint-disable-next-line prefer-const -- built below: channels feed the conversation and the conversation answers through them
  let channels: ChannelsRuntime | undefined;
  const conversation = createConversation({
    accessGate: (msg) => channels!.access.gate(msg),
    enqueueReply: (reply, sessionKey) => channels!.enqueueReply(reply, sessionKey),
    onTurnStart: (m) => void channels!.manager.typing(m.channel, m.accountId, m.peer, m.topicId ?? m.threadId).catch(() => undefined),
    sendMessage: async (o) => {
      const r = await channels!.send({ channel: o.channel, accountId: o.accountId, to: o.to, message: o.text });
      return { ...(r.messageId ? { messageId: r.messageId } : {}) };
    },
    store,
    config: cfg,
    stateDir: paths.stateDir,
    emit,
    log,
    tools: opts.tools,
    providerTimeoutMs: opts.providerTimeoutMs,
    nodes: () =>
      nodes && {
        list: () => nodes!.listNodes(),
        invoke: (req) => nodes!.registry.invoke({ ...req, idempotencyKey: randomUUID() }),
      },
    canvas: () => nodes?.canvas,
    extraTools: () => toAgentTools(plugins.registry.tools()),
    beforeToolCall: (e) => plugins.beforeToolCall(e),
    beforeTurn: (e) => plugins.beforeTurn(e),
  });
  nodes = createNodesRuntime({
    reachableUrls: () => ({ urls: lanUrls(host, boundPort), loopbackOnly }),
    store,
    emit,
    connections: () => server.connections(),
    close: (pred, code, reason) => server.closeWhere(pred, code, reason),
    commandPolicy: () => ({ allow: cfg().gateway.nodes?.allowCommands ?? [], deny: cfg().gateway.nodes?.denyCommands ?? [] }),
    stateDir: paths.stateDir,
    httpBaseUrl: () => publicUrl(),
    nodePageDir: join(PACKAGE_ROOT, 'out', 'node-page'),
    log: log.child('nodes'),
  });
  channels = createChannelsRuntime({
    config: cfg,
    stateDir: paths.stateDir,
    store,
    log: log.child('channels'),
    emit,
    ingest: (msg, o) => ({ duplicate: conversation.ingestInbound(msg, o).duplicate }),
    seedOwner: async (entry) => {
      editConfigFile(paths.configPath, env, (c) => ({ ...c, commands: { ...c.commands, ownerAllowFrom: [entry] } }), { legacyConfigPath: paths.legacyConfigPath });
      reloadNow();
    },
    plugins: opts.channelPlugins,
    backoff: opts.channelBackoff,
    delivery: opts.deliveryRetry,
    skip: env.OPENCLAW_SKIP_CHANNELS === '1',
    platform: opts.platform,
  });
  const dispatcher = createDispatcher({
    ...conversation.handlers,
    ...channels.handlers,
    ...nodes.handlers,
    ...systemHandlers({
      health,
      status: (includeHost) =>
        buildStatus({
          ...snapshotDeps(),
          includeHost,
          gateway: { port: boundPort, bind: cfg().gateway.bind, host, url: `ws://${host === '0.0.0.0' ? '127.0.0.1' : host}:${boundPort}`, authMode: auth.mode, controlUiUrl: publicUrl() },
          connections: server.connections().map((c) => c.grant?.role ?? ''),
          host: {
            stateDir: paths.stateDir,
            configPath: paths.configPath,
            logFile: currentLogFile(),
            storePath: store.path,
            storeSchemaVersion: store.schemaVersion(),
            ...(generatedToken ? { tokenPath: generatedToken.path } : {}),
            firstStart: starterConfigWritten || Boolean(generatedToken?.created),
          },
        }),
      presence,
    }),
    ...configHandlers({ configPath: paths.configPath, env, appliedHash: () => applied.hash, reloadNow }),
    'logs.tail': (params) => tailLogFile(currentLogFile(), params),
    ...usageHandlers({ store, agentIds: () => Object.keys(cfg().agents.entries) }),
    ...pluginHandlers({ plugins, configPath: paths.configPath, legacyConfigPath: paths.legacyConfigPath, env, reloadNow }),
  }, { extra: (method) => pluginMethod(plugins.registry, method) });

  const rendererDir = opts.rendererDir ?? join(PACKAGE_ROOT, 'out', 'renderer');
  let boundPort = port;
  const tickIntervalMs = opts.tickIntervalMs ?? TICK_INTERVAL_MS;
  server = new GatewayServer({
    dispatcher,
    log: log.child('ws'),
    tickIntervalMs,
    handshakeTimeoutMs: handshakeTimeoutFromEnv(env.OPENCLAW_HANDSHAKE_TIMEOUT_MS),
    originPolicy: () => ({ port: boundPort, allowedOrigins: cfg().gateway.controlUi?.allowedOrigins ?? [], lanBind: !loopbackOnly }),
    authenticate: (params, conn) =>
      authenticateConnect({
        params,
        remoteAddress: conn.remoteAddress,
        isLoopback: conn.isLoopback,
        challengeNonce: conn.nonce,
        nowMs: Date.now(),
        auth,
        store,
        limiter,
        autoApproveCidrs: cfg().gateway.nodes?.pairing?.autoApproveCidrs ?? [],
        consumeBootstrapToken: (t) => nodes.bootstrap.consume(t),
        requestPairing: (r) =>
          nodes.pairing.request({
            deviceId: r.deviceId,
            publicKey: r.publicKey,
            role: r.role,
            scopes: r.scopes,
            reason: r.reason,
            clientId: r.params.client.id,
            clientMode: r.params.client.mode,
            platform: r.params.client.platform,
            displayName: r.params.client.displayName,
            remoteAddress: r.remoteAddress,
          }),
      }),
    hello: (conn): HelloOk => ({
      type: 'hello-ok',
      // Nodes may still speak v3 (the handshake checked the range): answer in the highest version both speak.
      protocol: Math.min(PROTOCOL_VERSION, conn.params?.maxProtocol ?? PROTOCOL_VERSION),
      server: { version: VERSION, connId: conn.connId, bootId },
      features: { methods: [...dispatcher.methods], events: Object.keys(EVENTS) },
      snapshot: {
        // The roster of connected clients is operator information; a node (a phone, say) does not get it.
        presence: conn.grant?.role === 'operator' ? presence() : [],
        health: health(),
        stateVersion: { ...stateVersion },
        uptimeMs: Date.now() - startedAtMs,
        appliedConfigHash: applied.hash,
        ...(conn.grant?.scopes.includes('operator.admin') ? { configPath: paths.configPath, stateDir: paths.stateDir } : {}),
        authMode: auth.mode,
      },
      auth: {
        role: conn.grant!.role,
        scopes: conn.grant!.scopes,
        method: conn.grant!.method,
        ...(conn.grant!.deviceToken ? { deviceToken: conn.grant!.deviceToken, issuedAtMs: conn.grant!.issuedAtMs } : {}),
        ...(conn.grant!.deviceTokens ? { deviceTokens: conn.grant!.deviceTokens } : {}),
      },
      policy: { maxPayload: MAX_PAYLOAD_BYTES, maxBufferedBytes: MAX_BUFFERED_BYTES, tickIntervalMs },
      controlUiUrl: publicUrl(),
    }),
    handleHttp: createHttpHandler({
      rendererDir,
      isReady: () => ready,
      routes: nodes.routes,
      api: createHttpApi({
        config: cfg,
        stateDir: paths.stateDir,
        tools: conversation.tools,
        services: conversation.services,
        auth: () => auth,
        limiter,
        queue: conversation.queue,
        runs: conversation.runs,
        log: log.child('http'),
        pluginRoutes: () => plugins.registry.routes(),
        onEvent: (fn) => {
          localListeners.add(fn);
          return () => localListeners.delete(fn);
        },
      }),
    }),
    onConnectionOpen: (c) => nodes.onOpen(c),
    onConnectionClose: (c) => nodes.onClose(c),
    onPresenceChange: () => {
      stateVersion.presence++;
      // Coalesced, and for operators only: with thousands of nodes connecting, a roster per connect to every client is quadratic.
      if (presenceTimer) return;
      presenceTimer = setTimeout(() => {
        presenceTimer = undefined;
        const payload = { presence: presence() };
        for (const c of server.connections()) if (c.grant?.role === 'operator') c.sendEvent('presence', payload);
      }, 100);
      presenceTimer.unref();
    },
  });

  try {
    boundPort = (await server.listen(port, host)).port;
  } catch (err) {
    storeGuard.dispose();
    store.close();
    lock.release();
    restoreChannelCheck();
    if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new StartupError(`port ${port} on ${host} is already in use by another process; stop it or use --port <n> (or another --profile)`);
    }
    if ((err as NodeJS.ErrnoException).code === 'EACCES') throw new StartupError(`no permission to listen on ${host}:${port}`);
    throw err;
  }
  lock.update(boundPort);
  // The legacy separate canvas port, only when configured (the canvas is always on the gateway port too).
  let legacyCanvas: Awaited<ReturnType<typeof nodes.listenLegacyCanvas>> | undefined;
  const canvasPort = cfg().canvasHost?.port;
  if (canvasPort) {
    try {
      legacyCanvas = await nodes.listenLegacyCanvas(canvasPort, host);
    } catch (err) {
      log.error('could not listen on canvasHost.port; the canvas stays on the gateway port', { port: canvasPort, err: (err as Error).message });
    }
  }
  const { resumed } = conversation.queue.start();
  const stopMaintenance = conversation.startMaintenance();
  // Channels connect in the background; `channels.status` shows their progress. Replies left
  // in the outbox by a previous run go out as their channels come up.
  channels.start();
  // A plugin that loads or fails changes health: clients hear it at once.
  plugins.registry.onStateChange(() => pushHealth());
  plugins.start();
  ready = true;

  let watcher: ConfigWatcher | undefined = watchConfig(paths.configPath, env, {
    debounceMs: cfg().gateway.reload.debounceMs,
    initial: applied,
    onReload: (e) => (e.ok ? applyConfig(e.result, e.changedPaths) : reloadFailed(e.error)),
    onError: (err) => log.warn('config watcher problem', { err }),
  });
  await watcher.ready;

  const wsHost = host === '0.0.0.0' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  log.info('gateway listening', { url: `ws://${wsHost}:${boundPort}`, bind: host, authMode: auth.mode, pid: process.pid, startupMs: Date.now() - startedAtMs, resumedMessages: resumed });

  let closing: Promise<void> | undefined;
  return {
    port: boundPort,
    host,
    httpUrl: `http://${wsHost}:${boundPort}/`,
    wsUrl: `ws://${wsHost}:${boundPort}`,
    stateDir: paths.stateDir,
    configPath: paths.configPath,
    tokenPath: generatedToken?.path,
    authMode: auth.mode,
    async queueIdle() {
      await conversation.queue.idle();
      await channels!.outbox.idle();
    },
    createLocalClient(): LocalClient {
      const ctx: CallContext = { connId: `local-${randomUUID()}`, role: 'operator', scopes: ALL_OPERATOR_SCOPES, clientId: 'openclaw-desktop' };
      const mine = new Set<(event: string, payload: unknown) => void>();
      return {
        async call(method, params) {
          try {
            return { ok: true, value: await dispatcher.call(method, params, ctx) };
          } catch (err) {
            return { ok: false, error: toErrorShape(err) };
          }
        },
        onEvent(fn) {
          localListeners.add(fn);
          mine.add(fn);
          return () => {
            localListeners.delete(fn);
            mine.delete(fn);
          };
        },
        close() {
          for (const fn of mine) localListeners.delete(fn);
        },
      };
    },
    close(reason = 'gateway stopping') {
      closing ??= (async () => {
        ready = false;
        log.info('gateway stopping', { reason });
        await watcher?.close();
        watcher = undefined;
        stopMaintenance();
        await channels!.close();
        await conversation.queue.stop();
        await plugins.stop();
        restoreChannelCheck();
        await server.close(reason);
        clearTimeout(presenceTimer);
        await legacyCanvas?.close();
        storeGuard.dispose();
        store.close();
        lock.release();
      })();
      return closing;
    },
  };
}

