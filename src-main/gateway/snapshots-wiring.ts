/** `health` and `status` over the running gateway's parts: which part answers each section. */
import type { MethodResult } from '../../src-shared/protocol/index.js';
import type { ModelSetup } from '../agents/model-setup.js';
import type { ChannelsRuntime } from '../channels/runtime.js';
import type { ConfigPaths } from '../config/index.js';
import { currentLogFile } from '../logging/index.js';
import type { GuardedStore } from '../store/store-guard.js';
import type { Store } from '../store/types.js';
import { VERSION } from '../version.js';
import type { AuthState } from './auth-state.js';
import type { ConnectionSet } from './connections.js';
import type { Listener } from './listener.js';
import type { GatewayTls } from './tls.js';
import type { GatewayPlugins } from './plugin-wiring.js';
import type { Reloader } from './reload.js';
import { cachedRead, cachedSessionCounts, createSnapshots, type Snapshots } from './snapshots.js';
import type { GatewayExtensions } from './start-types.js';

export async function createGatewaySnapshots(o: {
  cluster(): MethodResult<'health'>['cluster'];
  reloader: Reloader;
  startedAtMs: number;
  store: Store;
  storeGuard: GuardedStore;
  channels: ChannelsRuntime;
  plugins: GatewayPlugins;
  modelSetup(): ModelSetup;
  ext: GatewayExtensions;
  listener: Listener;
  /** The certificate the port serves, when TLS is on (it can be renewed while running). */
  tls?(): Pick<GatewayTls, 'fingerprint' | 'source' | 'notAfter'> | undefined;
  auth: AuthState;
  connections: ConnectionSet;
  paths: ConfigPaths;
  /** This start wrote the starter config (a first start). */
  starterConfigWritten: boolean;
}): Promise<Snapshots> {
  const { reloader, listener, auth, store, paths } = o;
  const config = reloader.config;
  // Read once before the gateway answers: later reads come from the cache, refreshed in the background.
  const sessionCounts = cachedSessionCounts(() => store.sessions.countByAgent());
  const recentSessions = cachedRead(async () => (await store.sessions.list({ limit: 50 })).sessions.map((s) => ({ key: s.sessionKey, agentId: s.agentId, updatedAtMs: s.updatedAtMs })), []);
  const [storeSchemaVersion] = await Promise.all([store.schemaVersion(), sessionCounts.refresh(), recentSessions.refresh()]);
  return createSnapshots({
    config,
    reload: reloader.state,
    startedAtMs: o.startedAtMs,
    version: VERSION,
    sessionCounts,
    recentSessions,
    ...(store.path ? { sessionStorePath: store.path } : {}),
    channels: () => o.channels.status(),
    storage: () => o.storeGuard.health(),
    plugins: () => o.plugins.runtime.health(),
    models: o.modelSetup,
    cluster: o.cluster,
    sections: o.ext.sections,
    gateway: () => ({ port: listener.port, bind: config().gateway.bind, host: listener.host, url: listener.wsUrl(), authMode: auth.current().mode, controlUiUrl: listener.httpUrl(), ...tlsStatus(o.tls?.()) }),
    connections: () => o.connections.list().map((c) => c.grant?.role ?? ''),
    host: () => ({
      stateDir: paths.stateDir,
      configPath: paths.configPath,
      logFile: currentLogFile(),
      storePath: store.path,
      storeSchemaVersion,
      ...(auth.generatedToken ? { tokenPath: auth.generatedToken.path } : {}),
      firstStart: o.starterConfigWritten || Boolean(auth.generatedToken?.created),
    }),
  });
}

function tlsStatus(tls: Pick<GatewayTls, 'fingerprint' | 'source' | 'notAfter'> | undefined) {
  return tls ? { tls: { fingerprint: tls.fingerprint, source: tls.source, notAfter: tls.notAfter } } : {};
}
