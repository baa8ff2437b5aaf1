/**
 * The plugin platform as the gateway runs it: discovery over the three roots, the registry with both
 * loaders, the fault trap, the hook runner, and the channel-id check handed to the config loader.
 * One object with a declared interface, so the composition root wires it in a few lines.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { ChannelIdsChecker } from '../config/channel-check.js';
import type { Logger } from '../logging/index.js';
import { redactConfig } from '../../src-shared/domain/config-schema.js';
import type { JsonSchema } from '../../src-shared/plugin/api.js';
import type { RegisteredMemory } from './contributions.js';
import { discoverPlugins, type DiscoveryResult } from './discovery.js';
import { diagnosePlugins, type DoctorFinding } from './doctor.js';
import { installPluginFaultTrap } from './fault-trap.js';
import { createInProcessLoader } from './guard.js';
import { createHookRunner, type HookRunner } from './hooks.js';
import type { PluginRegistry, PluginsHealth } from './plugin-registry.js';
import { buildChannelsSchema, type ChannelSchemaOptions } from './plugin-config.js';
import { createProcessLoader } from './process-host.js';
import { createPluginRegistry } from './registry.js';
import { checkSettings, manifestsOf } from './static-check.js';
import type { PluginRecord, PluginsConfig } from './types.js';

export interface PluginsRuntimeOptions {
  stateDir: string;
  /** The app's own `extensions/` folder (absent: no bundled plugins). */
  bundledDir?: string;
  /** The running config's `plugins` and `channels` sections. */
  config(): { plugins?: PluginsConfig; channels?: Record<string, unknown> };
  log: Logger;
  /** The built out-of-process child entry. */
  childEntry: string;
  /** Names the gateway owns: a plugin registering one fails. */
  reserved: { tools: readonly string[]; methods: readonly string[] };
  /** Shared channel keys (JSON Schema properties) every plugin channel accepts. */
  sharedChannelKeys?: ChannelSchemaOptions['sharedKeys'];
  /** Under Electron the child runs the app binary as Node. */
  electron?: boolean;
}

/** What `plugins info` returns. */
export interface PluginInfo {
  plugin: PluginRecord;
  manifest: unknown;
  config: unknown;
  configSchema?: unknown;
  install?: unknown;
}

/** The plugin platform, running. */
export interface PluginsRuntime {
  readonly registry: PluginRegistry;
  readonly hooks: HookRunner;
  /** For the config loader: plugin channel ids checked against their manifests' schemas. */
  readonly checkChannelIds: ChannelIdsChecker;
  /** The `channels` JSON Schema of every channel a plugin provides (enabled or not). */
  channelsSchema(): JsonSchema;
  /** Loads the enabled plugins that are not channel-only (channels load when their channel starts), in the background. */
  start(): void;
  /** After a config reload: new load paths are searched again, and enablement and settings re-applied. */
  applyConfig(): Promise<void>;
  /** Look for installed or removed plugins again. */
  refresh(): Promise<PluginRecord[]>;
  list(): PluginRecord[];
  info(id: string): PluginInfo | undefined;
  doctor(): DoctorFinding[];
  health(): PluginsHealth;
  /** Why agent turns must not run now (a critical plugin failed), or undefined. */
  turnBlocker(): string | undefined;
  /**
   * Before an agent turn: critical plugins and those that load at start are loaded first (so a turn
   * right after start misses no hook), a failed critical one refuses the turn, and `before_agent`
   * hooks may add context.
   */
  beforeTurn(e: { agentId: string; sessionKey: string; text: string }): Promise<{ refuse?: string; context?: string[] }>;
  /** After a reply went out: `after_reply` hooks run in the background; their failures are logged, never the turn's. */
  afterReply(e: { agentId: string; sessionKey: string; text: string; channel?: string }): void;
  /** Before a tool call: a reason blocks it (a `before_tool_call` hook, or a failed critical plugin). */
  beforeToolCall(e: { tool: string; params: unknown; agentId: string; sessionKey: string }): Promise<string | undefined>;
  /** The memory of the plugin chosen in `plugins.slots.memory`, loaded first if it is enabled and not yet loaded. */
  memory(): Promise<RegisteredMemory | undefined>;
  stop(): Promise<void>;
}

