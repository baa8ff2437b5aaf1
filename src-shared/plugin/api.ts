/**
 * The plugin API: everything a plugin may see of the gateway. A plugin's
 * entry exports `definePlugin({ id, register(api) })`; `register` receives a
 * `PluginApi` and declares what the plugin contributes (channels, tools,
 * methods, HTTP routes, hooks, memory, stores). Plugins never import gateway
 * files: these types, the `src-shared` domain types and the `api` object are
 * the whole surface, so the same plugin runs in the gateway process or in its
 * own child process.
 *
 * Pure: no Node, no DOM. Schemas are plain JSON Schema objects (TypeBox
 * schemas qualify), because they also cross a process boundary as JSON.
 */
import type { Store, StoreOpenOptions } from '../store/types.js';
import type { ChannelAdapter, ChannelCapabilities, ChannelContext, ChannelLogger, ChannelLoginEvents } from '../domain/channel.js';
import type { PeerKind } from '../domain/inbound.js';
import type { OperatorScope } from '../protocol/scopes.js';

/** The plugin API version this gateway speaks. Bumped only for breaking changes. */
export const PLUGIN_API_VERSION = 1;

/** Plugin API versions this gateway can load (inclusive). */
export const PLUGIN_API_RANGE: { readonly min: number; readonly max: number } = Object.freeze({ min: 1, max: 1 });

/** Whether a plugin written for `version` can be loaded by this gateway. */
export function isSupportedApiVersion(version: number): boolean {
  return Number.isInteger(version) && version >= PLUGIN_API_RANGE.min && version <= PLUGIN_API_RANGE.max;
}

/** Plugin ids: lowercase, digits, `-` and `_`; no dots, because a dot separates the method namespace. */
export const PLUGIN_ID_PATTERN = '^[a-z0-9][a-z0-9_-]{0,63}$';

/** What a plugin provides; a plugin may be several kinds at once. */
export type PluginKind = 'channel' | 'skill' | 'memory' | 'storage';

/** A JSON Schema document (draft-07 unless `$schema` says 2019-09 or 2020-12). */
export type JsonSchema = Record<string, unknown>;

/** The logger a plugin gets; lines land in the gateway log under `plugins/<id>`, secrets redacted. */
export type PluginLogger = ChannelLogger;

// ---- channels ----------------------------------------------------------------

/** How bare `send` targets and `--thread` are read on this platform. */
export interface ChannelTargetRules {
  /** The kind of a bare target id (default: a direct message). */
  bareTargetKind?(id: string): PeerKind;
  /** `send --thread` names a forum topic here, not a thread. */
  threadIsTopic?: boolean;
}

/** One configured account, its settings already validated against `settingsSchema`. */
export interface ChannelAccount<Settings = Record<string, unknown>> {
  id: string;
  /** `channels.<id>` merged with `channels.<id>.accounts.<accountId>` (account keys win). */
  config: Settings;
}

/** A chat channel a plugin provides. The gateway supervises, routes and formats; the adapter only talks to the platform. */
export interface ChannelDefinition<Settings = Record<string, unknown>> {
  /** Lowercase channel id, the key under `channels`; must be listed in the manifest's `channels`. */
  id: string;
  label: string;
  capabilities: ChannelCapabilities;
  /** JSON Schema of the channel's own keys in `channels.<id>` (and each account). */
  settingsSchema?: JsonSchema;
  targetRules?: ChannelTargetRules;
  /** Whether an account has what it needs to start (e.g. a token) on this OS; the reason when not. */
  checkConfig?(config: Settings, ctx: { platform: string }): { ok: true } | { ok: false; reason: string };
  /** One adapter per account. */
  create(account: ChannelAccount<Settings>, ctx: ChannelContext): ChannelAdapter;
  /** QR login: resolves when linked. */
  login?(account: ChannelAccount<Settings>, ctx: Omit<ChannelContext, 'emit' | 'heartbeat' | 'fail'>, events: ChannelLoginEvents): Promise<{ linkedAs?: string }>;
  /** Forget stored credentials. */
  logout?(account: ChannelAccount<Settings>, ctx: Omit<ChannelContext, 'emit' | 'heartbeat' | 'fail'>): Promise<void>;
}

// ---- tools ---------------------------------------------------------------------

/** What a tool run knows about its caller. */
export interface PluginToolContext {
  agentId: string;
  sessionKey: string;
  /** Aborted when the turn is aborted or the call times out. */
  signal: AbortSignal;
}

/** What a tool returns; a bare string is shorthand for `{ content }`. */
export interface PluginToolResult {
  /** Text the model sees. */
  content: string;
  isError?: boolean;
  /** Structured result for clients; must be JSON. */
  details?: unknown;
}

