/** Config loading, validation, writing and watching for `openclaw.json`. */
export { ConfigError, ConfigConflictError, type ConfigIssue } from './errors.js';
export { resolveConfigPaths, type ConfigPaths } from './paths.js';
export {
  loadConfigFile,
  loadConfigFromText,
  parseConfigText,
  finalizeConfig,
  hashConfigText,
  readConfigText,
  readConfigSource,
  type LoadResult,
  type LoadedConfig,
} from './load.js';
export {
  resolveConfig,
  checkConfigEnv,
  DEFAULT_AGENT_ID,
  DEFAULT_GATEWAY_PORT,
  DEFAULT_RELOAD_DEBOUNCE_MS,
  type ResolvedConfig,
} from './resolve.js';
export { validateConfig } from './validate.js';
export { substituteEnvVars } from './env-substitute.js';
export { migrateLegacyConfig, type MigrationResult } from './migrate.js';
export { writeConfigAtomic, formatConfig, editConfigFile, type EditResult } from './write.js';
export { editJson5Text } from './json5-edit.js';
export { watchConfig, type ConfigWatcher, type ConfigReloadEvent, type WatchConfigOptions } from './watch.js';
export { setChannelIdsChecker, checkPluginSettings, type ChannelIdsChecker, type ChannelIdsCheck, type PluginSettingsInput } from './channel-check.js';
