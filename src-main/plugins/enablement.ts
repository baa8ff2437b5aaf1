/**
 * Whether a plugin runs, and how, from the `plugins` config section. Pure, so
 * every rule is table-tested. The rules, first match wins:
 *
 * 1. `plugins.enabled: false` turns every plugin off.
 * 2. `plugins.deny` lists it: off (deny wins over everything).
 * 3. `plugins.allow` is non-empty and does not list it: off.
 * 4. `plugins.entries.<id>.enabled: false`: off.
 * 5. A memory plugin runs only when `plugins.slots.memory` names it (one memory at a time).
 * 6. `plugins.entries.<id>.enabled: true` or listed in `plugins.allow`: on.
 * 7. Defaults by source: installed and `load.paths` plugins are on (installing or
 *    listing one is the user's decision); bundled channel plugins are on (they load
 *    only when `channels.<id>` is configured); other bundled plugins are opt-in.
 *
 * Isolation: `plugins.entries.<id>.isolation` when set; otherwise installed
 * plugins run in their own process and bundled or path plugins in the gateway.
 */
import type { PluginKind } from '../../src-shared/plugin/api.js';
import type { IsolationMode, PluginsConfig, PluginSource } from './types.js';

/** The facts about a plugin that enablement looks at. */
export interface EnablementSubject {
  id: string;
  source: PluginSource;
  kinds: readonly PluginKind[];
}

/** The decision, with the reason in words a user can act on. */
export interface EnablementDecision {
  enabled: boolean;
  reason: string;
  isolation: IsolationMode;
}

/** Decides one plugin. */
export function decideEnablement(subject: EnablementSubject, config: PluginsConfig = {}): EnablementDecision {
  const { id, source, kinds } = subject;
  const entry = config.entries?.[id];
  const isolation: IsolationMode = entry?.isolation ?? (source === 'installed' ? 'process' : 'inprocess');
  const off = (reason: string): EnablementDecision => ({ enabled: false, reason, isolation });
  const on = (reason: string): EnablementDecision => ({ enabled: true, reason, isolation });
  const allow = config.allow ?? [];

  if (config.enabled === false) return off('all plugins are turned off (plugins.enabled is false)');
  if (config.deny?.includes(id)) return off('listed in plugins.deny');
  if (allow.length > 0 && !allow.includes(id)) return off('not listed in plugins.allow (only the plugins listed there run)');
  if (entry?.enabled === false) return off(`turned off (plugins.entries.${id}.enabled is false)`);
  if (kinds.includes('memory')) {
    const slot = config.slots?.memory;
    if (slot === undefined || slot === 'none') return off(`memory plugins run only when chosen: set plugins.slots.memory to "${id}"`);
    if (slot !== id) return off(`plugins.slots.memory chooses "${slot}"; only one memory plugin runs`);
    return on('chosen in plugins.slots.memory');
  }
  if (entry?.enabled === true) return on(`turned on (plugins.entries.${id}.enabled is true)`);
  if (allow.includes(id)) return on('listed in plugins.allow');
  if (source === 'installed') return on('installed');
  if (source === 'path') return on('listed in plugins.load.paths');
  if (kinds.length > 0 && kinds.every((k) => k === 'channel')) return on('bundled channel (loads when channels.<id> is configured)');
  return off(`bundled plugins other than channels are opt-in: set plugins.entries.${id}.enabled to true`);
}
