import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfigFile, watchConfig } from '../config/index.js';
import { configureLogging, createLogger } from '../logging/index.js';
import { createNodesRuntime } from '../nodes/runtime.js';
import { AuthRateLimiter } from './auth-rate-limit.js';
import { createAuthState } from './auth-state.js';
import { ConnectionSet } from './connections.js';
import { createConversation } from './conversation.js';
import { createPersonMemories } from './person-memories.js';
import { createDispatcher } from './dispatcher.js';
import { createEventBus } from './event-bus.js';
import { gatewayHandlers } from './handlers/index.js';
import { serveStatic } from './http.js';
import { acquireInstanceLock } from './instance-lock.js';
import { createListener } from './listener.js';
import { publicReach } from '../nodes/reach.js';
import { loadGatewayTls, watchCertificateFiles } from './tls.js';
import { createLocalClient } from './local-client.js';
import { createReloader } from './reload.js';
import { wirePeers, type Peers } from './peers-wiring.js';
import { createGatewaySnapshots } from './snapshots-wiring.js';
import { createStateFeed } from './state-feed.js';
import { listenLegacyCanvas, loadStartupConfig, loggingSettings, openStateStore, watchModelSetup } from './startup.js';
import { pluginHandlers } from './handlers/plugins.js';
import { createGatewayPlugins } from './plugin-wiring.js';
import { createGatewayChannels } from './channels-wiring.js';
import { createGatewayServer } from './server-wiring.js';
import { createGatewayCron } from './cron-wiring.js';
import { createGatewayHeartbeats } from './heartbeat-wiring.js';
import type { RunningGateway, StartGatewayOptions } from './start-types.js';
import { createSessionSubscriptions, subscribedBroadcast } from './session-subscriptions.js';

export { StartupError } from './listener.js';
export type { LocalClient } from './local-client.js';
export type { GatewayExtensions, RunningGateway, StartGatewayOptions } from './start-types.js';

const PACKAGE_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * The composition root: builds each part in dependency order and hands it the
 * ports it needs. `openclaw gateway` and the desktop app both call it.
 */
