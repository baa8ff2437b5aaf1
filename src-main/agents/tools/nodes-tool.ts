import { Type, type Static } from '@sinclair/typebox';
import { isHostNodeCommand } from '../../../src-shared/domain/node-commands.js';
import type { AgentTool } from './types.js';

const Params = Type.Object(
  {
    action: Type.Union([Type.Literal('list'), Type.Literal('invoke')], { description: 'list the nodes, or invoke a command on one' }),
    nodeId: Type.Optional(Type.String({ description: 'Node to invoke (from list).' })),
    command: Type.Optional(Type.String({ description: 'Command the node offers, e.g. device.info, location.get, system.notify.' })),
    params: Type.Optional(Type.Record(Type.String(), Type.Unknown(), { description: 'Command parameters.' })),
    timeoutMs: Type.Optional(Type.Integer({ minimum: 100, maximum: 120_000 })),
  },
  { additionalProperties: false },
);

/** `nodes`: the agent's view of paired devices (phones, other computers) and their commands. */
export const nodesTool: AgentTool<Static<typeof Params>> = {
  name: 'nodes',
  description: "List the user's paired devices (nodes) and run the commands they offer (location, notifications, device info…).",
  group: 'nodes',
  schema: Params,
  async execute(p, ctx) {
    const svc = ctx.services;
    if (!svc.listNodes || !svc.invokeNode) return { content: 'Nodes are not available in this runtime.', isError: true };
    if (p.action === 'list') {
      const nodes = await svc.listNodes();
      if (!nodes.length) return { content: 'No nodes are paired. The user can pair a phone with `openclaw qr`.', details: { nodes } };
      const line = (n: (typeof nodes)[number]) => {
        const usable = n.allowedCommands ?? n.commands;
        const waiting = n.commands.filter((c) => !usable.includes(c));
        return `- ${n.nodeId} ${n.displayName ?? ''} (${n.platform ?? 'unknown'}, ${n.connected ? 'connected' : 'offline'}): ${usable.join(', ') || 'no commands'}${waiting.length ? ` (not approved or not allowed yet: ${waiting.join(', ')})` : ''}`;
      };
      return { content: nodes.map(line).join('\n'), details: { nodes } };
    }
    if (!p.nodeId || !p.command) return { content: 'invoke needs nodeId and command.', isError: true };
    // Host commands (system.run, fs.*, browser.proxy…): an operator with the admin scope may invoke them, an agent never.
    if (isHostNodeCommand(p.command)) return { content: `${p.command} runs on the node's host and can only be invoked by the user, not by an agent.`, isError: true };
    const r = await svc.invokeNode({ nodeId: p.nodeId, command: p.command, params: p.params, timeoutMs: p.timeoutMs ?? 30_000 });
    return r.ok ? { content: JSON.stringify(r.payload ?? null), details: r } : { content: `${r.error?.code ?? 'FAILED'}: ${r.error?.message ?? 'the node did not answer'}`, isError: true, details: r };
  },
};
