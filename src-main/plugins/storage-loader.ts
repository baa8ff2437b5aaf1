import type { PluginLogger, PluginStoreFactory } from '../../src-shared/plugin/api.js';
import { createApiCollector } from './api-collector.js';
import { discoverPlugins, type DiscoveryRoots } from './discovery.js';
import { loadAndRegister } from './entry-loader.js';
import { errorMessage } from './errors.js';

/** No plugin provides the storage backend the config asks for. */
export class StorageBackendNotFoundError extends Error {
  override readonly name = 'StorageBackendNotFoundError';
}

/**
 * Finds the `storage` plugin that registers `backend` and returns its factory. The store is opened
 * before anything else runs, so this loads only storage plugins, in process, without the plugin
 * registry's lazy start: the gateway cannot run without its state, so a failure here stops it with
 * a clear reason instead of being reported later in `plugins list`.
 */
export async function loadStorageBackend(backend: string, roots: DiscoveryRoots, log: PluginLogger): Promise<PluginStoreFactory> {
  const { candidates } = discoverPlugins(roots);
  const storage = candidates.filter((c) => c.kinds.includes('storage'));
  const problems: string[] = [];
  for (const c of storage) {
    if (c.problem || !c.entry || !c.manifest) {
      problems.push(`${c.id}: ${c.problem?.message ?? 'no entry file'}`);
      continue;
    }
    const collector = createApiCollector({ id: c.id, kinds: c.kinds, channelIds: [], config: undefined, log, dataDir: c.rootDir });
    try {
      await loadAndRegister({ pluginId: c.id, entry: c.entry, makeApi: () => collector.api, seal: collector.seal });
    } catch (err) {
      problems.push(`${c.id}: ${errorMessage(err)}`);
      continue;
    }
    const factory = collector.collected.stores.find((s) => s.id === backend);
    if (factory) return factory;
  }
  const found = storage.length ? ` (storage plugins found: ${storage.map((c) => c.id).join(', ')})` : '';
  const why = problems.length ? `; ${problems.join('; ')}` : '';
  throw new StorageBackendNotFoundError(`storage.backend is "${backend}" but no storage plugin provides it${found}${why}: install or build the plugin (npm run build:node builds extensions/storage-${backend})`);
}
