/**
 * Imports a plugin's entry and runs its `register(api)` with a deadline. Used
 * by the in-process guard and by the child process, so both report the same
 * failures in the same words. Every failure is a `PluginLoadError` whose
 * message says what happened and, where there is one, the fix.
 */
import { pathToFileURL } from 'node:url';
import { PLUGIN_API_RANGE, PLUGIN_API_VERSION, isSupportedApiVersion, type PluginApi, type PluginDefinition } from '../../src-shared/plugin/api.js';
import { errorMessage } from './errors.js';

/** A plugin could not be loaded; the message is ready for `plugins list`. */
export class PluginLoadError extends Error {
  override readonly name = 'PluginLoadError';
}

/** Default time for import plus `register` together. */
export const DEFAULT_REGISTER_TIMEOUT_MS = 10_000;

/** The sentence for an unsupported API version (also used before any code is imported). */
export function apiVersionProblem(version: number): string | undefined {
  if (isSupportedApiVersion(version)) return undefined;
  const range = PLUGIN_API_RANGE.min === PLUGIN_API_RANGE.max ? `v${PLUGIN_API_RANGE.min}` : `v${PLUGIN_API_RANGE.min} to v${PLUGIN_API_RANGE.max}`;
  const fix = version > PLUGIN_API_RANGE.max ? 'update OpenClaw, or install a version of the plugin made for this one' : 'update the plugin';
  return `written for plugin API v${version}; this gateway supports ${range}: ${fix}`;
}

/**
 * Imports `entry`, finds the plugin definition and runs `register`, all within
 * `timeoutMs`. `makeApi` builds the api once the definition is known; `seal`
 * runs when `register` settles (or times out), refusing later registrations.
 */
export async function loadAndRegister(opts: {
  pluginId: string;
  entry: string;
  timeoutMs?: number;
  /** A retry after a failed import adds a query so the module cache does not hand back the failure. */
  attempt?: number;
  makeApi(): PluginApi;
  seal(): void;
}): Promise<PluginDefinition> {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_REGISTER_TIMEOUT_MS;
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new PluginLoadError(`import and register() did not finish within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    return await Promise.race([run(opts), deadline]);
  } finally {
    clearTimeout(timer);
    // Whatever happened, registrations made from now on are refused.
    opts.seal();
  }
}

async function run(opts: { pluginId: string; entry: string; attempt?: number; makeApi(): PluginApi }): Promise<PluginDefinition> {
  let mod: unknown;
  const url = pathToFileURL(opts.entry).href + (opts.attempt ? `?attempt=${opts.attempt}` : '');
  try {
    mod = await import(url);
  } catch (err) {
    throw new PluginLoadError(`threw while loading ${opts.entry}: ${errorMessage(err)}`, { cause: err });
  }
  const definition = resolveDefinition(mod, opts.pluginId, opts.entry);
  const versionProblem = apiVersionProblem(definition.apiVersion ?? PLUGIN_API_VERSION);
  if (versionProblem) throw new PluginLoadError(versionProblem);
  try {
    await definition.register(opts.makeApi());
  } catch (err) {
    throw new PluginLoadError(`register() threw: ${errorMessage(err)}`, { cause: err });
  }
  return definition;
}

/**
 * Accepts `export default definePlugin({...})`, a default-exported
 * `register` function, or a named `register` export (the shapes plugins in the
 * wild use).
 */
function resolveDefinition(mod: unknown, pluginId: string, entry: string): PluginDefinition {
  const m = (mod ?? {}) as { default?: unknown; register?: unknown };
  let candidate: unknown = m.default ?? m;
  // A CommonJS entry imported as ESM puts module.exports under default.
  if (candidate && typeof candidate === 'object' && 'default' in candidate && typeof (candidate as { register?: unknown }).register !== 'function') {
    candidate = (candidate as { default: unknown }).default;
  }
  if (typeof candidate === 'function') return { id: pluginId, register: candidate as PluginDefinition['register'] };
  const def = candidate as Partial<PluginDefinition> | undefined;
  if (!def || typeof def.register !== 'function') {
    if (typeof m.register === 'function') return { id: pluginId, register: m.register as PluginDefinition['register'] };
    throw new PluginLoadError(`${entry} exports no plugin: export default definePlugin({ id: "${pluginId}", register(api) { … } })`);
  }
  if (def.id !== undefined && def.id !== pluginId) throw new PluginLoadError(`${entry} declares id "${String(def.id)}" but its manifest says "${pluginId}"`);
  if (def.apiVersion !== undefined && typeof def.apiVersion !== 'number') throw new PluginLoadError(`${entry}: apiVersion must be a number`);
  return def as PluginDefinition;
}
