/**
 * What plugins contribute, as the gateway sees it: every callable is async,
 * validated, timed and guarded, whether the plugin runs in this process or in
 * a child. A throw or timeout inside a plugin fails that one call with a
 * `PluginCallError` naming the plugin, and is counted on its record; nothing
 * else is taken down, and the plugin stays loaded (a plugin that fails every
 * call is visible in `plugins list` through `callErrors`/`lastCallError`).
 */
import type { Store, StoreOpenOptions } from '../../src-shared/store/types.js';
import type { PeerKind } from '../../src-shared/domain/inbound.js';
import type { ChannelCapabilities } from '../../src-shared/domain/channel.js';
import type { OperatorScope } from '../../src-shared/protocol/scopes.js';
import type {
  ChannelDefinition,
  JsonSchema,
  MemoryHit,
  MemoryOwnerQuery,
  PluginHookHandlers,
  PluginHookName,
  PluginHttpRequest,
  PluginWebSocket,
  PluginHttpResponse,
  PluginLogger,
  PluginMethodContext,
  PluginToolResult,
} from '../../src-shared/plugin/api.js';
import type { Collected } from './api-collector.js';
import { PluginCallError, PluginParamsError, PluginUnavailableError, errorMessage } from './errors.js';
import { compileJsonSchema, formatSchemaIssues } from './json-schema.js';

/** A channel a plugin provides. `definition` is present for in-process plugins only. */
export interface RegisteredChannel {
  pluginId: string;
  id: string;
  label: string;
  capabilities: ChannelCapabilities;
  settingsSchema?: JsonSchema;
  threadIsTopic?: boolean;
  bareTargetKind?(id: string): PeerKind;
  definition?: ChannelDefinition;
}

/** What a plugin tool call knows about its caller (the signal is the caller's abort). */
export interface ToolCallContext {
  agentId: string;
  sessionKey: string;
  signal?: AbortSignal;
}

/** An agent tool from a plugin; `execute` validates params against `schema` itself. */
export interface RegisteredTool {
  pluginId: string;
  name: string;
  description: string;
  group?: string;
  schema: JsonSchema;
  execute(params: unknown, ctx: ToolCallContext): Promise<PluginToolResult>;
}

/** A gateway RPC method from a plugin; `call` validates params against `paramsSchema`. */
export interface RegisteredMethod {
  pluginId: string;
  name: string;
  scope: OperatorScope;
  paramsSchema?: JsonSchema;
  call(params: unknown, ctx: PluginMethodContext): Promise<unknown>;
}

/** An HTTP route; `path` is the full path (`/plugins/<id>/…`). */
export interface RegisteredRoute {
  pluginId: string;
  method: string;
  path: string;
  public: boolean;
  handle(req: PluginHttpRequest): Promise<PluginHttpResponse>;
}

/** A WebSocket route; `path` is the full path (`/plugins/<id>/…`). */
export interface RegisteredWebSocketRoute {
  pluginId: string;
  path: string;
  public: boolean;
  /** The plugin's check of the upgrade request; a failing or slow check refuses it. */
  verify(req: PluginHttpRequest): Promise<boolean>;
  /** Hands an accepted socket to the plugin; a throw closes the socket and counts against the plugin. */
  connect(socket: PluginWebSocket, req: PluginHttpRequest): void;
}

/** Result type of a hook. */
export type HookResult<K extends PluginHookName> = Awaited<ReturnType<PluginHookHandlers[K]>>;

/** One hook handler; `critical` comes from the plugin's manifest. */
export interface RegisteredHook<K extends PluginHookName = PluginHookName> {
  pluginId: string;
  name: K;
  critical: boolean;
  run(event: Parameters<PluginHookHandlers[K]>[0]): Promise<HookResult<K>>;
}

/** The memory backend, every call guarded. */
export interface RegisteredMemory {
  pluginId: string;
  search(query: { text: string; limit?: number; agentId?: string; sessionKey?: string }): Promise<MemoryHit[]>;
  get(id: string): Promise<MemoryHit | undefined>;
  add(entry: { text: string; metadata?: Record<string, unknown>; agentId?: string; sessionKey?: string }): Promise<{ id: string }>;
  remove(id: string): Promise<void>;
  /** Present when the plugin can count a person's memories (see {@link PluginMemory.countOwner}). */
  countOwner?(query: MemoryOwnerQuery): Promise<{ owner: string; count: number }>;
  /** Present when the plugin can forget a person's memories (see {@link PluginMemory.forgetOwner}). */
  forgetOwner?(query: MemoryOwnerQuery): Promise<{ owner: string; removed: number }>;
}

/** A storage backend factory. */
export interface RegisteredStore {
  pluginId: string;
  id: string;
  description?: string;
  create(options: StoreOpenOptions & { dataDir: string }): Promise<Store>;
}

