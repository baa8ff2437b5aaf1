/** Errors raised at the plugin boundary; each names the plugin so logs and `status` say who failed. */

/** A plugin misused the api object (bad name, wrong kind, duplicate, call after `register` returned). */
export class PluginApiError extends Error {
  override readonly name = 'PluginApiError';
  constructor(
    readonly pluginId: string,
    message: string,
  ) {
    super(`plugin "${pluginId}": ${message}`);
  }
}

/** A call into a plugin (tool, method, hook, route) threw, timed out or hit a dead process. */
export class PluginCallError extends Error {
  override readonly name = 'PluginCallError';
  constructor(
    readonly pluginId: string,
    /** What was called, e.g. `tool "weather"`. */
    readonly target: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`plugin "${pluginId}" ${target} failed: ${message}`, options);
  }
}

/** The plugin cannot take calls now (failed, disabled, restarting, not loaded). */
export class PluginUnavailableError extends Error {
  override readonly name = 'PluginUnavailableError';
  constructor(
    readonly pluginId: string,
    message: string,
  ) {
    super(`plugin "${pluginId}" is unavailable: ${message}`);
  }
}

/** A plain message from anything thrown (plugins may throw strings or objects). */
export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message || err.name;
  if (typeof err === 'string') return err;
  try {
    return JSON.stringify(err) ?? String(err);
  } catch {
    return String(err);
  }
}

/** The caller sent params the plugin's schema rejects; the plugin was not called and is not blamed. */
export class PluginParamsError extends Error {
  override readonly name = 'PluginParamsError';
  constructor(
    readonly pluginId: string,
    readonly target: string,
    readonly details: string,
  ) {
    super(`invalid params for ${target} (plugin "${pluginId}"): ${details}`);
  }
}
