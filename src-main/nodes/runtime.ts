import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import { join } from 'node:path';
import type { ConnectParams } from '../../src-shared/protocol/index.js';
import type { CanvasServices } from '../agents/tools/types.js';
import type { Logger } from '../logging/index.js';
import type { Store } from '../store/types.js';
import { BootstrapTokens } from './bootstrap-tokens.js';
import { CANVAS_CSP, CanvasHost } from './canvas-host.js';
import { DevicePairing } from './device-pairing.js';
import { NodeApprovals, type NodeCommandPolicy } from './node-approvals.js';
import { NodeInvokeError, NodeRegistry } from './node-registry.js';
import type { GatewayReach } from './reach.js';
import type { NodesRuntime } from './runtime-types.js';

export type { NodesRuntime, NodeView, NodesHandshakePort } from './runtime-types.js';

/** A live connection as the nodes runtime sees it. */
export interface NodeConnection {
  connId: string;
  connectedAtMs: number;
  params?: ConnectParams;
  grant?: { role: string; deviceId?: string; credential: { kind: string } };
  sendEvent(event: string, payload: unknown): void;
}

/** The open connections: node links follow them, device revocation closes them. */
export interface NodeConnectionsPort {
  list(): NodeConnection[];
  closeWhere(pred: (c: NodeConnection) => boolean, code: number, reason: string): number;
  watch(w: { onOpen?(c: NodeConnection): void; onClose?(c: NodeConnection): void }): () => void;
}

export interface NodesRuntimeDeps {
  /** Where a phone can reach this gateway, or why it cannot (loopback only). */
  reachableUrls(): GatewayReach;
  store: Store;
  publish(event: string, payload: unknown): void;
  connections: NodeConnectionsPort;
  /** Serves a folder's files (the canvas). */
  serveStatic(dir: string, rel: string, req: IncomingMessage, res: ServerResponse, opts: { csp: string; index: 'dir' }): void;
  /** `gateway.nodes.allowCommands` / `denyCommands`, read live. */
  commandPolicy(): NodeCommandPolicy;
  stateDir: string;
  /** Base HTTP URL of the gateway (for canvas links). */
  httpBaseUrl(): string;
  log: Logger;
}

/** The canvas secret: random once per state dir, kept in the store, so canvas URLs survive restarts. */
async function canvasSecret(store: Store): Promise<string> {
  const existing = await store.getMeta('canvas.secret');
  if (existing) return existing;
  const secret = randomBytes(32).toString('base64url');
  await store.setMeta('canvas.secret', secret);
  return secret;
}

