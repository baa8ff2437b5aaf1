import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import { ErrorCodes, MISSING_SCOPE, hasScope } from '../../src-shared/protocol/index.js';
import { isHostNodeCommand } from '../../src-shared/domain/node-commands.js';
import { ScopeGrantError, assertCanGrant } from '../../src-shared/domain/scope-grant.js';
import type { CanvasServices } from '../agents/tools/types.js';
import type { Logger } from '../logging/index.js';
import { BOOTSTRAP_OPERATOR_SCOPES, BootstrapTokens, encodeSetupCode } from '../nodes/bootstrap-tokens.js';
import { CANVAS_CSP, CanvasHost } from '../nodes/canvas-host.js';
import { DevicePairing, PairingError, type PairingCaller } from '../nodes/device-pairing.js';
import { NodeApprovalError, NodeApprovals, type NodeCommandPolicy } from '../nodes/node-approvals.js';
import { NodeInvokeError, NodeRegistry } from '../nodes/node-registry.js';
import type { Store } from '../store/types.js';
import type { GatewayConnection } from './connection.js';
import type { CallContext, Handlers } from './dispatcher.js';
import { InvalidRequestError, MissingScopeError, RpcError } from './errors.js';
import { serveStatic } from './http.js';
import { createNodePageRoute, nodePageUrl } from './node-page.js';

export interface NodesRuntimeDeps {
  /** Where a phone can reach this gateway, or why it cannot (loopback only). */
  reachableUrls(): { urls: string[]; loopbackOnly: boolean };
  store: Store;
  emit(event: string, payload: unknown): void;
  connections(): GatewayConnection[];
  close(pred: (c: GatewayConnection) => boolean, code: number, reason: string): number;
  /** `gateway.nodes.allowCommands` / `denyCommands`, read live. */
  commandPolicy(): NodeCommandPolicy;
  stateDir: string;
  /** Base HTTP URL of the gateway (for canvas links). */
  httpBaseUrl(): string;
  /** Built browser node page (`out/node-page`). */
  nodePageDir: string;
  log: Logger;
}

function toRpc(err: unknown): never {
  if (err instanceof ScopeGrantError) {
    throw new RpcError(ErrorCodes.FORBIDDEN, err.message, {
      code: MISSING_SCOPE,
      missingScope: err.missingScopes[0],
      missingScopes: err.missingScopes,
      requiredScopes: err.requiredScopes,
    });
  }
  if (err instanceof PairingError) throw new RpcError(err.code === 'APPROVAL_NOT_FOUND' ? 'APPROVAL_NOT_FOUND' : 'INVALID_REQUEST', err.message, { code: err.code });
  if (err instanceof NodeApprovalError) throw new RpcError('APPROVAL_NOT_FOUND', err.message, { code: err.code });
  if (err instanceof NodeInvokeError) throw new RpcError(err.code === 'NODE_NOT_CONNECTED' ? 'UNAVAILABLE' : 'INVALID_REQUEST', err.message, { code: err.code, ...err.details });
  throw err;
}

/** The canvas secret: random once per state dir, kept in the store, so canvas URLs survive restarts. */
function canvasSecret(store: Store): string {
  const existing = store.getMeta('canvas.secret');
  if (existing) return existing;
  const secret = randomBytes(32).toString('base64url');
  store.setMeta('canvas.secret', secret);
  return secret;
}

const callerOf = (ctx: CallContext): PairingCaller => ({ scopes: ctx.scopes, deviceId: ctx.deviceId, role: ctx.role, connId: ctx.connId });

