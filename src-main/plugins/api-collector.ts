/**
 * The `api` object handed to a plugin's `register`: it checks each
 * registration (names, namespace, kind, duplicates within the plugin) and
 * collects it. Conflicts between plugins are the registry's business. Used in
 * the gateway process and in a plugin's child process alike, so it imports
 * nothing from the gateway beyond shared types.
 */
import { ALL_OPERATOR_SCOPES, type OperatorScope } from '../../src-shared/protocol/scopes.js';
import {
  PLUGIN_API_VERSION,
  PLUGIN_HOOK_NAMES,
  type ChannelDefinition,
  type JsonSchema,
  type PluginApi,
  type PluginHookHandlers,
  type PluginHookName,
  type PluginHttpRoute,
  type PluginKind,
  type PluginLogger,
  type PluginMemory,
  type PluginMethodHandler,
  type PluginStoreFactory,
  type PluginTool,
  type PluginWebSocketRoute,
} from '../../src-shared/plugin/api.js';
import { PluginApiError } from './errors.js';

/** Tool names as model APIs accept them. */
export const TOOL_NAME_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
const METHOD_SUFFIX_PATTERN = /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/;
const ROUTE_PATH_PATTERN = /^\/[A-Za-z0-9._~\-/]*$/;
const ROUTE_METHODS = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']);

/** One registered gateway method, as the plugin declared it. */
export interface CollectedMethod {
  name: string;
  scope: OperatorScope;
  handler: PluginMethodHandler;
  paramsSchema?: JsonSchema;
}

/** One hook handler. */
export interface CollectedHook {
  name: PluginHookName;
  handler: PluginHookHandlers[PluginHookName];
}

/** Everything one plugin registered, unwrapped. */
export interface Collected {
  channels: ChannelDefinition[];
  tools: PluginTool[];
  methods: CollectedMethod[];
  routes: PluginHttpRoute[];
  wsRoutes: PluginWebSocketRoute[];
  hooks: CollectedHook[];
  memory?: PluginMemory;
  stores: PluginStoreFactory[];
  /** `onStop` handlers, in registration order. */
  stopHandlers: (() => void | Promise<void>)[];
}

/** What the collector needs to know about the plugin. */
export interface CollectorOptions {
  id: string;
  kinds: readonly PluginKind[];
  /** Channel ids the manifest declares; `registerChannel` accepts only these. */
  channelIds: readonly string[];
  config: unknown;
  log: PluginLogger;
  dataDir: string;
}

/** How long one `onStop` handler may take before the unload goes on without it. */
export const STOP_HANDLER_TIMEOUT_MS = 5000;

/**
 * Runs a plugin's `onStop` handlers one after another, each with a deadline; failures and overruns are
 * reported to `onProblem`, never thrown, so an unload always finishes.
 */
export async function runStopHandlers(handlers: readonly (() => void | Promise<void>)[], onProblem: (message: string) => void, timeoutMs = STOP_HANDLER_TIMEOUT_MS): Promise<void> {
  for (const handler of handlers) {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const overrun = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), timeoutMs);
      timer.unref?.();
    });
    try {
      const outcome = await Promise.race([Promise.resolve().then(handler), overrun]);
      if (outcome === 'timeout') onProblem(`an onStop handler did not finish within ${timeoutMs} ms`);
    } catch (err) {
      onProblem(`an onStop handler failed: ${err instanceof Error ? err.message : String(err)}`);
    } finally {
      clearTimeout(timer);
    }
  }
}