/** An agent tool. Params are validated against `schema` before `execute` runs. */
export interface PluginTool<Params = unknown> {
  /** `[A-Za-z0-9_-]{1,64}`, unique across the gateway. */
  name: string;
  description: string;
  /** Group name for `tools.allow`/`tools.deny` (`group:<name>`). */
  group?: string;
  /** JSON Schema of the params object. */
  schema: JsonSchema;
  execute(params: Params, ctx: PluginToolContext): Promise<PluginToolResult | string> | PluginToolResult | string;
}

// ---- gateway methods -------------------------------------------------------------

/** Who called a plugin method. */
export interface PluginMethodContext {
  clientId: string;
  scopes: readonly string[];
}

/** A gateway RPC method. Params are validated against `paramsSchema` when given. */
export type PluginMethodHandler = (params: unknown, ctx: PluginMethodContext) => unknown;

// ---- HTTP routes ---------------------------------------------------------------

/** An HTTP request as a plugin route sees it (the body is read and capped by the gateway). */
export interface PluginHttpRequest {
  method: string;
  /** The path below `/plugins/<id>`, starting with `/`. */
  path: string;
  query: Record<string, string>;
  /** Lowercase header names. */
  headers: Record<string, string>;
  /** The body as UTF-8 text ('' when none). */
  body: string;
}

/** A route's answer; `json` is serialised with `content-type: application/json`. */
export interface PluginHttpResponse {
  status?: number;
  headers?: Record<string, string>;
  body?: string;
  json?: unknown;
}

/** An HTTP route, mounted at `/plugins/<id><path>`. */
export interface PluginHttpRoute {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Exact path below the plugin's mount point, e.g. `/webhook`. */
  path: string;
  /**
   * Reachable without the gateway token (platform webhooks). The handler must
   * then check the caller itself (a signature or a shared secret).
   */
  public?: boolean;
  handler(req: PluginHttpRequest): Promise<PluginHttpResponse> | PluginHttpResponse;
}

// ---- WebSocket routes ------------------------------------------------------------

/** One accepted WebSocket as a plugin sees it: text messages in and out. */
export interface PluginWebSocket {
  /** Whether messages can still be sent. */
  readonly open: boolean;
  send(text: string): void;
  close(code?: number, reason?: string): void;
  onMessage(handler: (text: string) => void): void;
  onClose(handler: (code: number) => void): void;
}

/**
 * A WebSocket route, mounted at `/plugins/<id><path>` on the gateway's own port. Without `public`
 * the client needs the gateway token (`Authorization: Bearer`) and must pass the same Host and
 * Origin rules as every other upgrade; a `public` route (a platform's media stream) is reachable
 * without the token and must check the caller itself in `verify` (a signature) before the socket
 * is accepted. Only plugins running in the gateway process (isolation `inprocess`) can serve them.
 */
export interface PluginWebSocketRoute {
  /** Exact path below the plugin's mount point, e.g. `/media`. */
  path: string;
  public?: boolean;
  /** Checks the upgrade request (its body is empty); false refuses it with 403. Required for public routes. */
  verify?(req: PluginHttpRequest): boolean | Promise<boolean>;
  /** A socket was accepted; `req` is the upgrade request that `verify` saw. */
  onConnection(socket: PluginWebSocket, req: PluginHttpRequest): void;
}

// ---- hooks -----------------------------------------------------------------------

/** Before an agent turn starts. */
export interface BeforeAgentEvent {
  agentId: string;
  sessionKey: string;
  /** The user's message text. */
  text: string;
  channel?: string;
}

/** Before a tool runs; a hook may block the call. */
export interface BeforeToolCallEvent {
  agentId: string;
  sessionKey: string;
  toolName: string;
  params: unknown;
}

/** After a reply was produced. */
export interface AfterReplyEvent {
  agentId: string;
  sessionKey: string;
  text: string;
  channel?: string;
}

/** Handlers by hook name and what each may return. */
export interface PluginHookHandlers {
  /** May add context the agent sees before the user's message. */
  before_agent(event: BeforeAgentEvent): void | { prependContext?: string } | Promise<void | { prependContext?: string }>;
  /** Return `{ block: true, reason }` to refuse the call; the model sees the reason. */
  before_tool_call(event: BeforeToolCallEvent): void | { block: true; reason: string } | Promise<void | { block: true; reason: string }>;
  after_reply(event: AfterReplyEvent): void | Promise<void>;
}

/** Hook names a plugin can subscribe to. */
export type PluginHookName = keyof PluginHookHandlers;

/** Every hook name, for validation. */
export const PLUGIN_HOOK_NAMES: readonly PluginHookName[] = Object.freeze(['before_agent', 'before_tool_call', 'after_reply']);

// ---- memory and storage ----------------------------------------------------------

/** One remembered item. */
export interface MemoryHit {
  id: string;
  text: string;
  score?: number;
  metadata?: Record<string, unknown>;
}

