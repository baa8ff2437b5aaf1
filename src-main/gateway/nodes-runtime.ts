import { hasScope } from '../../src-shared/protocol/index.js';
import { BootstrapTokens, encodeSetupCode } from '../nodes/bootstrap-tokens.js';
import { DevicePairing, PairingError } from '../nodes/device-pairing.js';
import { NodeInvokeError, NodeRegistry } from '../nodes/node-registry.js';
import type { Store } from '../store/types.js';
import type { GatewayConnection } from './connection.js';
import type { Handlers } from './dispatcher.js';
import { InvalidRequestError, MissingScopeError, RpcError } from './errors.js';

/** Node commands that act on the host: only admins may invoke them. */
export const HIGH_RISK_NODE_COMMANDS = ['system.run', 'browser.proxy'] as const;
export function isHighRiskNodeCommand(command: string): boolean {
  return (HIGH_RISK_NODE_COMMANDS as readonly string[]).includes(command) || command.startsWith('fs.');
}

export interface NodesRuntimeDeps {
  /** Where a phone can reach this gateway, or why it cannot (loopback only). */
  reachableUrls(): { urls: string[]; loopbackOnly: boolean };
  store: Store;
  emit(event: string, payload: unknown): void;
  connections(): GatewayConnection[];
  close(pred: (c: GatewayConnection) => boolean, code: number, reason: string): number;
}

function toRpc(err: unknown): never {
  if (err instanceof PairingError) throw new RpcError(err.code === 'APPROVAL_NOT_FOUND' ? 'APPROVAL_NOT_FOUND' : 'INVALID_REQUEST', err.message, { code: err.code });
  if (err instanceof NodeInvokeError) throw new RpcError(err.code === 'NODE_NOT_CONNECTED' ? 'UNAVAILABLE' : 'INVALID_REQUEST', err.message, { code: err.code });
  throw err;
}

/** Device pairing and nodes: the pairing service, the node registry, their RPC handlers and connection hooks. */
export function createNodesRuntime(deps: NodesRuntimeDeps) {
  const registry = new NodeRegistry(deps.store, deps.emit);
  const bootstrap = new BootstrapTokens();
  const pairing = new DevicePairing(deps.store, {
    emit: deps.emit,
    isConnected: (deviceId) => deps.connections().some((c) => c.grant?.deviceId === deviceId),
    closeDevice: (deviceId, opts) =>
      deps.close((c) => c.grant?.deviceId === deviceId && (!opts.onlyDeviceToken || c.grant.credential.kind === 'device-token'), 4001, opts.reason),
  });

  const wrap =
    <A extends unknown[], R>(fn: (...a: A) => R) =>
    (...a: A): R => {
      try {
        return fn(...a);
      } catch (err) {
        return toRpc(err);
      }
    };

  const handlers: Handlers = {
    'device.pair.list': () => pairing.list(),
    'device.pair.approve': wrap((p: { requestId: string }) => ({ ok: true, device: pairing.approve(p.requestId) })),
    'device.pair.reject': wrap((p: { requestId: string }) => {
      pairing.reject(p.requestId);
      return { ok: true, requestId: p.requestId };
    }),
    'device.pair.remove': (p) => ({ ok: true, deviceId: p.deviceId, ...pairing.remove(p.deviceId) }),
    'device.pair.rename': wrap((p: { deviceId: string; displayName: string }) => ({ ok: true, device: pairing.rename(p.deviceId, p.displayName) })),
    'device.token.rotate': wrap((p: { deviceId: string; role?: string }) => {
      const r = pairing.rotateToken(p.deviceId, p.role);
      return { ok: true, deviceId: p.deviceId, role: r.role, deviceToken: r.token, issuedAtMs: r.issuedAtMs };
    }),
    'device.token.revoke': wrap((p: { deviceId: string; role?: string }) => ({ ok: true, deviceId: p.deviceId, ...pairing.revokeToken(p.deviceId, p.role) })),
    'device.pair.setupCode': (p) => {
      const reach = deps.reachableUrls();
      const urls = p.url ? [p.url, ...reach.urls.filter((u) => u !== p.url)] : reach.loopbackOnly ? [] : reach.urls;
      if (!urls.length) {
        throw new InvalidRequestError(
          'the gateway listens on loopback only, so a phone cannot reach it: pass the address the phone should use (--url wss://… through an SSH tunnel, Tailscale or a reverse proxy), or bind to the LAN with auth (gateway.bind "lan")',
          { code: 'GATEWAY_NOT_REACHABLE' },
        );
      }
      const { token, expiresAtMs } = bootstrap.issue();
      const setupCode = encodeSetupCode({ url: urls[0]!, urls, bootstrapToken: token, expiresAtMs });
      return { setupCode, url: urls[0]!, urls, expiresAtMs };
    },
    'node.list': () => ({ nodes: registry.list() }),
    'node.describe': wrap((p: { nodeId: string }) => registry.describe(p.nodeId)),
    'node.rename': wrap((p: { nodeId: string; displayName: string }) => {
      pairing.rename(p.nodeId, p.displayName);
      return { ok: true, nodeId: p.nodeId, displayName: p.displayName };
    }),
    'node.invoke': async (p, ctx) => {
      if (isHighRiskNodeCommand(p.command) && !hasScope(ctx.scopes, 'operator.admin')) throw new MissingScopeError('operator.admin', ['operator.admin']);
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

  return {
    pairing,
    registry,
    bootstrap,
    handlers,
    onOpen(conn: GatewayConnection) {
      if (conn.grant?.role !== 'node' || !conn.grant.deviceId || !conn.params) return;
      const c = conn.params.client;
      registry.attach({
        nodeId: conn.grant.deviceId,
        connId: conn.connId,
        connectedAtMs: conn.connectedAtMs,
        caps: conn.params.caps ?? [],
        commands: conn.params.commands ?? [],
        platform: c.platform,
        clientId: c.id,
        version: c.version,
        displayName: c.displayName,
        send: (event, payload) => conn.sendEvent(event, payload),
      });
    },
    onClose(conn: GatewayConnection) {
      if (conn.grant?.role === 'node' && conn.grant.deviceId) registry.detach(conn.grant.deviceId, conn.connId);
    },
  };
}
