/**
 * Turns what a child process registered into gateway-side contributions whose
 * calls travel over JSON-RPC. Validation, timeouts and error counting are the
 * same guard the in-process plugins get; a call that outlives its timeout is
 * cancelled in the child too.
 */
import type { PluginHttpResponse, PluginToolResult } from '../../src-shared/plugin/api.js';
import type { Registrations } from './child-protocol.js';
import {
  bareTargetKindFromPattern,
  checkParams,
  guardCall,
  normalizeHttpResponse,
  normalizeToolResult,
  routeMountPath,
  type PluginContributions,
  type RegisteredHook,
} from './contributions.js';
import { PluginCallError } from './errors.js';
import type { PluginLoadRequest } from './plugin-registry.js';

/** The part of a plugin process that contributions need. */
export interface ProcessCaller {
  call<T>(method: string, params: unknown, signal?: AbortSignal): Promise<T>;
}

/** Contributions backed by RPC calls into the child. */
export function buildProcessContributions(req: PluginLoadRequest, reg: Registrations, proc: ProcessCaller): PluginContributions {
  const { guard } = req;
  const { pluginId, timeouts } = guard;
  const info = req.candidate.manifest.channelInfo ?? {};
  const memoryCall = <T>(op: string, arg: unknown) => guardCall(guard, `memory ${op}`, timeouts.methodMs, (signal) => proc.call<T>('memory.call', { op, arg }, signal));
  const noMemoryOp = (op: string) => () => Promise.reject(new PluginCallError(pluginId, `memory ${op}`, 'not supported by this memory plugin'));
  return {
    channels: reg.channels.map((c) => {
      const bare = bareTargetKindFromPattern(info[c.id]?.targetRules?.groupIdPattern);
      return {
        pluginId,
        id: c.id,
        label: c.label,
        capabilities: c.capabilities,
        ...(c.settingsSchema ? { settingsSchema: c.settingsSchema } : {}),
        ...(c.threadIsTopic ? { threadIsTopic: true } : {}),
        ...(bare ? { bareTargetKind: bare } : {}),
      };
    }),
    tools: reg.tools.map((t) => ({
      pluginId,
      name: t.name,
      description: t.description,
      ...(t.group ? { group: t.group } : {}),
      schema: t.schema,
      async execute(params, ctx): Promise<PluginToolResult> {
        const target = `tool "${t.name}"`;
        checkParams(pluginId, target, t.schema, params);
        const callCtx = { agentId: ctx.agentId, sessionKey: ctx.sessionKey };
        return guardCall(guard, target, timeouts.toolMs, async (signal) => normalizeToolResult(await proc.call('tool.call', { name: t.name, params, ctx: callCtx }, signal)), ctx.signal);
      },
    })),
    methods: reg.methods.map((m) => ({
      pluginId,
      name: m.name,
      scope: m.scope,
      ...(m.paramsSchema ? { paramsSchema: m.paramsSchema } : {}),
      async call(params, ctx) {
        const target = `method "${m.name}"`;
        checkParams(pluginId, target, m.paramsSchema, params);
        return guardCall(guard, target, timeouts.methodMs, (signal) => proc.call('method.call', { name: m.name, params, ctx: { clientId: ctx.clientId, scopes: [...ctx.scopes] } }, signal));
      },
    })),
    routes: reg.routes.map((r, index) => ({
      pluginId,
      method: r.method,
      path: routeMountPath(pluginId, r.path),
      public: r.public,
      handle: (request) =>
        guardCall(guard, `route ${r.method} ${r.path}`, timeouts.routeMs, async (signal): Promise<PluginHttpResponse> => normalizeHttpResponse(await proc.call('route.call', { index, request }, signal))),
    })),
    hooks: reg.hooks.map((name, index) => ({
      pluginId,
      name,
      critical: guard.critical,
      run: (event: unknown) => guardCall(guard, `hook "${name}"`, timeouts.hookMs, (signal) => proc.call('hook.call', { index, event }, signal)),
    })) as RegisteredHook[],
    ...(reg.memory
      ? {
          memory: {
            pluginId,
            search: (q) => memoryCall('search', q),
            get: reg.memory.get ? (id) => memoryCall('get', id) : noMemoryOp('get'),
            add: reg.memory.add ? (e) => memoryCall('add', e) : noMemoryOp('add'),
            remove: reg.memory.remove ? (id) => memoryCall('remove', id) : noMemoryOp('remove'),
          },
        }
      : {}),
    stores: reg.stores.map((s) => ({
      pluginId,
      id: s.id,
      ...(s.description ? { description: s.description } : {}),
      // A store hands the gateway a live object (a connection pool): that cannot cross a process boundary.
      create: () => Promise.reject(new PluginCallError(pluginId, `store "${s.id}"`, `storage backends run in the gateway process only; set plugins.entries.${pluginId}.isolation to "inprocess"`)),
    })),
  };
}
