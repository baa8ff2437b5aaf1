import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ConnectParams } from '../../src-shared/protocol/index.js';
import type { CanvasServices } from '../agents/tools/types.js';
import type { BootstrapTokens } from './bootstrap-tokens.js';
import type { DevicePairing } from './device-pairing.js';
import type { NodeApprovals } from './node-approvals.js';
import type { GatewayReach } from './reach.js';
import type { NodeInfo, NodeRegistry } from './node-registry.js';

/** A node as `node.list` shows it: registry facts plus its approved commands and any pending request. */
export type NodeView = NodeInfo & { allowedCommands: string[]; pendingRequestId?: string };

/** The pieces of a `connect` the handshake hands over when a device is unknown or presents a setup code. */
export interface NodesHandshakePort {
  /** Single-use setup-code tokens: true once per valid token. */
  consumeBootstrapToken(token: string): boolean;
  /** Records a pending pairing request for an unknown device (or a wider role/scope). */
  requestPairing(r: { deviceId: string; publicKey: string; role: string; scopes: string[]; reason: string; params: ConnectParams; remoteAddress: string }): { requestId: string };
}

/**
 * Devices and nodes inside the gateway: device pairing and tokens, node
 * command approval, the live node registry, setup codes and the canvas host.
 * The RPC methods over it live in `gateway/handlers/{devices,nodes}.ts`.
 */
export interface NodesRuntime {
  /** Device pairing requests, paired devices and their tokens. */
  readonly devices: DevicePairing;
  /** Which commands each node may run. */
  readonly approvals: NodeApprovals;
  /** Connected nodes and the invocations in flight. */
  readonly registry: NodeRegistry;
  /** Setup-code tokens. */
  readonly bootstrap: BootstrapTokens;
  /** The canvas host, for the agent's `canvas` tool. */
  readonly canvas: CanvasServices;
  readonly handshake: NodesHandshakePort;
  listNodes(): Promise<NodeView[]>;
  /** Where a phone can reach this gateway, or why it cannot (loopback only). */
  reachableUrls(): GatewayReach;
  /** Node events (`node.event`) go to operators. */
  publishNodeEvent(nodeId: string, event: string, payload: unknown): void;
  /** GET route of the canvas host on the gateway port. */
  canvasRoute(req: IncomingMessage, res: ServerResponse, pathname: string): boolean;
  /** The legacy canvas port (`canvasHost.port`): only the canvas, on its own listener. */
  listenLegacyCanvas(port: number, host: string, tls?: { cert: string; key: string }): Promise<LegacyCanvasListener>;
}

/** The legacy canvas port while it listens. */
export interface LegacyCanvasListener {
  port: number;
  /** Serves a renewed certificate to new connections (TLS only). */
  renewTls(tls: { cert: string; key: string }): void;
  close(): Promise<void>;
}
