/**
 * The plugin registry as the rest of the gateway uses it: records for
 * `plugins list`/`health`, loading on demand, and the contributions of loaded
 * plugins. Declared here, apart from its implementation, so callers depend on
 * this surface only.
 */
import type { PluginHookName, PluginLogger } from '../../src-shared/plugin/api.js';
import type { CallGuard, PluginContributions, RegisteredChannel, RegisteredHook, RegisteredMemory, RegisteredMethod, RegisteredRoute, RegisteredStore, RegisteredTool, RegisteredWebSocketRoute } from './contributions.js';
import type { DiscoveryResult } from './discovery.js';
import type { ChannelProvider } from './plugin-config.js';
import type { PluginCandidate, PluginRecord, PluginState, PluginsConfig } from './types.js';

/** `health` summary: `ok` is false only when a critical plugin failed. */
export interface PluginsHealth {
  ok: boolean;
  plugins: { loaded: number; failed: number; disabled: number; notLoaded: number };
  failedCritical: { id: string; error: string }[];
}

/** What a loader gets for one plugin. */
export interface PluginLoadRequest {
  candidate: PluginCandidate & { manifest: NonNullable<PluginCandidate['manifest']>; entry: string };
  /** `plugins.entries.<id>.config`, already validated. */
  config: unknown;
  /** The plugin's private folder (created). */
  dataDir: string;
  guard: CallGuard;
  /** The plugin's logger (`plugins/<id>`). */
  log: PluginLogger;
  /** Import of a previously failed entry must bypass the module cache. */
  attempt: number;
  /** The loader calls this when the plugin dies after it loaded (a child that crashed too often). */
  onFailure(reason: string): void;
  /** The loader calls this when it restarted the plugin after a crash (counted in the record). */
  onRestart(reason: string): void;
}

/** What a loader returns; failures carry a sentence for `plugins list`. */
export type PluginLoadOutcome = { ok: true; contributions: PluginContributions; stop(): Promise<void> } | { ok: false; error: string };

/** Loads a plugin in a given isolation (in process, or in a child process). */
export type PluginLoader = (req: PluginLoadRequest) => Promise<PluginLoadOutcome>;

/** Called after a record changed state, and after its process restarted (same state, `restarts` grew). */
export type PluginStateListener = (record: PluginRecord, previous: PluginState) => void;

/** The plugin registry. */
export interface PluginRegistry {
  /** Every plugin found, in discovery order (for `plugins list --json`). */
  list(): PluginRecord[];
  get(id: string): PluginRecord | undefined;
  health(): PluginsHealth;
  /** Loads an enabled plugin once; concurrent callers share the load. Resolves with its record (check `state`). */
  ensureLoaded(id: string): Promise<PluginRecord>;
  /**
   * Loads every enabled plugin not loaded yet that `filter` accepts (all by default), concurrently;
   * registration conflicts are resolved in discovery order whatever order the loads finish in.
   */
  loadEnabled(filter?: (record: PluginRecord) => boolean): Promise<PluginRecord[]>;
  /** Stops and loads a plugin again (after a fix, or to retry a failed one). */
  reload(id: string): Promise<PluginRecord>;
  /** Re-decides enablement after a config change: disabled plugins are unloaded, changed settings reload. */
  applyConfig(config: PluginsConfig): Promise<void>;
  /**
   * Takes a fresh discovery (after `plugins install`/`uninstall`): new plugins get records,
   * plugins whose folder is gone are stopped and dropped; known ones are left as they are.
   */
  refresh(discovery: DiscoveryResult): Promise<void>;
  /** Marks a plugin failed from outside (a fault attributed to it); its contributions are withdrawn. */
  fail(id: string, reason: string): void;
  /** Root folders of loaded in-process plugins, for attributing stray errors. */
  inProcessRoots(): Map<string, string>;
  tools(): RegisteredTool[];
  methods(): RegisteredMethod[];
  routes(): RegisteredRoute[];
  /** WebSocket routes of loaded plugins, mounted under `/plugins/<id>/`. */
  webSocketRoutes(): RegisteredWebSocketRoute[];
  channels(): RegisteredChannel[];
  hooks<K extends PluginHookName>(name: K): RegisteredHook<K>[];
  /** The memory of the plugin chosen in `plugins.slots.memory`, when loaded. */
  memory(): RegisteredMemory | undefined;
  stores(): RegisteredStore[];
  /** Channels declared by manifests (enabled or not), for config checks and the channel catalog before any load. */
  channelProviders(): ChannelProvider[];
  onStateChange(listener: PluginStateListener): () => void;
  /** Stops every loaded plugin (child processes exit). */
  stop(): Promise<void>;
}
