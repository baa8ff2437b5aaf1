/**
 * Loads a plugin into the gateway process, inside a guard: the entry is
 * imported only now (lazily), with a deadline covering import and
 * `register`; a throw at import, in `register` or a `register` that never
 * settles fails this plugin with a reason and leaves the gateway running.
 * Calls into what it registered are guarded too (see contributions.ts).
 *
 * In-process code shares the gateway's event loop: a plugin that blocks it
 * (an endless loop) cannot be stopped from here. Plugins the user did not
 * ship with the app therefore run in their own process by default.
 */
import { createApiCollector, runStopHandlers } from './api-collector.js';
import { wrapCollected } from './contributions.js';
import { apiVersionProblem, loadAndRegister, DEFAULT_REGISTER_TIMEOUT_MS } from './entry-loader.js';
import { errorMessage } from './errors.js';
import type { PluginLoader } from './plugin-registry.js';
import { PLUGIN_API_VERSION } from '../../src-shared/plugin/api.js';

/** Options of the in-process loader. */
export interface InProcessLoaderOptions {
  /** Deadline for import plus `register` (default 10 s). */
  registerTimeoutMs?: number;
}

/** The loader for isolation `inprocess`. */
export function createInProcessLoader(opts: InProcessLoaderOptions = {}): PluginLoader {
  return async (req) => {
    const { candidate, guard } = req;
    const manifest = candidate.manifest;
    // Checked before importing: code written for another API version never runs.
    const versionProblem = apiVersionProblem(manifest.apiVersion ?? PLUGIN_API_VERSION);
    if (versionProblem) return { ok: false, error: versionProblem };
    const { api, collected, seal } = createApiCollector({
      id: manifest.id,
      kinds: candidate.kinds,
      channelIds: manifest.channels ?? [],
      config: req.config,
      log: req.log,
      dataDir: req.dataDir,
    });
    try {
      await loadAndRegister({ pluginId: manifest.id, entry: candidate.entry, attempt: req.attempt, timeoutMs: opts.registerTimeoutMs ?? DEFAULT_REGISTER_TIMEOUT_MS, makeApi: () => api, seal });
    } catch (err) {
      return { ok: false, error: errorMessage(err) };
    }
    return {
      ok: true,
      contributions: wrapCollected(collected, guard, req.log),
      stop: () => runStopHandlers(collected.stopHandlers, (problem) => req.log.warn(`${problem}; the plugin is unloaded anyway`)),
    };
  };
}
