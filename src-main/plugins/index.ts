/**
 * The plugin platform's public surface for the composition root, the CLI and
 * the RPC handlers. Plugins themselves see only `src-shared/plugin/api.ts`.
 */
export { discoverPlugins, type DiscoveryResult, type DiscoveryRoots, type DuplicatePlugin } from './discovery.js';
export { readPluginManifest, readCandidate, formatManifestProblem, MANIFEST_FILE } from './manifest.js';
export { decideEnablement, type EnablementDecision } from './enablement.js';
export { validatePluginConfig, validateChannelConfig, validateChannelsConfig, buildChannelsSchema, type ChannelProvider } from './plugin-config.js';
export { createPluginRegistry, type RegistryOptions } from './registry.js';
export type { PluginRegistry, PluginsHealth, PluginLoader, PluginLoadRequest, PluginLoadOutcome } from './plugin-registry.js';
export type { PluginContributions, RegisteredTool, RegisteredMethod, RegisteredRoute, RegisteredHook, RegisteredChannel, RegisteredMemory, RegisteredStore, CallTimeouts } from './contributions.js';
export { createInProcessLoader } from './guard.js';
export { createProcessLoader, type ProcessLoaderOptions } from './process-host.js';
export { createHookRunner, type HookRunner, type ToolCallVerdict } from './hooks.js';
export { installPluginFaultTrap, attributeToPlugin } from './fault-trap.js';
export { installPlugin, uninstallPlugin, type InstallResult, type InstallOptions } from './install.js';
export { diagnosePlugins, type DoctorFinding } from './doctor.js';
export { pluginChannelCatalog, toChannelPlugin, type PluginChannelCatalogEntry } from './channel-bridge.js';
export { PluginCallError, PluginUnavailableError, PluginParamsError, PluginApiError } from './errors.js';
export { installedPluginsDir, pluginDataDir, type PluginRecord, type PluginsConfig, type PluginSource, type IsolationMode, type PluginState } from './types.js';