export function createPluginsRuntime(opts: PluginsRuntimeOptions): PluginsRuntime {
  const log = opts.log;
  const discover = (): DiscoveryResult => discoverPlugins({ bundledDir: opts.bundledDir, stateDir: opts.stateDir, paths: opts.config().plugins?.load?.paths ?? [] });
  let discovery = discover();
  let loadPathsKey = JSON.stringify(opts.config().plugins?.load?.paths ?? []);
  const registry = createPluginRegistry({
    discovery,
    config: opts.config().plugins ?? {},
    stateDir: opts.stateDir,
    loaders: {
      inprocess: createInProcessLoader(),
      process: createProcessLoader({ childEntry: opts.childEntry, ...(opts.electron ? { extraEnv: { ELECTRON_RUN_AS_NODE: '1' } } : {}) }),
    },
    reserved: opts.reserved,
    log,
  });
  for (const d of discovery.duplicates) log.warn('two plugins have the same id; the first one found is used', { id: d.id });
  for (const c of discovery.candidates) if (c.problem) log.error('plugin folder cannot be used', { id: c.id, dir: c.rootDir, problem: c.problem.message, file: c.problem.file, field: c.problem.field });
  // The process-wide trap for stray errors goes in only once plugin code runs in this process.
  let removeTrap: (() => void) | undefined;
  registry.onStateChange((record, previous) => {
    if (record.state === 'failed') log.error('plugin failed', { id: record.id, error: record.error, critical: record.critical || undefined });
    else if (record.state === 'loaded' && previous !== 'loaded') log.info('plugin loaded', { id: record.id, loadMs: record.loadMs, isolation: record.isolation });
    if (record.state === 'loaded' && record.isolation === 'inprocess' && !removeTrap) {
      removeTrap = installPluginFaultTrap({
        roots: () => registry.inProcessRoots(),
        onFault: (id, err) => registry.fail(id, `threw outside any call: ${err instanceof Error ? err.message : String(err)}`),
      });
    }
  });
  const hooks = createHookRunner(registry, log);
  // Tools, methods, hooks and routes must be there when asked for; channel-only plugins wait for their channel.
  const loadEager = () => registry.loadEnabled((r) => !r.kind.every((k) => k === 'channel'));
  // Config changes, rescans and eager loads run one at a time: two at once could load a plugin that the
  // other is in the middle of disabling.
  let queue: Promise<unknown> = Promise.resolve();
  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const run = queue.then(fn, fn);
    queue = run.catch(() => undefined);
    return run;
  };
  // Nothing enabled: every turn and tool call skips the plugin checks entirely.
  const hasPlugins = () => registry.list().some((r) => r.enabled);
  const channelOpts = () => ({ sharedKeys: opts.sharedChannelKeys });

  return {
    registry,
    hooks,
    checkChannelIds: (config, { forWrite }) =>
      checkSettings(config, forWrite, registry.channelProviders(), manifestsOf(discovery.candidates), channelOpts()),
    channelsSchema: () => buildChannelsSchema(registry.channelProviders(), channelOpts()),
    start() {
      void serial(loadEager).catch((err: unknown) => log.error('loading plugins failed', { err }));
    },
    applyConfig: () =>
      serial(async () => {
        const key = JSON.stringify(opts.config().plugins?.load?.paths ?? []);
        if (key !== loadPathsKey) {
          loadPathsKey = key;
          discovery = discover();
          await registry.refresh(discovery);
        }
        await registry.applyConfig(opts.config().plugins ?? {});
        await loadEager();
      }),
    refresh: () =>
      serial(async () => {
        discovery = discover();
        await registry.refresh(discovery);
        await registry.applyConfig(opts.config().plugins ?? {});
        await loadEager();
        return registry.list();
      }),
    list: () => registry.list(),
    info(id) {
      const plugin = registry.get(id);
      if (!plugin) return undefined;
      const candidate = discovery.candidates.find((c) => c.id === id && path.resolve(c.rootDir) === path.resolve(plugin.rootDir));
      const manifest = candidate?.manifest;
      const installFile = path.join(plugin.rootDir, '.openclaw-install.json');
      const out: PluginInfo = { plugin, manifest: manifest ?? null, config: redactConfig(opts.config().plugins?.entries?.[id]?.config ?? null) };
      if (manifest?.configSchema) out.configSchema = manifest.configSchema;
      if (existsSync(installFile)) {
        try {
          out.install = JSON.parse(readFileSync(installFile, 'utf8')) as unknown;
        } catch {
          // a damaged install record is not worth failing `info` over
        }
      }
      return out;
    },
    doctor: () =>
      diagnosePlugins({
        discovery,
        records: registry.list(),
        config: opts.config().plugins ?? {},
        channels: opts.config().channels,
        providers: registry.channelProviders(),
        sharedKeys: opts.sharedChannelKeys,
      }),
    health: () => registry.health(),
    turnBlocker() {
      const failed = registry.health().failedCritical;
      if (failed.length === 0) return undefined;
      return `refusing to run: critical plugin ${failed.map((f) => `"${f.id}" failed (${f.error})`).join('; ')}; fix it (openclaw plugins doctor) or disable it`;
    },
    afterReply(e) {
      if (!hasPlugins()) return;
      void hooks.afterReply(e);
    },
    async beforeTurn(e) {
      if (!hasPlugins()) return {};
      // Critical plugins, and every plugin that loads at start (not channel-only) but may still be
      // loading when the first turns arrive: a turn runs with their hooks and tools, never before them.
      const pending = registry.list().filter((r) => r.enabled && r.state === 'not-loaded' && (r.critical || !r.kind.every((k) => k === 'channel')));
      if (pending.length) await Promise.all(pending.map((r) => registry.ensureLoaded(r.id)));
      const refuse = this.turnBlocker();
      if (refuse) return { refuse };
      const context = await hooks.beforeAgent(e);
      return context.length ? { context } : {};
    },
    async beforeToolCall(e) {
      if (!hasPlugins()) return undefined;
      const verdict = await hooks.beforeToolCall({ agentId: e.agentId, sessionKey: e.sessionKey, toolName: e.tool, params: e.params });
      return verdict.block ? verdict.reason : undefined;
    },
    async memory() {
      const chosen = opts.config().plugins?.slots?.memory;
      const record = chosen ? registry.get(chosen) : undefined;
      if (!record?.enabled) return undefined;
      await registry.ensureLoaded(record.id);
      return registry.memory();
    },
    async stop() {
      removeTrap?.();
      await registry.stop();
    },
  };
}