export async function startGateway(opts: StartGatewayOptions = {}): Promise<RunningGateway> {
  const startedAtMs = Date.now();
  const env = opts.env ?? process.env;
  const ext = opts.extensions ?? {};
  const { paths, loaded, starterConfigWritten } = loadStartupConfig(opts, env, PACKAGE_ROOT);
  const logSettings = (c: typeof loaded.resolved) => loggingSettings(c, paths.profile, opts.consoleLogs ?? false);
  configureLogging(logSettings(loaded.resolved));
  const log = createLogger('gateway');
  for (const w of loaded.warnings) log.warn(w);

  // Fail closed before anything listens.
  const tls = await loadGatewayTls(loaded.resolved.gateway.tls, paths.stateDir, [opts.host ?? '', loaded.resolved.gateway.customBindHost ?? '']);
  const listener = createListener({ config: loaded.resolved, overrides: opts, log, secure: tls !== undefined });
  const certificates = tls?.source === 'files' ? watchCertificateFiles(tls, { log: log.child('tls') }) : undefined;
  const auth = createAuthState(loaded.resolved, paths.stateDir);
  listener.assertAuth(auth.current());
  const lock = acquireInstanceLock({ stateDir: paths.stateDir, port: listener.port });
  const connections = new ConnectionSet();
  const feed = createStateFeed({ connections: () => connections.list() });
  connections.watch({ onPresenceChange: () => feed.presenceChanged() });
  const storeGuard = await openStateStore({ stateDir: paths.stateDir, packageRoot: PACKAGE_ROOT, config: loaded.resolved }, { onHealthChange: () => feed.healthChanged(), onFail: () => lock.release() });
  const store = storeGuard.store;
  if (store.coordination) await auth.shareThrough(store);
  const bus = createEventBus();
  const reloader = createReloader({ initial: loaded, log, auth, listener, connections, reconfigureLogging: (c) => configureLogging(logSettings(c)), healthChanged: feed.healthChanged, publish: bus.publish });
  const config = reloader.config;
  const modelSetup = watchModelSetup({ config, stateDir: paths.stateDir, log: log.child('models'), onApplied: reloader.onApplied });
  const plugins = createGatewayPlugins({ stateDir: paths.stateDir, packageRoot: PACKAGE_ROOT, config, log: createLogger('plugins') });
  reloader.onApplied(() => void plugins.runtime.applyConfig().catch((err: unknown) => log.error('applying plugin settings failed', { err })));
  const limiter = new AuthRateLimiter(() => config().gateway.auth.rateLimit);

  const nodes = await createNodesRuntime({
    reachableUrls: () => publicReach(config().gateway.publicUrl, listener, tls?.source === 'generated' ? tls.fingerprint : undefined),
    store,
    publish: bus.publish,
    connections,
    serveStatic,
    commandPolicy: () => ({ allow: config().gateway.nodes?.allowCommands ?? [], deny: config().gateway.nodes?.denyCommands ?? [] }),
    stateDir: paths.stateDir,
    httpBaseUrl: () => listener.httpUrl(),
    log: log.child('nodes'),
  });
  const reloadNow = () => {
    const r = loadConfigFile(paths.configPath, env);
    if (r.ok) reloader.apply(r, []);
    else reloader.fail(r.error);
  };
  const { channels, access, channelIds } = createGatewayChannels({ config, paths, env, store, log, publish: bus.publish, plugins, opts, ext, reloadNow });
  reloader.onApplied(() => void channels.apply());
  const memories = createPersonMemories(() => plugins.runtime.memory());
  const conversation = createConversation({
    ...{ store, config, stateDir: paths.stateDir, emit: bus.publish, log, tools: opts.tools, providerTimeoutMs: opts.providerTimeoutMs, nodes, access, channels },
    extraTools: () => [...(ext.extraTools?.() ?? []), ...plugins.tools()],
    beforeToolCall: (e) => plugins.runtime.beforeToolCall(e),
    beforeTurn: (e) => plugins.runtime.beforeTurn(e),
    afterReply: (e) => plugins.runtime.afterReply(e),
    memories,
  });
  channels.connect({ inbound: async (msg, o) => ({ duplicate: (await conversation.ingestInbound(msg, o)).duplicate }), policy: access });

  // Set once the gateways sharing the database know this one (after the listener is up).
  const sharing: { peers?: Peers } = {};
  const subscriptions = createSessionSubscriptions();
  const snapshots = await createGatewaySnapshots({ cluster: () => sharing.peers?.cluster(), reloader, startedAtMs, store, storeGuard, channels, plugins, modelSetup, ext, listener, tls: () => certificates?.current() ?? tls, auth, connections, paths, starterConfigWritten });
  feed.onHealthChanged((o) => (o.localOnly ? bus.publishLocal : bus.publish)('health', snapshots.health()));
  const dispatcher = createDispatcher(
    gatewayHandlers({ conversation, subscriptions, channels, access, memories, channelIds, nodes, store, config, snapshots, presence: feed.presence, configPath: paths.configPath, env, appliedHash: () => reloader.applied().hash, reloadNow, channelsSchema: () => plugins.runtime.channelsSchema(), host: { stateDir: paths.stateDir, startedAtMs, port: () => listener.port } }),
  );
  const cron = createGatewayCron({ store, config, queue: conversation.queue, runs: conversation.runs, channels, publish: bus.publish, subscribe: bus.subscribe, log: log.child('cron') });
  dispatcher.add(cron.handlers);
  const heartbeats = createGatewayHeartbeats({ store, config, stateDir: paths.stateDir, queue: conversation.queue, runs: conversation.runs, channels, publish: bus.publish, log: log.child('heartbeat') });
  dispatcher.add(heartbeats.handlers);
  reloader.onApplied(() => heartbeats.runner.poke());
  dispatcher.add(pluginHandlers({ plugins: plugins.runtime, configPath: paths.configPath, legacyConfigPath: paths.legacyConfigPath, env, reloadNow }));
  plugins.attach(dispatcher);

  let ready = false;
  const server = createGatewayServer({
    ...{ packageRoot: PACKAGE_ROOT, rendererDir: opts.rendererDir, tickIntervalMs: opts.tickIntervalMs, env, paths, startedAtMs, config, log, dispatcher, connections, listener },
    ...{ auth, limiter, store, nodes, feed, snapshots, reloader, bus, conversation, extraRoute: ext.extraRoute, tls },
    pluginRoutes: () => plugins.runtime.registry.routes(),
    pluginWebSocketRoutes: () => plugins.runtime.registry.webSocketRoutes(),
    isReady: () => ready,
  });
  bus.attachBroadcast(subscribedBroadcast(subscriptions, () => connections.list()));
  connections.watch({ onClose: (c) => subscriptions.forget(c.connId) });
  certificates?.onRenewed((next) => server.renewTls(next));
  ext.onDispatcher?.(dispatcher);

  try {
    await listener.listen(server, (port) => lock.update(port));
  } catch (err) {
    certificates?.close();
    storeGuard.dispose();
    await store.close();
    lock.release();
    await plugins.close();
    throw err;
  }
  const legacyCanvas = await listenLegacyCanvas(nodes, config().canvasHost?.port, listener.host, log, tls);
  certificates?.onRenewed((next) => legacyCanvas?.renewTls(next));
  // Channels connect in the background; `channels.status` shows their progress. Replies left
  // in the outbox by a previous run go out as their channels come up. Where gateways share the
  // database, only the holder of the channels lease runs them; one that loses it stops at once.
  const channelsLease = store.lease?.('channels');
  if (!channelsLease) channels.start();
  channelsLease?.onChange((held) => {
    log.info(held ? 'this gateway runs the chat channels (it holds the channels lease)' : 'another gateway runs the chat channels; standing by');
    if (held) channels.activate();
    else void channels.standBy();
  });
  // Announced among the gateways sharing the database before taking any of the queued work.
  sharing.peers = store.coordination && (await wirePeers({ coordination: store.coordination, lease: channelsLease, bus, channels, queue: conversation.queue, port: listener.port, log: log.child('peers') }));
  const { resumed } = await conversation.queue.start();
  const stopMaintenance = conversation.startMaintenance();
  // Scheduled jobs run where the channels run (one gateway among those sharing a database); runs left open by
  // a previous process are followed to their end.
  if (!channelsLease || channelsLease.held()) cron.scheduler.start();
  channelsLease?.onChange((held) => (held ? cron.scheduler.start() : cron.scheduler.stop()));
  // Heartbeats likewise: one gateway runs them, and their due times are in the store.
  if (!channelsLease || channelsLease.held()) heartbeats.runner.start();
  channelsLease?.onChange((held) => (held ? heartbeats.runner.start() : heartbeats.runner.stop()));
  void cron.scheduler.recover().catch((err: unknown) => log.warn('following the runs of scheduled jobs failed', { err }));
  // A plugin that loads or fails changes health: clients hear it at once.
  plugins.start(() => feed.healthChanged());
  ready = true;

  const watcher = watchConfig(paths.configPath, env, {
    debounceMs: config().gateway.reload.debounceMs,
    initial: reloader.applied(),
    onReload: (e) => (e.ok ? reloader.apply(e.result, e.changedPaths) : reloader.fail(e.error)),
    onError: (err) => log.warn('config watcher problem', { err }),
  });
  await watcher.ready;
  log.info('gateway listening', { url: listener.wsUrl(), bind: listener.host, ...(tls ? { tlsFingerprint: tls.fingerprint, tlsCertificate: tls.source } : {}), authMode: auth.current().mode, pid: process.pid, startupMs: Date.now() - startedAtMs, resumedMessages: resumed });

  // Stopped in this order: nothing new comes in, work in flight finishes, then the listener and the store.
  const shutdown: ((reason: string) => unknown)[] = [() => watcher.close(), () => certificates?.close(), stopMaintenance, () => cron.scheduler.close(), () => heartbeats.runner.close(), () => channelsLease?.release(), () => channels.close(), () => conversation.queue.stop(), () => sharing.peers?.close(), () => plugins.close()];
  shutdown.push((reason) => server.close(reason), () => feed.close(), () => legacyCanvas?.close(), () => storeGuard.dispose(), () => store.close(), () => lock.release());
  let closing: Promise<void> | undefined;
  return {
    ...{ port: listener.port, host: listener.host, httpUrl: listener.httpUrl(), wsUrl: listener.wsUrl(), stateDir: paths.stateDir, configPath: paths.configPath },
    ...{ tokenPath: auth.generatedToken?.path, authMode: auth.current().mode, tlsFingerprint: tls?.fingerprint },
    async queueIdle() {
      await conversation.queue.idle();
      await channels.outboxIdle();
    },
    createLocalClient: () => createLocalClient({ dispatcher, bus }),
    close(reason = 'gateway stopping') {
      closing ??= (async () => {
        ready = false;
        log.info('gateway stopping', { reason });
        for (const step of shutdown) await step(reason);
      })();
      return closing;
    },
  };
}