/** Creates the api for one `register` call; `seal()` once it has settled so late registrations are refused loudly. */
export function createApiCollector(opts: CollectorOptions): { api: PluginApi; collected: Collected; seal(): void } {
  const { id } = opts;
  const collected: Collected = { channels: [], tools: [], methods: [], routes: [], wsRoutes: [], hooks: [], stores: [], stopHandlers: [] };
  let sealed = false;
  const fail = (message: string): never => {
    throw new PluginApiError(id, message);
  };
  const open = (what: string) => {
    if (sealed) fail(`${what} was called after register() finished; register everything inside register()`);
  };
  const needKind = (kind: PluginKind, what: string) => {
    if (!opts.kinds.includes(kind)) fail(`${what} needs kind "${kind}" in openclaw.plugin.json (it declares ${opts.kinds.join(', ') || 'none'})`);
  };
  const needFunction = (value: unknown, what: string) => {
    if (typeof value !== 'function') fail(`${what} must be a function`);
  };

  const api: PluginApi = {
    id,
    apiVersion: PLUGIN_API_VERSION,
    config: opts.config,
    log: opts.log,
    dataDir: opts.dataDir,
    registerChannel(channel) {
      open('registerChannel');
      needKind('channel', 'registerChannel');
      if (!channel || typeof channel.id !== 'string') return fail('registerChannel needs a channel with an id');
      if (!opts.channelIds.includes(channel.id)) fail(`channel "${channel.id}" is not listed in the manifest's channels (${opts.channelIds.join(', ')})`);
      if (collected.channels.some((c) => c.id === channel.id)) fail(`channel "${channel.id}" is registered twice`);
      if (typeof channel.label !== 'string' || channel.label === '') fail(`channel "${channel.id}" needs a label`);
      if (!channel.capabilities || typeof channel.capabilities.textLimit !== 'number') fail(`channel "${channel.id}" needs capabilities`);
      needFunction(channel.create, `channel "${channel.id}" create`);
      collected.channels.push(channel as ChannelDefinition);
    },
    registerTool(tool) {
      open('registerTool');
      if (!tool || typeof tool.name !== 'string' || !TOOL_NAME_PATTERN.test(tool.name)) fail(`tool name "${String(tool?.name)}" must be 1-64 letters, digits, _ or -`);
      if (collected.tools.some((t) => t.name === tool.name)) fail(`tool "${tool.name}" is registered twice`);
      if (typeof tool.description !== 'string') fail(`tool "${tool.name}" needs a description`);
      if (!isObject(tool.schema)) fail(`tool "${tool.name}" needs a JSON Schema object as schema`);
      needFunction(tool.execute, `tool "${tool.name}" execute`);
      collected.tools.push(tool as PluginTool);
    },
    registerMethod(name, scope, handler, options) {
      open('registerMethod');
      const prefix = `${id}.`;
      if (typeof name !== 'string' || !name.startsWith(prefix) || !METHOD_SUFFIX_PATTERN.test(name.slice(prefix.length))) {
        fail(`method "${String(name)}" must be named "${prefix}<name>" (letters, digits, _, - and dots)`);
      }
      if (!ALL_OPERATOR_SCOPES.includes(scope)) fail(`method "${name}" has unknown scope "${String(scope)}" (one of ${ALL_OPERATOR_SCOPES.join(', ')})`);
      if (collected.methods.some((m) => m.name === name)) fail(`method "${name}" is registered twice`);
      needFunction(handler, `method "${name}" handler`);
      if (options?.paramsSchema !== undefined && !isObject(options.paramsSchema)) fail(`method "${name}" paramsSchema must be a JSON Schema object`);
      collected.methods.push({ name, scope, handler, ...(options?.paramsSchema ? { paramsSchema: options.paramsSchema } : {}) });
    },
    registerHttpRoute(route) {
      open('registerHttpRoute');
      const where = `route ${String(route?.method)} ${String(route?.path)}`;
      if (!route || !ROUTE_METHODS.has(route.method)) fail(`${where}: method must be one of ${[...ROUTE_METHODS].join(', ')}`);
      if (typeof route.path !== 'string' || !ROUTE_PATH_PATTERN.test(route.path) || route.path.includes('//') || route.path.split('/').some((s) => s === '..' || s === '.')) {
        fail(`${where}: path must start with / and use only letters, digits and . _ ~ - / (no . or .. segments)`);
      }
      if (collected.routes.some((r) => r.method === route.method && r.path === route.path)) fail(`${where} is registered twice`);
      needFunction(route.handler, `${where} handler`);
      collected.routes.push({ ...route, public: route.public === true });
    },
    registerWebSocketRoute(route) {
      open('registerWebSocketRoute');
      const where = `WebSocket route ${String(route?.path)}`;
      if (!route || typeof route.path !== 'string' || !ROUTE_PATH_PATTERN.test(route.path) || route.path.includes('//') || route.path.split('/').some((s) => s === '..' || s === '.')) {
        fail(`${where}: path must start with / and use only letters, digits and . _ ~ - / (no . or .. segments)`);
      }
      if (collected.wsRoutes.some((r) => r.path === route.path)) fail(`${where} is registered twice`);
      needFunction(route.onConnection, `${where} onConnection`);
      if (route.verify !== undefined) needFunction(route.verify, `${where} verify`);
      // Reachable without the gateway token: the plugin must say how it tells its platform from strangers.
      if (route.public === true && route.verify === undefined) fail(`${where} is public, so it needs a verify(req) that checks the caller (a signature)`);
      collected.wsRoutes.push({ ...route, public: route.public === true });
    },
    on(hook, handler) {
      open('on');
      if (!PLUGIN_HOOK_NAMES.includes(hook)) fail(`unknown hook "${String(hook)}" (one of ${PLUGIN_HOOK_NAMES.join(', ')})`);
      needFunction(handler, `hook "${hook}" handler`);
      collected.hooks.push({ name: hook, handler: handler as PluginHookHandlers[PluginHookName] });
    },
    registerMemory(memory) {
      open('registerMemory');
      needKind('memory', 'registerMemory');
      if (collected.memory) fail('registerMemory was called twice; a plugin provides one memory');
      needFunction(memory?.search, 'memory search');
      collected.memory = memory;
    },
    registerStore(factory) {
      open('registerStore');
      needKind('storage', 'registerStore');
      if (!factory || typeof factory.id !== 'string' || factory.id === '') fail('registerStore needs a store with an id');
      if (collected.stores.some((s) => s.id === factory.id)) fail(`store "${factory.id}" is registered twice`);
      needFunction(factory.create, `store "${factory.id}" create`);
      collected.stores.push(factory);
    },
    onStop(handler) {
      open('onStop');
      needFunction(handler, 'onStop handler');
      collected.stopHandlers.push(handler);
    },
  };
  return { api: Object.freeze(api), collected, seal: () => void (sealed = true) };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