/** A memory backend (kind `memory`); the gateway uses the one chosen in `plugins.slots.memory`. */
export interface PluginMemory {
  search(query: { text: string; limit?: number; agentId?: string; sessionKey?: string }): Promise<MemoryHit[]>;
  get?(id: string): Promise<MemoryHit | undefined>;
  add?(entry: { text: string; metadata?: Record<string, unknown>; agentId?: string; sessionKey?: string }): Promise<{ id: string }>;
  remove?(id: string): Promise<void>;
  /**
   * How many memories the person (or group) of a conversation has: with `agentId`, with that agent;
   * without, with every agent. `owner` names them as the plugin does (for messages and logs).
   */
  countOwner?(query: MemoryOwnerQuery): Promise<{ owner: string; count: number }>;
  /** Deletes every memory of the person (or group) of a conversation, as {@link countOwner} counts them. */
  forgetOwner?(query: MemoryOwnerQuery): Promise<{ owner: string; removed: number }>;
}

/** Whose memories: the person (or group) of `sessionKey`, with one agent or (no `agentId`) every agent. */
export interface MemoryOwnerQuery {
  sessionKey: string;
  agentId?: string;
}

/**
 * A storage backend (kind `storage`), chosen with `storage.backend`. `create` opens the database,
 * brings it to the latest of `migrations`, and returns the gateway's {@link Store}; it fails with a
 * {@link StoreOpenError} naming the cause (unreachable, wrong password, no such database, server too old).
 */
export interface PluginStoreFactory {
  /** Backend id, e.g. `postgres`: the value of `storage.backend` that selects it. */
  id: string;
  description?: string;
  create(options: StoreOpenOptions & { dataDir: string; log: PluginLogger }): Promise<Store>;
}

// ---- the api object --------------------------------------------------------------

/** What `register(api)` receives. Every `register*` call is only valid while `register` runs. */
export interface PluginApi<Config = unknown> {
  /** The plugin's id from its manifest. */
  readonly id: string;
  /** The API version the gateway speaks. */
  readonly apiVersion: number;
  /** `plugins.entries.<id>.config`, already validated against the manifest's `configSchema`. */
  readonly config: Config;
  readonly log: PluginLogger;
  /** The plugin's own private folder (created); also its working directory out of process. */
  readonly dataDir: string;
  /** Requires kind `channel`. */
  registerChannel<S>(channel: ChannelDefinition<S>): void;
  registerTool<P>(tool: PluginTool<P>): void;
  /** `name` must start with `<plugin id>.`; callers need `scope`. */
  registerMethod(name: string, scope: OperatorScope, handler: PluginMethodHandler, options?: { paramsSchema?: JsonSchema }): void;
  registerHttpRoute(route: PluginHttpRoute): void;
  registerWebSocketRoute(route: PluginWebSocketRoute): void;
  on<K extends PluginHookName>(hook: K, handler: PluginHookHandlers[K]): void;
  /** Requires kind `memory`; at most one per plugin. */
  registerMemory(memory: PluginMemory): void;
  /** Requires kind `storage`. */
  registerStore(factory: PluginStoreFactory): void;
  /**
   * Runs when the plugin is unloaded (the gateway stops, the plugin is disabled or reloaded): hang up,
   * close servers, flush. Handlers run in registration order, each within a few seconds; a failure
   * is logged and the unload goes on.
   */
  onStop(handler: () => void | Promise<void>): void;
}

/** A plugin's entry: the default export of its entry file. */
export interface PluginDefinition<Config = unknown> {
  /** Must equal the manifest's id. */
  id: string;
  /** The plugin API version the plugin was written for (stamped by `definePlugin`). */
  apiVersion?: number;
  register(api: PluginApi<Config>): void | Promise<void>;
}

/** Declares a plugin; stamps the API version it was written against. */
export function definePlugin<Config = unknown>(definition: PluginDefinition<Config>): PluginDefinition<Config> {
  return { apiVersion: PLUGIN_API_VERSION, ...definition };
}

/** What a manifest's `channelInfo` holds for one channel, as far as a channel's code needs it. */
interface ManifestChannelFacts {
  channelInfo?: Record<string, { label?: unknown; capabilities?: unknown }>;
}

/**
 * The label and capabilities the plugin's manifest declares for `channelId`,
 * typed. A channel's code reads them from its `openclaw.plugin.json` so these
 * catalog facts are written once (the gateway reads the same file before any
 * code loads).
 */
export function channelFactsFromManifest(manifest: ManifestChannelFacts, channelId: string): { label: string; capabilities: ChannelCapabilities } {
  const info = manifest.channelInfo?.[channelId];
  if (!info || typeof info.label !== 'string' || typeof info.capabilities !== 'object' || info.capabilities === null) {
    throw new Error(`the manifest declares no channelInfo.${channelId} with a label and capabilities`);
  }
  return { label: info.label, capabilities: { ...(info.capabilities as ChannelCapabilities) } };
}

/** Declares a channel (identity: keeps the settings type). */
export function defineChannel<Settings = Record<string, unknown>>(channel: ChannelDefinition<Settings>): ChannelDefinition<Settings> {
  return channel;
}
