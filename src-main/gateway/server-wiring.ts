/**
 * The gateway's one listener, assembled from the parts the composition root built: the handshake against
 * the current auth, `hello-ok` from live state, and the HTTP routes (Control UI, node page, canvas, APIs,
 * plugin routes).
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { join } from 'node:path';
import { TICK_INTERVAL_MS } from '../../src-shared/protocol/index.js';
import type { ResolvedConfig } from '../config/resolve.js';
import type { Logger } from '../logging/index.js';
import type { RegisteredRoute, RegisteredWebSocketRoute } from '../plugins/contributions.js';
import type { NodesRuntime } from '../nodes/runtime-types.js';
import type { Store } from '../store/types.js';
import { VERSION } from '../version.js';
import type { AuthRateLimiter } from './auth-rate-limit.js';
import type { AuthState } from './auth-state.js';
import type { ConnectionSet } from './connections.js';
import type { createConversation } from './conversation.js';
import type { Dispatcher } from './dispatcher.js';
import type { EventBus } from './event-bus.js';
import { authenticateConnect } from './handshake.js';
import { buildHelloOk } from './hello.js';
import { createHttpHandler, type HttpRoute } from './http.js';
import { createHttpApi } from './http-api.js';
import type { Listener } from './listener.js';
import { gatewayTokenPath } from './gateway-token.js';
import { createLoginHintRoute } from './login-hint.js';
import { createLoginLinks } from './login-link.js';
import { parseTrustedProxies, resolveClientAddress, type TrustedProxies } from './client-address.js';
import { createNodePageRoute } from './node-page.js';
import { createPluginUpgrade } from './plugin-upgrade.js';
import type { Reloader } from './reload.js';
import { GatewayServer, handshakeTimeoutFromEnv } from './server.js';
import type { Snapshots } from './snapshots.js';
import type { StateFeed } from './state-feed.js';

export interface GatewayServerParts {
  packageRoot: string;
  rendererDir?: string;
  tickIntervalMs?: number;
  env: NodeJS.ProcessEnv;
  paths: { configPath: string; stateDir: string };
  startedAtMs: number;
  config(): ResolvedConfig;
  log: Logger;
  dispatcher: Dispatcher;
  connections: ConnectionSet;
  listener: Listener;
  auth: AuthState;
  limiter: AuthRateLimiter;
  store: Store;
  nodes: NodesRuntime;
  feed: StateFeed;
  snapshots: Snapshots;
  reloader: Reloader;
  bus: EventBus;
  conversation: ReturnType<typeof createConversation>;
  extraRoute?: HttpRoute;
  /** The certificate for `https://` and `wss://` on the port, when TLS is on. */
  tls?: { cert: string; key: string };
  pluginRoutes(): readonly RegisteredRoute[];
  pluginWebSocketRoutes(): readonly RegisteredWebSocketRoute[];
  isReady(): boolean;
}

export function createGatewayServer(p: GatewayServerParts): GatewayServer {
  const { config, auth, listener, nodes, conversation } = p;
  const trustedProxies = trustedProxiesOf(config, p.log);
  const clientAddress = (req: IncomingMessage) => resolveClientAddress(req, trustedProxies());
  const bootId = randomUUID();
  const tickIntervalMs = p.tickIntervalMs ?? TICK_INTERVAL_MS;
  const originPolicy = () => ({ port: listener.port, allowedOrigins: config().gateway.controlUi?.allowedOrigins ?? [], lanBind: !listener.loopbackOnly });
  // One-time Control UI links: the method that mints them and the route that takes them share their codes.
  const loginLinks = createLoginLinks({ store: p.store, limiter: p.limiter, clientAddress, httpUrl: listener.httpUrl, log: p.log.child('control-ui') });
  p.dispatcher.add(loginLinks.handlers);
  const httpApi = createHttpApi({
    config,
    stateDir: p.paths.stateDir,
    tools: conversation.tools,
    services: conversation.services,
    auth: auth.current,
    limiter: p.limiter,
    queue: conversation.queue,
    runs: conversation.runs,
    log: p.log.child('http'),
    clientAddress,
    onEvent: p.bus.subscribe,
    pluginRoutes: p.pluginRoutes,
  });
  return new GatewayServer({
    dispatcher: p.dispatcher,
    connections: p.connections,
    tls: p.tls,
    clientAddress,
    log: p.log.child('ws'),
    tickIntervalMs,
    handshakeTimeoutMs: handshakeTimeoutFromEnv(p.env.OPENCLAW_HANDSHAKE_TIMEOUT_MS),
    originPolicy,
    pluginUpgrade: createPluginUpgrade({ routes: p.pluginWebSocketRoutes, originPolicy, auth: auth.current, limiter: p.limiter, clientAddress, log: p.log.child('plugins') }),
    authenticate: (params, conn) =>
      authenticateConnect({ params, remoteAddress: conn.remoteAddress, isLoopback: conn.isLoopback, challengeNonce: conn.nonce, nowMs: Date.now(), auth: auth.current(), store: p.store, limiter: p.limiter, autoApproveCidrs: config().gateway.nodes?.pairing?.autoApproveCidrs ?? [], ...nodes.handshake }),
    hello: (conn) =>
      buildHelloOk(
        {
          version: VERSION,
          bootId,
          startedAtMs: p.startedAtMs,
          tickIntervalMs,
          configPath: p.paths.configPath,
          stateDir: p.paths.stateDir,
          methods: () => p.dispatcher.methods,
          presence: p.feed.presence,
          health: p.snapshots.health,
          stateVersion: p.feed.versions,
          appliedConfigHash: () => p.reloader.applied().hash,
          authMode: () => auth.current().mode,
          controlUiUrl: listener.httpUrl,
        },
        conn,
      ),
    isPublicRoute: (req) => {
      // The path as the router will see it (normalised), and the declared method: nothing else is public.
      const path = new URL(req.url ?? '/', 'http://gateway.invalid').pathname;
      const method = (req.method ?? 'GET').toUpperCase();
      return p.pluginRoutes().some((r) => r.public && r.method === method && r.path === path);
    },
    handleHttp: createHttpHandler({
      rendererDir: p.rendererDir ?? join(p.packageRoot, 'out', 'renderer'),
      isReady: p.isReady,
      routes: [createNodePageRoute(join(p.packageRoot, 'out', 'node-page')), nodes.canvasRoute, createLoginHintRoute(gatewayTokenPath(p.paths.stateDir), undefined, clientAddress)],
      extraRoute: p.extraRoute,
      api: (req, res) => loginLinks.route(req, res) || httpApi(req, res),
    }),
  });
}

/** `gateway.trustedProxies` as a matcher, parsed again only when the setting changes (it reloads live). */
function trustedProxiesOf(config: () => ResolvedConfig, log: Logger): () => TrustedProxies {
  let key: string | undefined;
  let parsed: TrustedProxies | undefined;
  return () => {
    const entries = config().gateway.trustedProxies ?? [];
    const k = entries.join('\n');
    if (parsed && k === key) return parsed;
    key = k;
    parsed = parseTrustedProxies(entries);
    if (parsed.invalid.length) log.warn('gateway.trustedProxies entries that are not an address or CIDR are ignored', { invalid: parsed.invalid });
    return parsed;
  };
}
