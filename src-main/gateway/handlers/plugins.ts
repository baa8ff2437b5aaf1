import type { MethodResult } from '../../../src-shared/protocol/index.js';
import { ConfigError, editConfigFile } from '../../config/index.js';
import type { PluginsRuntime } from '../../plugins/runtime.js';
import type { Handlers } from '../dispatcher.js';
import { InvalidRequestError } from '../errors.js';

export interface PluginHandlerDeps {
  plugins: PluginsRuntime;
  configPath: string;
  legacyConfigPath?: string;
  env: NodeJS.ProcessEnv;
  /** Apply the file now (the watcher would too, a little later). */
  reloadNow(): void;
}

/** `plugins.*`: list, inspect, enable/disable (through the config file, so the choice survives a restart), refresh, doctor. */
export function pluginHandlers(deps: PluginHandlerDeps): Handlers {
  const known = (id: string) => {
    const record = deps.plugins.registry.get(id);
    if (!record) throw new InvalidRequestError(`unknown plugin "${id}" (openclaw plugins list shows what is installed)`, { code: 'PLUGIN_NOT_FOUND' });
    return record;
  };
  const setEnabled = async (id: string, enabled: boolean): Promise<MethodResult<'plugins.enable'>> => {
    known(id);
    try {
      editConfigFile(
        deps.configPath,
        deps.env,
        (c) => {
          const plugins = { ...c.plugins, entries: { ...c.plugins?.entries, [id]: { ...c.plugins?.entries?.[id], enabled } } };
          // Enabling a plugin the deny list names would silently do nothing: take it off the list.
          if (enabled && plugins.deny?.includes(id)) plugins.deny = plugins.deny.filter((d) => d !== id);
          return { ...c, plugins };
        },
        { legacyConfigPath: deps.legacyConfigPath },
      );
    } catch (err) {
      if (err instanceof ConfigError) throw new InvalidRequestError(`config rejected: ${err.issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ')}`, { code: 'CONFIG_INVALID', issues: err.issues });
      throw err;
    }
    deps.reloadNow();
    await deps.plugins.applyConfig();
    let record = known(id);
    // A failed plugin is retried on enable: that is what a user fixing it expects.
    if (enabled && record.state === 'failed') record = await deps.plugins.registry.reload(id);
    else if (enabled && record.state === 'not-loaded' && !record.kind.every((k) => k === 'channel')) record = await deps.plugins.registry.ensureLoaded(id);
    return { ok: true, plugin: record };
  };

  return {
    'plugins.list': () => ({ plugins: deps.plugins.list(), health: deps.plugins.health() }),
    'plugins.info': ({ id }) => {
      known(id);
      return deps.plugins.info(id)!;
    },
    'plugins.enable': ({ id }) => setEnabled(id, true),
    'plugins.disable': ({ id }) => setEnabled(id, false),
    'plugins.refresh': async () => ({ plugins: await deps.plugins.refresh() }),
    'plugins.doctor': () => {
      const findings = deps.plugins.doctor();
      return { ok: !findings.some((f) => f.severity === 'error'), findings };
    },
  };
}
