/**
 * Messages between the gateway and a plugin's child process (JSON-RPC 2.0,
 * one JSON message per line on stdin/stdout).
 *
 * Parent → child requests: `initialize`, `tool.call`, `method.call`,
 * `hook.call`, `route.call`, `memory.call`, `ping`, `shutdown`.
 * Child → parent notifications: `log`. Either side: `$/cancel`.
 */
import type { ChannelCapabilities } from '../../src-shared/domain/channel.js';
import type { OperatorScope } from '../../src-shared/protocol/scopes.js';
import type { JsonSchema, PluginHookName, PluginHttpRequest, PluginKind, PluginMethodContext } from '../../src-shared/plugin/api.js';

/** `initialize` params. */
export interface InitializeParams {
  pluginId: string;
  entry: string;
  kinds: PluginKind[];
  channelIds: string[];
  config: unknown;
  dataDir: string;
  /** The API version the gateway speaks. */
  apiVersion: number;
  registerTimeoutMs: number;
}

/** `initialize` result: what the plugin registered, as JSON. Hooks and routes are addressed by index. */
export interface Registrations {
  tools: { name: string; description: string; group?: string; schema: JsonSchema }[];
  methods: { name: string; scope: OperatorScope; paramsSchema?: JsonSchema }[];
  hooks: PluginHookName[];
  routes: { method: string; path: string; public: boolean }[];
  channels: { id: string; label: string; capabilities: ChannelCapabilities; settingsSchema?: JsonSchema; threadIsTopic?: boolean }[];
  memory?: { get: boolean; add: boolean; remove: boolean };
  stores: { id: string; description?: string }[];
}

export interface ToolCallParams {
  name: string;
  params: unknown;
  ctx: { agentId: string; sessionKey: string };
}

export interface MethodCallParams {
  name: string;
  params: unknown;
  ctx: PluginMethodContext;
}

export interface HookCallParams {
  index: number;
  event: unknown;
}

export interface RouteCallParams {
  index: number;
  request: PluginHttpRequest;
}

export interface MemoryCallParams {
  op: 'search' | 'get' | 'add' | 'remove';
  arg: unknown;
}

/** `log` notification. */
export interface LogParams {
  level: 'debug' | 'info' | 'warn' | 'error';
  msg: string;
  fields?: Record<string, unknown>;
}
