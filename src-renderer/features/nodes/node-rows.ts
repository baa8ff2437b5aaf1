import type { MethodResult } from '../../../src-shared/protocol/index.js';
import type { ShownError } from '../../ui-error.js';
import { deviceName } from '../pairing/pairing-requests.js';

export type NodeInfo = MethodResult<'node.list'>['nodes'][number];
export type PairedDevice = MethodResult<'device.pair.list'>['paired'][number];
export type NodeApprovals = MethodResult<'node.pair.list'>;
export type NodeCommandRequest = NodeApprovals['pending'][number];

/** One node as the page lists it, whichever of `node.list` and `device.pair.list` knew about it. */
export interface NodeRow {
  id: string;
  name: string;
  platform?: string;
  version?: string;
  /** Declared on the node's current connection. */
  commands: string[];
  /** The declared commands that run now (approved and allowed by policy); unknown when the gateway did not say. */
  allowedCommands?: string[];
  connected: boolean;
  connectedAtMs?: number;
  lastSeenAtMs?: number;
  /** In the paired-device list, so it can be removed from here. */
  paired: boolean;
}

const byConnectedThenName = (a: { connected: boolean; name: string }, b: { connected: boolean; name: string }) =>
  Number(b.connected) - Number(a.connected) || a.name.localeCompare(b.name);

/**
 * Nodes from `node.list` merged with paired devices of role `node` (either list may be missing:
 * the paired list needs the pairing scope). Connected first, then by name.
 */
export function buildNodeRows(nodes: readonly NodeInfo[], paired: readonly PairedDevice[] | undefined): NodeRow[] {
  const pairedNodes = new Map((paired ?? []).filter((d) => d.role === 'node').map((d) => [d.deviceId, d]));
  const rows: NodeRow[] = nodes.map((n) => {
    const p = pairedNodes.get(n.nodeId);
    pairedNodes.delete(n.nodeId);
    return {
      id: n.nodeId,
      name: deviceName({ displayName: n.displayName ?? p?.displayName, clientId: n.clientId ?? p?.clientId }, n.nodeId),
      platform: n.platform ?? p?.platform,
      version: n.version,
      commands: n.commands,
      ...(n.allowedCommands ? { allowedCommands: n.allowedCommands } : {}),
      connected: n.connected,
      connectedAtMs: n.connectedAtMs,
      lastSeenAtMs: n.lastSeenAtMs ?? p?.lastSeenAtMs,
      paired: p !== undefined,
    };
  });
  for (const p of pairedNodes.values()) {
    rows.push({ id: p.deviceId, name: deviceName(p, p.deviceId), platform: p.platform, commands: [], connected: p.connected, lastSeenAtMs: p.lastSeenAtMs, paired: true });
  }
  return rows.sort(byConnectedThenName);
}

/** Paired devices that are not nodes (browsers, the CLI, desktop apps): connected first, then by name. */
export function otherDevices(paired: readonly PairedDevice[]): (PairedDevice & { name: string })[] {
  return paired
    .filter((d) => d.role !== 'node')
    .map((d) => ({ ...d, name: deviceName(d, d.deviceId) }))
    .sort(byConnectedThenName);
}

/** A node's commands as the page shows them: what it declares apart from what an operator approved. */
export interface NodeCommandGroups {
  declared: string[];
  /** Declared and approved by an operator. */
  approved: string[];
  /** Approved and allowed by the node policy: what agents and operators can invoke now. */
  runs: string[];
  /** Approved, but the node policy (platform ceiling, denyCommands) still blocks them. */
  blocked: string[];
  /** In the node's pending request, waiting for an operator. */
  waiting: string[];
}

/** Sort a node's declared commands into approved, running, blocked and waiting; `approvals` needs the pairing scope. */
export function nodeCommandGroups(row: Pick<NodeRow, 'id' | 'commands' | 'allowedCommands'>, approvals: NodeApprovals | undefined): NodeCommandGroups {
  const approvedSet = new Set(approvals?.paired.find((p) => p.nodeId === row.id)?.commands ?? []);
  const runs = row.allowedCommands ?? [];
  const runsSet = new Set(runs);
  const waitingSet = new Set(pendingRequestFor(row.id, approvals)?.commands ?? []);
  const approved = row.commands.filter((c) => approvedSet.has(c) || runsSet.has(c));
  return {
    declared: row.commands,
    approved,
    runs,
    blocked: approved.filter((c) => !runsSet.has(c)),
    waiting: row.commands.filter((c) => waitingSet.has(c)),
  };
}

export function pendingRequestFor(nodeId: string, approvals: NodeApprovals | undefined): NodeCommandRequest | undefined {
  return approvals?.pending.find((r) => r.node.nodeId === nodeId);
}

/** The name a node's request goes by: its display name, client id or the start of its id. */
export const requestNodeName = (r: NodeCommandRequest): string => deviceName(r.node, r.node.nodeId);

/** `a, b, c +2 more`, or `none`. */
export function summarizeCommands(commands: readonly string[], max = 5): string {
  if (commands.length === 0) return 'none';
  const shown = commands.slice(0, max).join(', ');
  return commands.length > max ? `${shown} +${commands.length - max} more` : shown;
}

/** The gateway only listens on loopback, so it cannot tell a phone where to connect without an address. */
export const isNotReachable = (e: ShownError | undefined): boolean => e?.code === 'GATEWAY_NOT_REACHABLE';
