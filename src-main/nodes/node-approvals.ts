import { randomUUID } from 'node:crypto';
import { approvalScopeFor, decideNodeCommand, effectiveNodeCommands, withinNodeCeiling, type NodeCommandDecision } from '../../src-shared/domain/node-commands.js';
import type { NodePairRequestRecord, Store } from '../store/types.js';

/** `gateway.nodes.allowCommands` / `denyCommands`, read live so a reload applies at once. */
export interface NodeCommandPolicy {
  allow: readonly string[];
  deny: readonly string[];
}

/** What the gateway knows about a connected node's command surface. */
export interface NodeSurface {
  nodeId: string;
  commands: readonly string[];
  platform?: string;
  deviceFamily?: string;
  clientId?: string;
  displayName?: string;
}

/** A pending request as operators see it (`node.pair.list`, `openclaw nodes pending`). */
export interface NodePairRequestView {
  requestId: string;
  node: { nodeId: string; displayName?: string; platform?: string; clientId?: string };
  commands: string[];
  /** Commands in the request the platform policy blocks even once approved (`gateway.nodes.allowCommands` opts in). */
  blockedByPolicy: string[];
  /** The scopes approving this request needs besides `operator.pairing`. */
  requiredScopes: string[];
  createdAtMs: number;
}

/** A refusal to act on a node pairing request. */
export class NodeApprovalError extends Error {
  override readonly name = 'NodeApprovalError';
  constructor(
    message: string,
    readonly code: 'APPROVAL_NOT_FOUND',
  ) {
    super(message);
  }
}

/**
 * Node capability approval, the second layer after device pairing: a node's
 * declared commands run only once an operator approved them. A new or widened
 * surface becomes one pending request per node; it never expires, and a
 * changed surface supersedes it with a new request id, so an approval always
 * covers exactly the list the operator was shown.
 */
export class NodeApprovals {
  constructor(
    private readonly store: Store,
    private readonly emit: (event: string, payload: unknown) => void,
    private readonly policy: () => NodeCommandPolicy,
    private readonly now: () => number = Date.now,
  ) {}

  /** A node connected: record a request for what it declares beyond its approvals (or drop one it no longer needs). */
  async onConnect(node: NodeSurface): Promise<NodePairRequestRecord | undefined> {
    const approved = new Set(await this.store.nodeApprovals.approved(node.nodeId));
    const wanted = [...new Set(node.commands)].filter((c) => !approved.has(c)).sort();
    const existing = await this.store.nodeApprovals.requestForNode(node.nodeId);
    if (existing && sameList(existing.commands, wanted)) return existing;
    if (existing) {
      await this.store.nodeApprovals.deleteRequest(existing.requestId);
      this.emit('node.pair.resolved', { requestId: existing.requestId, nodeId: node.nodeId, decision: 'superseded' });
    }
    if (!wanted.length) return undefined;
    const rec: NodePairRequestRecord = {
      requestId: randomUUID(),
      nodeId: node.nodeId,
      commands: wanted,
      ...(node.platform ? { platform: node.platform } : {}),
      ...(node.deviceFamily ? { deviceFamily: node.deviceFamily } : {}),
      ...(node.clientId ? { clientId: node.clientId } : {}),
      ...(node.displayName ? { displayName: node.displayName } : {}),
      createdAtMs: this.now(),
    };
    await this.store.nodeApprovals.putRequest(rec);
    this.emit('node.pair.requested', this.view(rec));
    return rec;
  }

  async list(): Promise<{ pending: NodePairRequestView[]; paired: { nodeId: string; displayName?: string; platform?: string; commands: string[]; approvedAtMs: number }[] }> {
    const devices = new Map((await this.store.devices.list()).map((d) => [d.deviceId, d]));
    return {
      pending: (await this.store.nodeApprovals.listRequests()).map((r) => this.view(r)),
      paired: (await this.store.nodeApprovals.listApproved()).map((a) => {
        const d = devices.get(a.nodeId);
        return { ...a, ...(d?.displayName ? { displayName: d.displayName } : {}), ...(d?.platform ? { platform: d.platform } : {}) };
      }),
    };
  }

  /** The request, for the caller to check scopes before approving it. */
  async get(requestId: string): Promise<NodePairRequestView> {
    return this.view(await this.mustGet(requestId));
  }

  async approve(requestId: string): Promise<{ requestId: string; nodeId: string; commands: string[] }> {
    const req = await this.mustGet(requestId);
    await this.store.transaction(async (tx) => {
      await tx.nodeApprovals.approve(req.nodeId, req.commands, this.now());
      await tx.nodeApprovals.deleteRequest(requestId);
    });
    this.emit('node.pair.resolved', { requestId, nodeId: req.nodeId, decision: 'approved', commands: req.commands });
    return { requestId, nodeId: req.nodeId, commands: req.commands };
  }

  async reject(requestId: string): Promise<{ requestId: string; nodeId: string }> {
    const req = await this.mustGet(requestId);
    await this.store.nodeApprovals.deleteRequest(requestId);
    this.emit('node.pair.resolved', { requestId, nodeId: req.nodeId, decision: 'rejected' });
    return { requestId, nodeId: req.nodeId };
  }

  /** Withdraw every approval of a node (it stays paired as a device); it asks again when it reconnects. */
  async remove(nodeId: string): Promise<number> {
    const pending = await this.store.nodeApprovals.requestForNode(nodeId);
    const removed = await this.store.nodeApprovals.removeNode(nodeId);
    if (pending) this.emit('node.pair.resolved', { requestId: pending.requestId, nodeId, decision: 'removed' });
    return removed;
  }

  async decide(node: NodeSurface, command: string): Promise<NodeCommandDecision> {
    return decideNodeCommand({ command, declared: node.commands, approved: await this.store.nodeApprovals.approved(node.nodeId), platform: node.platform, deviceFamily: node.deviceFamily, ...this.policy() });
  }

  /** What would run on this node now. */
  async effective(node: NodeSurface): Promise<string[]> {
    return effectiveNodeCommands({ declared: node.commands, approved: await this.store.nodeApprovals.approved(node.nodeId), platform: node.platform, deviceFamily: node.deviceFamily, ...this.policy() });
  }

  async pendingFor(nodeId: string): Promise<string | undefined> {
    return (await this.store.nodeApprovals.requestForNode(nodeId))?.requestId;
  }

  private async mustGet(requestId: string): Promise<NodePairRequestRecord> {
    const req = await this.store.nodeApprovals.getRequest(requestId);
    if (!req) throw new NodeApprovalError(`no pending node request "${requestId}" (see openclaw nodes pending)`, 'APPROVAL_NOT_FOUND');
    return req;
  }

  private view(r: NodePairRequestRecord): NodePairRequestView {
    const p = this.policy();
    return {
      requestId: r.requestId,
      node: { nodeId: r.nodeId, ...(r.displayName ? { displayName: r.displayName } : {}), ...(r.platform ? { platform: r.platform } : {}), ...(r.clientId ? { clientId: r.clientId } : {}) },
      commands: r.commands,
      blockedByPolicy: r.commands.filter((command) => !withinNodeCeiling({ command, platform: r.platform, deviceFamily: r.deviceFamily, ...p })),
      requiredScopes: [...new Set(r.commands.map(approvalScopeFor))].sort(),
      createdAtMs: r.createdAtMs,
    };
  }
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
