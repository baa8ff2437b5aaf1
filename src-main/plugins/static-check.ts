import type { ChannelIdsChecker } from '../config/channel-check.js';
import { discoverPlugins } from './discovery.js';
import { decideEnablement } from './enablement.js';
import { validateChannelsConfig, type ChannelProvider, type ChannelSchemaOptions } from './plugin-config.js';
import type { PluginsConfig } from './types.js';

export interface StaticCheckOptions {
  stateDir: string;
  bundledDir?: string;
  plugins?: PluginsConfig;
  builtInIds: readonly string[];
  sharedKeys?: ChannelSchemaOptions['sharedKeys'];
}

/**
 * Channel providers as the manifests say, without loading any plugin: what the CLI uses when it edits the
 * config with no gateway to ask, so `config set channels.<id>.…` is checked by that channel's plugin schema.
 */
export function staticChannelProviders(opts: StaticCheckOptions): ChannelProvider[] {
  const { candidates } = discoverPlugins({ bundledDir: opts.bundledDir, stateDir: opts.stateDir, paths: opts.plugins?.load?.paths ?? [] });
  const providers: ChannelProvider[] = [];
  for (const c of candidates) {
    if (!c.manifest) continue;
    const decision = decideEnablement({ id: c.id, source: c.source, kinds: c.kinds }, opts.plugins ?? {});
    for (const channelId of c.manifest.channels ?? []) {
      providers.push({ channelId, pluginId: c.id, manifest: c.manifest, enabled: decision.enabled, ...(decision.enabled ? {} : { reason: decision.reason }) });
    }
  }
  return providers;
}

/** A channel-id checker over the manifests found now. */
export function staticChannelChecker(opts: StaticCheckOptions): ChannelIdsChecker {
  const providers = staticChannelProviders(opts);
  return (channels) => validateChannelsConfig(channels, providers, { builtInIds: opts.builtInIds, sharedKeys: opts.sharedKeys });
}