/** Everything one plugin contributes. */
export interface PluginContributions {
  channels: RegisteredChannel[];
  tools: RegisteredTool[];
  methods: RegisteredMethod[];
  routes: RegisteredRoute[];
  /** In-process plugins only: a socket cannot be handed across a process boundary. */
  wsRoutes: RegisteredWebSocketRoute[];
  hooks: RegisteredHook[];
  memory?: RegisteredMemory;
  stores: RegisteredStore[];
}

/** Longest a call may take before it fails (a hook holds up every turn, so it gets little). */
export interface CallTimeouts {
  toolMs: number;
  methodMs: number;
  hookMs: number;
  routeMs: number;
  /** A channel call into a plugin process (send, typing, stop); a send that times out is retried by delivery. */
  channelMs: number;
}

export const DEFAULT_CALL_TIMEOUTS: CallTimeouts = Object.freeze({ toolMs: 120_000, methodMs: 30_000, hookMs: 5_000, routeMs: 30_000, channelMs: 60_000 });

/** How calls into one plugin are guarded. */
export interface CallGuard {
  pluginId: string;
  critical: boolean;
  timeouts: CallTimeouts;
  /** Every failed call (not invalid params, not caller aborts). */
  onCallError(err: PluginCallError): void;
  /** The reason the plugin takes no calls now, or undefined when it does. */
  unavailable(): string | undefined;
}

/**
 * Runs one call into plugin code: sync throws, rejections and timeouts all
 * become a `PluginCallError`. The signal passed to `fn` is aborted on timeout
 * and when `outer` aborts (a caller's abort is passed through, not blamed).
 */
export async function guardCall<T>(guard: CallGuard, target: string, timeoutMs: number, fn: (signal: AbortSignal) => T | Promise<T>, outer?: AbortSignal): Promise<T> {
  const reason = guard.unavailable();
  if (reason !== undefined) throw new PluginUnavailableError(guard.pluginId, reason);
  if (outer?.aborted) throw abortReason(outer);
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  const stop = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const err = new PluginCallError(guard.pluginId, target, `timed out after ${timeoutMs} ms`);
      controller.abort(err);
      reject(err);
    }, timeoutMs);
    if (outer) {
      onAbort = () => {
        controller.abort(abortReason(outer));
        reject(new CallerAbort(abortReason(outer)));
      };
      outer.addEventListener('abort', onAbort, { once: true });
    }
  });
  try {
    // `then` turns a synchronous throw inside fn into a rejection.
    return await Promise.race([Promise.resolve().then(() => fn(controller.signal)), stop]);
  } catch (err) {
    if (err instanceof CallerAbort) throw err.reason;
    if (err instanceof PluginUnavailableError) throw err;
    const wrapped = err instanceof PluginCallError && err.pluginId === guard.pluginId ? err : new PluginCallError(guard.pluginId, target, errorMessage(err), { cause: err });
    guard.onCallError(wrapped);
    throw wrapped;
  } finally {
    clearTimeout(timer);
    if (onAbort) outer?.removeEventListener('abort', onAbort);
  }
}

/** Marks a caller's abort so it is passed through instead of blamed on the plugin. */
class CallerAbort {
  constructor(readonly reason: unknown) {}
}

function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new Error('aborted');
}

/** Throws `PluginParamsError` when `params` do not match `schema`. */
export function checkParams(pluginId: string, target: string, schema: JsonSchema | undefined, params: unknown): void {
  if (!schema) return;
  const issues = compileJsonSchema(schema).validate(params);
  if (issues.length > 0) throw new PluginParamsError(pluginId, target, formatSchemaIssues(issues));
}

/** A tool's return value as the gateway needs it; anything else is the plugin's bug. */
export function normalizeToolResult(value: unknown): PluginToolResult {
  if (typeof value === 'string') return { content: value };
  if (value && typeof value === 'object' && typeof (value as PluginToolResult).content === 'string') {
    const r = value as PluginToolResult;
    return { content: r.content, ...(r.isError ? { isError: true } : {}), ...(r.details === undefined ? {} : { details: r.details }) };
  }
  throw new Error('the tool returned neither a string nor { content: string }');
}

/** A route's answer as the HTTP layer needs it. */
export function normalizeHttpResponse(value: unknown): PluginHttpResponse {
  if (!value || typeof value !== 'object') throw new Error('the route returned no response object');
  const r = value as PluginHttpResponse;
  if (r.status !== undefined && (!Number.isInteger(r.status) || r.status < 100 || r.status > 599)) throw new Error(`the route returned an invalid status ${String(r.status)}`);
  if (r.body !== undefined && typeof r.body !== 'string') throw new Error('the route body must be a string');
  return r;
}

/** The full mount path of a plugin route. */
export function routeMountPath(pluginId: string, path: string): string {
  return `/plugins/${pluginId}${path === '/' ? '' : path}`;
}

/** Compiles a manifest's `groupIdPattern` (or a code-level rule) into `bareTargetKind`. */
export function bareTargetKindFromPattern(pattern: string | undefined): ((id: string) => PeerKind) | undefined {
  if (pattern === undefined) return undefined;
  let rule = targetRules.get(pattern);
  if (!rule) {
    const re = new RegExp(pattern);
    rule = (id) => (re.test(id) ? 'group' : 'direct');
    targetRules.set(pattern, rule);
  }
  return rule;
}

