import type { PluginRegistry } from '../plugins/plugin-registry.js';
import type { ExtraMethod } from './dispatcher.js';

/** A plugin's `<id>.<name>` method as the dispatcher calls it (scope checked there, params by the plugin side). */
export function pluginMethod(registry: Pick<PluginRegistry, 'methods'>, method: string): ExtraMethod | undefined {
  const m = registry.methods().find((x) => x.name === method);
  if (!m) return undefined;
  return { scope: m.scope, call: (params, ctx) => m.call(params, { clientId: ctx.clientId, scopes: ctx.scopes }) };
}
