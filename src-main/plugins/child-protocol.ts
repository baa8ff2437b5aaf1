/**
 * Messages between the gateway and a plugin's child process (JSON-RPC 2.0,
 * one JSON message per line on stdin/stdout).
 *
 * Parent → child requests: `initialize`, `tool.call`, `method.call`,
 * `hook.call`, `route.call`, `memory.call`, `ping`, `shutdown`, and for
 * channel adapters `channel.create`, `channel.start`, `channel.stop`,
 * `channel.send`, `channel.sendTyping`.
 * Child → parent requests: `channel.emit` (answered once the gateway queued
 * the message, so the adapter acknowledges the platform after).
 * Child → parent notifications: `log`, `channel.heartbeat` (with the adapter's `describe()` facts when they
 * changed), `channel.fail`.
 * Either side: `$/cancel`.
 */
import type { ChannelCapabilities, ChannelSend } from '../../src-shared/domain/channel.js';
import type { InboundMessage } from '../../src-shared/domain/inbound.js';
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
  channels: { id: string; label: string; capabilities: ChannelCapabilities; settingsSchema?: JsonSchema; threadIsTopic?: boolean; login?: boolean; logout?: boolean }[];
  memory?: { get: boolean; add: boolean; remove: boolean; countOwner?: boolean; forgetOwner?: boolean };
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
  op: 'search' | 'get' | 'add' | 'remove' | 'countOwner' | 'forgetOwner';
  arg: unknown;
}

/** `log` notification. */
export interface LogParams {
  level: 'debug' | 'info' | 'warn' | 'error';
  msg: string;
  fields?: Record<string, unknown>;
  /** Set when a channel adapter logged: the gateway writes the line to that adapter's logger. */
  handle?: string;
}

/** `channel.create` params: one adapter for one account. */
export interface ChannelCreateParams {
  channelId: string;
  accountId: string;
  config: Record<string, unknown>;
  dataDir: string;
  /** The OS the gateway tells adapters they run on. */
  platform?: string;
  /** The gateway keeps the account's state in its store: the adapter's `ctx.state` asks for it by `channel.state`. */
  state?: boolean;
}

/** `channel.state` params (child → parent request): one operation on the account's state in the gateway's store. */
export type ChannelStateOp = { op: 'get'; key: string } | { op: 'set'; entries: Record<string, string | null> } | { op: 'list'; prefix: string } | { op: 'clear' };
export type ChannelStateParams = { handle: string } & ChannelStateOp;

/** `channel.login` / `channel.logout` params: an account's settings and folder, and (login) an id for its QR notifications. */
export interface ChannelLoginParams extends ChannelCreateParams {
  loginId: string;
}

/** `channel.loginQr` notification: a new QR payload for a running login. */
export interface ChannelLoginQrParams {
  loginId: string;
  qr: string;
}

/** `channel.create` result. `typing`: the adapter has `sendTyping`. */
export interface ChannelCreateResult {
  handle: string;
  typing: boolean;
}

/** `channel.start`, `channel.stop` params. */
export interface ChannelHandleParams {
  handle: string;
}

/** `channel.start` result: the adapter's `describe()` facts once connected. */
export interface ChannelStartResult {
  facts?: Record<string, unknown>;
}

/** `channel.heartbeat` (notification); `facts` when the adapter's `describe()` changed since it was last sent. */
export interface ChannelHeartbeatParams {
  handle: string;
  facts?: Record<string, unknown>;
}

/** `channel.send` params; the result is `{ messageId }`. */
export interface ChannelSendParams {
  handle: string;
  msg: ChannelSend;
}

/** `channel.sendTyping` params. */
export interface ChannelTypingParams {
  handle: string;
  to: ChannelSend['to'];
  threadId?: string;
}

/** `channel.emit` params (child → parent request). */
export interface ChannelEmitParams {
  handle: string;
  msg: InboundMessage;
}

/** `channel.fail` notification: the adapter's connection died after `start`. */
export interface ChannelFailParams {
  handle: string;
  error: ChannelErrorData;
}

/**
 * An adapter error as JSON (the `data` of an error answer to `channel.*`
 * requests), so the gateway can rebuild rate-limit, permanent and auth errors.
 */
export interface ChannelErrorData {
  name: string;
  message: string;
  retryAfterMs?: number;
}
