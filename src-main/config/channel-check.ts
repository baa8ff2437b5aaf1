import { formatConfigPath } from '../../src-shared/domain/config-path.js';
import type { ConfigIssue } from './errors.js';

/** What checking the plugin channels in `channels` found: `issues` make the config invalid, `notices` do not. */
export interface ChannelIdsCheck {
  issues: ConfigIssue[];
  notices: ConfigIssue[];
}

/** What a checker is shown: the config's plugin-owned parts, and whether this is a write (`config set`, `config.patch`). */
export interface PluginSettingsInput {
  channels?: Record<string, unknown>;
  plugins?: { entries?: Record<string, { config?: unknown } | undefined> };
}

/**
 * Checks `channels.<id>` for every id that is not built in (plugin channels) and, on a write, each plugin's
 * `plugins.entries.<id>.config` against its schema. At load a plugin's bad settings fail only that plugin;
 * a write that would store them is refused.
 */
export type ChannelIdsChecker = (config: PluginSettingsInput, opts: { forWrite: boolean }) => ChannelIdsCheck;

/**
 * Without plugin information no channel id can be checked, so each one is an error rather than silently
 * accepted; the gateway, the CLI and the app install a checker that knows the plugins' manifests (the
 * bundled channels' included) before they load a config.
 */
const noPlugins: ChannelIdsChecker = ({ channels = {} }) => ({
  issues: Object.keys(channels).map((id) => ({ path: formatConfigPath(['channels', id]), message: `channel "${id}" cannot be checked: no plugin information was loaded` })),
  notices: [],
});

let checker: ChannelIdsChecker = noPlugins;

/**
 * Installs the process's channel-id checker (the gateway's plugin registry, or the CLI's discovery). Which
 * plugins exist is known only at run time and the config loader sits below the plugin platform, so the
 * platform hands its check down once, here.
 * @returns a function that puts the previous checker back
 */
export function setChannelIdsChecker(next: ChannelIdsChecker): () => void {
  const previous = checker;
  checker = next;
  return () => {
    checker = previous;
  };
}

/** Runs the installed checker over a config's plugin-owned parts. */
export function checkPluginSettings(config: PluginSettingsInput, opts: { forWrite: boolean }): ChannelIdsCheck {
  if (!config.channels && !(opts.forWrite && config.plugins?.entries)) return { issues: [], notices: [] };
  return checker(config, opts);
}

/** ` (did you mean "whatsapp"?)` for a near miss among `known`, else ''. */
export function suggest(id: string, known: readonly string[]): string {
  const near = known.find((b) => distance(b, id) <= 2);
  return near ? ` (did you mean "${near}"?)` : '';
}

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length];
}