/** Device pairing, node command approval, the node registry, the canvas host and the node page: handlers, routes and connection hooks. */
export function createNodesRuntime(deps: NodesRuntimeDeps) {
  const approvals = new NodeApprovals(deps.store, deps.emit, deps.commandPolicy);
  const registry = new NodeRegistry(deps.store, deps.emit, (link, command) => {
    const d = approvals.decide(link, command);
    if (d.allowed) return;
    const requestId = d.reason === 'not-approved' ? approvals.pendingFor(link.nodeId) : undefined;
    throw new NodeInvokeError(`node "${link.nodeId}": ${d.message}`, d.reason === 'not-approved' ? 'COMMAND_NOT_APPROVED' : 'COMMAND_NOT_ALLOWED', {
      reason: d.reason,
      ...(requestId ? { requestId } : {}),
    });
  });
  const bootstrap = new BootstrapTokens();
  const pairing = new DevicePairing(deps.store, {
    emit: deps.emit,
    connectedDevices: () => new Set(deps.connections().flatMap((c) => (c.grant?.deviceId ? [c.grant.deviceId] : []))),
    closeDevice: (deviceId, opts) =>
      deps.close(
        (c) => c.grant?.deviceId === deviceId && c.connId !== opts.keepConnId && (!opts.onlyDeviceToken || c.grant.credential.kind === 'device-token'),
        4001,
        opts.reason,
      ),
  });
  const canvasHost = new CanvasHost({
    root: join(deps.stateDir, 'canvas'),
    secret: canvasSecret(deps.store),
    baseUrl: deps.httpBaseUrl,
    serve: (dir, rel, req, res) => serveStatic(dir, rel, req, res, { csp: CANVAS_CSP, index: 'dir' }),
  });
  const canvas: CanvasServices = {
    dir: (agentId, sessionKey) => canvasHost.dirFor(agentId, sessionKey),
    url: (agentId, sessionKey, relPath) => canvasHost.urlFor(agentId, sessionKey, relPath),
  };

  const wrap =
    <A extends unknown[], R>(fn: (...a: A) => R) =>
    (...a: A): R => {
      try {
        return fn(...a);
      } catch (err) {
        return toRpc(err);
      }
    };

  const listNodes = () =>
    registry.list().map((n) => {
      const link = registry.link(n.nodeId);
      const pendingRequestId = approvals.pendingFor(n.nodeId);
      return { ...n, allowedCommands: link ? approvals.effective(link) : [], ...(pendingRequestId ? { pendingRequestId } : {}) };
    });

  const handlers: Handlers = {
    'device.pair.list': () => pairing.list(),
    'device.pair.approve': wrap((p: { requestId: string }, ctx: CallContext) => ({ ok: true, device: pairing.approve(p.requestId, callerOf(ctx)) })),
    'device.pair.reject': wrap((p: { requestId: string }) => {
      pairing.reject(p.requestId);
      return { ok: true, requestId: p.requestId };
    }),
    'device.pair.remove': wrap((p: { deviceId: string }, ctx: CallContext) => ({ ok: true, deviceId: p.deviceId, ...pairing.remove(p.deviceId, callerOf(ctx)) })),
    'device.pair.rename': wrap((p: { deviceId: string; displayName: string }, ctx: CallContext) => ({ ok: true, device: pairing.rename(p.deviceId, p.displayName, callerOf(ctx)) })),
    'device.token.rotate': wrap((p: { deviceId: string; role?: string }, ctx: CallContext) => {
      const r = pairing.rotateToken(p.deviceId, p.role, callerOf(ctx));
      return { ok: true, deviceId: p.deviceId, role: r.role, deviceToken: r.token, issuedAtMs: r.issuedAtMs };
    }),
    'device.token.revoke': wrap((p: { deviceId: string; role?: string }, ctx: CallContext) => ({ ok: true, deviceId: p.deviceId, ...pairing.revokeToken(p.deviceId, p.role, callerOf(ctx)) })),
    'device.pair.setupCode': wrap((p: { url?: string }, ctx: CallContext) => {
      // A setup code pairs a node and hands it an operator token: only for a caller who holds what it grants.
      assertCanGrant(ctx.scopes, BOOTSTRAP_OPERATOR_SCOPES, `create a setup code (it grants ${BOOTSTRAP_OPERATOR_SCOPES.join(', ')})`);
      const reach = deps.reachableUrls();
      const urls = p.url ? [p.url, ...reach.urls.filter((u) => u !== p.url)] : reach.loopbackOnly ? [] : reach.urls;
      if (!urls.length) {
        throw new InvalidRequestError(
          'the gateway listens on loopback only, so a phone cannot reach it: pass the address the phone should use (--url wss://… through an SSH tunnel, Tailscale or a reverse proxy), or bind to the LAN with auth (gateway.bind "lan")',
          { code: 'GATEWAY_NOT_REACHABLE' },
        );
      }
      const { token, expiresAtMs } = bootstrap.issue();
      const pageUrl = nodePageUrl(urls[0]!);
      const setupCode = encodeSetupCode({ url: urls[0]!, urls, bootstrapToken: token, expiresAtMs, pageUrl });
      return { setupCode, url: urls[0]!, urls, expiresAtMs, pairingPageUrl: nodePageUrl(urls[0]!, setupCode) };
    }),
    'node.list': () => ({ nodes: listNodes() }),
    'node.describe': wrap((p: { nodeId: string }) => {
      const n = listNodes().find((x) => x.nodeId === p.nodeId);
      if (!n) throw new NodeInvokeError(`unknown node "${p.nodeId}"`, 'NODE_NOT_FOUND');
      return n;
    }),
    'node.rename': wrap((p: { nodeId: string; displayName: string }, ctx: CallContext) => {
      pairing.rename(p.nodeId, p.displayName, callerOf(ctx));
      return { ok: true, nodeId: p.nodeId, displayName: p.displayName };
    }),
    'node.pair.list': () => approvals.list(),
    'node.pair.approve': wrap((p: { requestId: string }, ctx: CallContext) => {
      const req = approvals.get(p.requestId);
      assertCanGrant(ctx.scopes, req.requiredScopes, `approve commands ${req.commands.join(', ')} on node "${req.node.nodeId}"`, ['operator.pairing']);
      return { ok: true, ...approvals.approve(p.requestId) };
    }),
    'node.pair.reject': wrap((p: { requestId: string }) => ({ ok: true, ...approvals.reject(p.requestId) })),
    'node.pair.remove': (p) => ({ ok: true, nodeId: p.nodeId, removedCommands: approvals.remove(p.nodeId) }),
    'node.invoke': async (p, ctx) => {
      if (isHostNodeCommand(p.command) && !hasScope(ctx.scopes, 'operator.admin')) throw new MissingScopeError('operator.admin', ['operator.admin']);
      try {
        return await registry.invoke({ nodeId: p.nodeId, command: p.command, params: p.params, timeoutMs: p.timeoutMs ?? 30_000, idempotencyKey: p.idempotencyKey });
      } catch (err) {
        return toRpc(err);
      }
    },
    'node.invoke.cancel': (p) => ({ ok: true, cancelled: registry.cancel(undefined, p.idempotencyKey) }),
    'node.invoke.result': (p, ctx) => {
      if (!ctx.deviceId || !registry.result(ctx.deviceId, p)) throw new InvalidRequestError(`no invoke request "${p.id}" is waiting for this node (it may have timed out or been cancelled)`, { code: 'INVOKE_NOT_FOUND' });
      return { ok: true };
    },
    'node.invoke.progress': (p, ctx) => {
      deps.emit('node.event', { nodeId: ctx.deviceId ?? 'unknown', event: 'invoke.progress', payload: p });
      return { ok: true };
    },
    'node.event': (p, ctx) => {
      deps.emit('node.event', { nodeId: ctx.deviceId ?? 'unknown', event: p.event, payload: p.payload });
      return { ok: true };
    },
  };

  const canvasRoute = (req: IncomingMessage, res: ServerResponse, pathname: string) => canvasHost.handle(req, res, pathname);

  return {
    pairing,
    approvals,
    registry,
    bootstrap,
    handlers,
    listNodes,
    canvas,
    canvasHost,
    /** GET routes for the gateway's HTTP handler. */
    routes: [createNodePageRoute(deps.nodePageDir), canvasRoute],
    /** The legacy canvas port (`canvasHost.port`): only the canvas, on its own listener. */
    async listenLegacyCanvas(port: number, host: string): Promise<{ port: number; close(): Promise<void> }> {
      const server = createServer((req, res) => {
        const pathname = new URL(req.url ?? '/', 'http://canvas.invalid').pathname;
        if ((req.method === 'GET' || req.method === 'HEAD') && canvasRoute(req, res, pathname)) return;
        res.writeHead(404, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
        res.end(JSON.stringify({ ok: false, error: { type: 'not_found', message: 'this port only serves /__openclaw__/canvas/' } }));
      });
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen({ port, host, exclusive: true }, () => resolve());
      });
      const addr = server.address();
      return {
        port: typeof addr === 'object' && addr ? addr.port : port,
        close: () =>
          new Promise<void>((resolve) => {
            server.close(() => resolve());
            server.closeAllConnections();
          }),
      };
    },
    onOpen(conn: GatewayConnection) {
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
      try {
        approvals.onConnect(link);
      } catch (err) {
        deps.log.error('could not record the node command request', { nodeId: link.nodeId, err });
      }
    },
    onClose(conn: GatewayConnection) {
      if (conn.grant?.role === 'node' && conn.grant.deviceId) registry.detach(conn.grant.deviceId, conn.connId);
    },
  };
}
