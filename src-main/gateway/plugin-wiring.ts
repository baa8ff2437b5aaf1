/**
 * How the plugin platform plugs into the gateway: the manifest check for the first config load, the
 * runtime, plugin tools for the agent, plugin channels for the catalog, plugin methods in the dispatcher
 * (kept in step as plugins load, fail and unload), and the turn and tool checks.
 */
import { join } from 'node:path';
import { CHANNEL_SHARED_KEYS } from '../../src-shared/domain/config-schema.js';
import { METHODS } from '../../src-shared/protocol/index.js';
import { createToolRegistry } from '../agents/tools/registry.js';
import type { AgentTool } from '../agents/tools/types.js';
import type { ChannelCatalogEntry } from '../channels/catalog.js';
import { parseConfigText, readConfigText } from '../config/load.js';
import { setChannelIdsChecker } from '../config/channel-check.js';
import type { Logger } from '../logging/index.js';
import { toAgentTools } from '../plugins/agent-tools.js';
import { pluginChannelCatalog } from '../plugins/channel-bridge.js';
import { createPluginsRuntime, type PluginsRuntime } from '../plugins/runtime.js';
import { staticChannelChecker } from '../plugins/static-check.js';
import type { PluginsConfig } from '../plugins/types.js';
import type { Dispatcher } from './dispatcher.js';
import { InvalidRequestError } from './errors.js';


const bundledDir = (packageRoot: string) => join(packageRoot, 'extensions');

/**
 * Plugin channel ids are checked against the manifests from the very first config load, before any plugin
 * code runs. Returns the function that removes the check.
 */
export function installEarlyPluginCheck(o: { stateDir: string; configPath: string; packageRoot: string }): () => void {
  const early = parseConfigText(readConfigText(o.configPath));
  const plugins = early.ok ? (early.value as { plugins?: PluginsConfig }).plugins : undefined;
  return setChannelIdsChecker(staticChannelChecker({ stateDir: o.stateDir, bundledDir: bundledDir(o.packageRoot), plugins, sharedKeys: CHANNEL_SHARED_KEYS }));
}

/** The plugin platform as the composition root uses it. */
export interface GatewayPlugins {
  readonly runtime: PluginsRuntime;
  /** Loaded plugins' tools, as agent tools. */
  tools(): AgentTool[];
  /** Channels of enabled plugins, from their manifests (code loads when a channel starts). */
  catalog(): ChannelCatalogEntry[];
  /** Keeps the dispatcher's plugin methods in step with what is loaded. */
  attach(dispatcher: Dispatcher): void;
  /** Starts loading, and reports every plugin state change. */
  start(onStateChange: () => void): void;
  close(): Promise<void>;
}

export function createGatewayPlugins(o: { stateDir: string; packageRoot: string; config(): { plugins?: PluginsConfig; channels?: Record<string, unknown> }; log: Logger }): GatewayPlugins {
  const runtime = createPluginsRuntime({
    stateDir: o.stateDir,
    bundledDir: bundledDir(o.packageRoot),
    config: o.config,
    log: o.log,
    childEntry: join(o.packageRoot, 'out', 'plugin-child', 'plugin-child.mjs'),
    reserved: { tools: createToolRegistry().map((t) => t.name), methods: Object.keys(METHODS) },
    sharedChannelKeys: CHANNEL_SHARED_KEYS,
    electron: Boolean(process.versions.electron),
  });
  const restoreCheck = setChannelIdsChecker(runtime.checkChannelIds);
  // One dispatcher entry per method name; each call finds the method of the plugin as loaded now, so a
  // reloaded plugin never leaves a stale handler behind.
  const registered = new Map<string, { scope: string; remove(): void }>();
  let dispatcher: Dispatcher | undefined;
  const liveMethods = () => new Map(runtime.registry.methods().filter((m) => runtime.registry.get(m.pluginId)?.state === 'loaded').map((m) => [m.name, m]));
  const syncMethods = () => {
    if (!dispatcher) return;
    const now = liveMethods();
    for (const [name, r] of registered) {
      if (now.get(name)?.scope === r.scope) continue;
      r.remove();
      registered.delete(name);
    }
    for (const [name, m] of now) {
      if (registered.has(name)) continue;
      const remove = dispatcher.register(name, m.scope, (params, ctx) => {
        const current = liveMethods().get(name);
        if (!current) throw new InvalidRequestError(`unknown method: ${name}`, { method: name });
        // Params are checked by the plugin side against its own schema.
        return current.call(params ?? {}, { clientId: ctx.clientId, scopes: ctx.scopes });
      });
      registered.set(name, { scope: m.scope, remove });
    }
  };
  return {
    runtime,
    tools: () => toAgentTools(runtime.registry.tools()),
    catalog: () => pluginChannelCatalog(runtime.registry),
    attach(d) {
      dispatcher = d;
      syncMethods();
    },
    start(onStateChange) {
      runtime.registry.onStateChange(() => {
        try {
          syncMethods();
        } catch (err) {
          o.log.error('could not update the methods plugins offer', { err });
        }
        onStateChange();
      });
      runtime.start();
    },
    async close() {
      await runtime.stop();
      restoreCheck();
    },
  };
}
