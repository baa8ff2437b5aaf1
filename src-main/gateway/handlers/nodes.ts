import { hasScope } from '../../../src-shared/protocol/index.js';
import { isHostNodeCommand } from '../../../src-shared/domain/node-commands.js';
import { assertCanGrant } from '../../../src-shared/domain/scope-grant.js';
import { NodeInvokeError } from '../../nodes/node-registry.js';
import type { NodesRuntime } from '../../nodes/runtime-types.js';
import type { Handlers } from '../dispatcher.js';
import { InvalidRequestError, MissingScopeError } from '../errors.js';
import { callerOf } from './devices.js';

/** `node.*`: the node list, command approval and invocation. */
export function nodeHandlers(nodes: Pick<NodesRuntime, 'devices' | 'approvals' | 'registry' | 'listNodes' | 'publishNodeEvent'>): Handlers {
  const { approvals, registry } = nodes;
  return {
    'node.list': async () => ({ nodes: await nodes.listNodes() }),
    'node.describe': async (p) => {
      const n = (await nodes.listNodes()).find((x) => x.nodeId === p.nodeId);
      if (!n) throw new NodeInvokeError(`unknown node "${p.nodeId}"`, 'NODE_NOT_FOUND');
      return n;
    },
    'node.rename': async (p, ctx) => {
      await nodes.devices.rename(p.nodeId, p.displayName, callerOf(ctx));
      return { ok: true, nodeId: p.nodeId, displayName: p.displayName };
    },
    'node.pair.list': () => approvals.list(),
    'node.pair.approve': async (p, ctx) => {
      const req = await approvals.get(p.requestId);
      assertCanGrant(ctx.scopes, req.requiredScopes, `approve commands ${req.commands.join(', ')} on node "${req.node.nodeId}"`, ['operator.pairing']);
      return { ok: true, ...(await approvals.approve(p.requestId)), blockedByPolicy: req.blockedByPolicy };
    },
    'node.pair.reject': async (p) => ({ ok: true, ...(await approvals.reject(p.requestId)) }),
    'node.pair.remove': async (p) => ({ ok: true, nodeId: p.nodeId, removedCommands: await approvals.remove(p.nodeId) }),
    'node.invoke': async (p, ctx) => {
      if (isHostNodeCommand(p.command) && !hasScope(ctx.scopes, 'operator.admin')) throw new MissingScopeError('operator.admin', ['operator.admin']);
      return registry.invoke({ nodeId: p.nodeId, command: p.command, params: p.params, timeoutMs: p.timeoutMs ?? 30_000, idempotencyKey: p.idempotencyKey });
    },
    'node.invoke.cancel': (p) => ({ ok: true, cancelled: registry.cancel(undefined, p.idempotencyKey) }),
    'node.invoke.result': (p, ctx) => {
      if (!ctx.deviceId || !registry.result(ctx.deviceId, p)) throw new InvalidRequestError(`no invoke request "${p.id}" is waiting for this node (it may have timed out or been cancelled)`, { code: 'INVOKE_NOT_FOUND' });
      return { ok: true };
    },
    'node.invoke.progress': (p, ctx) => {
      nodes.publishNodeEvent(ctx.deviceId ?? 'unknown', 'invoke.progress', p);
      return { ok: true };
    },
    'node.event': (p, ctx) => {
      nodes.publishNodeEvent(ctx.deviceId ?? 'unknown', p.event, p.payload);
      return { ok: true };
    },
  };
}