// The catalog is rebuilt from the manifests on each lookup (status, send): each pattern is compiled once.
const targetRules = new Map<string, (id: string) => PeerKind>();

/** Wraps what an in-process plugin registered. */
export function wrapCollected(collected: Collected, guard: CallGuard, log: PluginLogger): PluginContributions {
  const { pluginId, timeouts } = guard;
  const call = <T>(target: string, ms: number, fn: (signal: AbortSignal) => T | Promise<T>, outer?: AbortSignal) => guardCall(guard, target, ms, fn, outer);
  const memory = collected.memory;
  const unsupported = (what: string) => () => Promise.reject(new PluginCallError(pluginId, `memory ${what}`, 'not supported by this memory plugin'));
  return {
    channels: collected.channels.map((c) => ({
      pluginId,
      id: c.id,
      label: c.label,
      capabilities: c.capabilities,
      ...(c.settingsSchema ? { settingsSchema: c.settingsSchema } : {}),
      ...(c.targetRules?.threadIsTopic ? { threadIsTopic: true } : {}),
      ...(c.targetRules?.bareTargetKind ? { bareTargetKind: c.targetRules.bareTargetKind.bind(c.targetRules) } : {}),
      definition: c,
    })),
    tools: collected.tools.map((t) => ({
      pluginId,
      name: t.name,
      description: t.description,
      ...(t.group ? { group: t.group } : {}),
      schema: t.schema,
      async execute(params, ctx) {
        const target = `tool "${t.name}"`;
        checkParams(pluginId, target, t.schema, params);
        return call(target, timeouts.toolMs, async (signal) => normalizeToolResult(await t.execute(params, { agentId: ctx.agentId, sessionKey: ctx.sessionKey, signal })), ctx.signal);
      },
    })),
    methods: collected.methods.map((m) => ({
      pluginId,
      name: m.name,
      scope: m.scope,
      ...(m.paramsSchema ? { paramsSchema: m.paramsSchema } : {}),
      async call(params, ctx) {
        const target = `method "${m.name}"`;
        checkParams(pluginId, target, m.paramsSchema, params);
        return call(target, timeouts.methodMs, () => m.handler(params, ctx));
      },
    })),
    routes: collected.routes.map((r) => ({
      pluginId,
      method: r.method,
      path: routeMountPath(pluginId, r.path),
      public: r.public === true,
      handle: (req) => call(`route ${r.method} ${r.path}`, timeouts.routeMs, async () => normalizeHttpResponse(await r.handler(req))),
    })),
    wsRoutes: collected.wsRoutes.map((r) => ({
      pluginId,
      path: routeMountPath(pluginId, r.path),
      public: r.public === true,
      verify: async (req) => {
        if (!r.verify) return true;
        try {
          return (await call(`WebSocket route ${r.path} verify`, timeouts.routeMs, () => r.verify!(req))) === true;
        } catch {
          return false;
        }
      },
      connect(socket, req) {
        try {
          r.onConnection(socket, req);
        } catch (err) {
          socket.close(1011, 'the plugin failed');
          guard.onCallError(new PluginCallError(pluginId, `WebSocket route ${r.path}`, err instanceof Error ? err.message : String(err)));
        }
      },
    })),
    hooks: collected.hooks.map((h) => ({
      pluginId,
      name: h.name,
      critical: guard.critical,
      run: (event: never) => call(`hook "${h.name}"`, timeouts.hookMs, () => (h.handler as (e: unknown) => unknown)(event)),
    })) as RegisteredHook[],
    ...(memory
      ? {
          memory: {
            pluginId,
            search: (q) => call('memory search', timeouts.methodMs, () => memory.search(q)),
            get: memory.get ? (id) => call('memory get', timeouts.methodMs, () => memory.get!(id)) : unsupported('get'),
            add: memory.add ? (e) => call('memory add', timeouts.methodMs, () => memory.add!(e)) : unsupported('add'),
            remove: memory.remove ? (id) => call('memory remove', timeouts.methodMs, () => memory.remove!(id)) : unsupported('remove'),
            ...(memory.countOwner ? { countOwner: (q: MemoryOwnerQuery) => call('memory countOwner', timeouts.methodMs, () => memory.countOwner!(q)) } : {}),
            ...(memory.forgetOwner ? { forgetOwner: (q: MemoryOwnerQuery) => call('memory forgetOwner', timeouts.methodMs, () => memory.forgetOwner!(q)) } : {}),
          } satisfies RegisteredMemory,
        }
      : {}),
    stores: collected.stores.map((s) => ({
      pluginId,
      id: s.id,
      ...(s.description ? { description: s.description } : {}),
      create: (o: StoreOpenOptions & { dataDir: string }) => call(`store "${s.id}" create`, timeouts.methodMs, () => s.create({ ...o, log })),
    })),
  };
}