/** Device pairing, node command approval, the node registry and the canvas host, following the gateway's connections. */
export async function createNodesRuntime(deps: NodesRuntimeDeps): Promise<NodesRuntime> {
  const approvals = new NodeApprovals(deps.store, deps.publish, deps.commandPolicy);
  const registry = new NodeRegistry(deps.store, deps.publish, async (link, command) => {
    const d = await approvals.decide(link, command);
    if (d.allowed) return;
    const requestId = d.reason === 'not-approved' ? await approvals.pendingFor(link.nodeId) : undefined;
    throw new NodeInvokeError(`node "${link.nodeId}": ${d.message}`, d.reason === 'not-approved' ? 'COMMAND_NOT_APPROVED' : 'COMMAND_NOT_ALLOWED', {
      reason: d.reason,
      ...(requestId ? { requestId } : {}),
    });
  });
  const bootstrap = new BootstrapTokens();
  const pairing = new DevicePairing(deps.store, {
    emit: deps.publish,
    connectedDevices: () => new Set(deps.connections.list().flatMap((c) => (c.grant?.deviceId ? [c.grant.deviceId] : []))),
    closeDevice: (deviceId, opts) =>
      deps.connections.closeWhere(
        (c) => c.grant?.deviceId === deviceId && c.connId !== opts.keepConnId && (!opts.onlyDeviceToken || c.grant.credential.kind === 'device-token'),
        4001,
        opts.reason,
      ),
  });
  const canvasHost = new CanvasHost({
    root: join(deps.stateDir, 'canvas'),
    secret: await canvasSecret(deps.store),
    baseUrl: deps.httpBaseUrl,
    serve: (dir, rel, req, res) => deps.serveStatic(dir, rel, req, res, { csp: CANVAS_CSP, index: 'dir' }),
  });
  const canvas: CanvasServices = {
    dir: (agentId, sessionKey) => canvasHost.dirFor(agentId, sessionKey),
    url: (agentId, sessionKey, relPath) => canvasHost.urlFor(agentId, sessionKey, relPath),
  };

  const listNodes = async () =>
    Promise.all(
      (await registry.list()).map(async (n) => {
        const link = registry.link(n.nodeId);
        const pendingRequestId = await approvals.pendingFor(n.nodeId);
        return { ...n, allowedCommands: link ? await approvals.effective(link) : [], ...(pendingRequestId ? { pendingRequestId } : {}) };
      }),
    );

  const canvasRoute = (req: IncomingMessage, res: ServerResponse, pathname: string) => canvasHost.handle(req, res, pathname);

  // Node links follow the connections: a node is in the registry while its socket is open.
  deps.connections.watch({
    onOpen(conn) {
      if (conn.grant?.role !== 'node' || !conn.grant.deviceId || !conn.params) return;
      const c = conn.params.client;
      const link = {
        nodeId: conn.grant.deviceId,
        connId: conn.connId,
        connectedAtMs: conn.connectedAtMs,
        caps: conn.params.caps ?? [],
        commands: conn.params.commands ?? [],
        platform: c.platform,
        deviceFamily: c.deviceFamily,
        clientId: c.id,
        version: c.version,
        displayName: c.displayName,
        send: (event: string, payload: unknown) => conn.sendEvent(event, payload),
      };
      registry.attach(link);
      approvals.onConnect(link).catch((err: unknown) => deps.log.error('could not record the node command request', { nodeId: link.nodeId, err }));
    },
    onClose(conn) {
      if (conn.grant?.role === 'node' && conn.grant.deviceId) registry.detach(conn.grant.deviceId, conn.connId);
    },
  });

  return {
    devices: pairing,
    approvals,
    registry,
    bootstrap,
    canvas,
    listNodes,
    reachableUrls: deps.reachableUrls,
    publishNodeEvent: (nodeId, event, payload) => deps.publish('node.event', { nodeId, event, payload }),
    handshake: {
      consumeBootstrapToken: (t) => bootstrap.consume(t),
      requestPairing: (r) =>
        pairing.request({
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
    },
    canvasRoute,
    async listenLegacyCanvas(port, host, tls) {
      const onRequest = (req: IncomingMessage, res: ServerResponse) => {
        const pathname = new URL(req.url ?? '/', 'http://canvas.invalid').pathname;
        if ((req.method === 'GET' || req.method === 'HEAD') && canvasRoute(req, res, pathname)) return;
        res.writeHead(404, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
        res.end(JSON.stringify({ ok: false, error: { type: 'not_found', message: 'this port only serves /__openclaw__/canvas/' } }));
      };
      const server = tls ? createTlsServer({ cert: tls.cert, key: tls.key, minVersion: 'TLSv1.2' }, onRequest) : createServer(onRequest);
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen({ port, host, exclusive: true }, () => resolve());
      });
      const addr = server.address();
      return {
        port: typeof addr === 'object' && addr ? addr.port : port,
        renewTls(next) {
          if (tls) (server as unknown as import('node:tls').Server).setSecureContext({ cert: next.cert, key: next.key, minVersion: 'TLSv1.2' });
        },
        close: () =>
          new Promise<void>((resolve) => {
            server.close(() => resolve());
            server.closeAllConnections();
          }),
      };
    },
  };
}
