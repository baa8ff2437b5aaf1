import type { ChannelIdsCheck, ChannelIdsChecker, PluginSettingsInput } from '../config/channel-check.js';
import type { PluginManifest } from '../../src-shared/plugin/manifest-schema.js';
import { discoverPlugins } from './discovery.js';
import { decideEnablement } from './enablement.js';
import { validateChannelsConfig, validatePluginConfig, type ChannelProvider, type ChannelSchemaOptions } from './plugin-config.js';
import type { PluginCandidate, PluginsConfig } from './types.js';

export interface StaticCheckOptions {
  stateDir: string;
  bundledDir?: string;
  plugins?: PluginsConfig;
  sharedKeys?: ChannelSchemaOptions['sharedKeys'];
}

const discover = (opts: StaticCheckOptions): PluginCandidate[] =>
  discoverPlugins({ bundledDir: opts.bundledDir, stateDir: opts.stateDir, paths: opts.plugins?.load?.paths ?? [] }).candidates;

function providersOf(candidates: readonly PluginCandidate[], plugins: PluginsConfig = {}): ChannelProvider[] {
  const providers: ChannelProvider[] = [];
  for (const c of candidates) {
    if (!c.manifest) continue;
    const decision = decideEnablement({ id: c.id, source: c.source, kinds: c.kinds }, plugins);
    for (const channelId of c.manifest.channels ?? []) {
      providers.push({ channelId, pluginId: c.id, manifest: c.manifest, enabled: decision.enabled, ...(decision.enabled ? {} : { reason: decision.reason }) });
    }
  }
  return providers;
}

/** Usable manifests by plugin id. */
export function manifestsOf(candidates: readonly PluginCandidate[]): Map<string, PluginManifest> {
  return new Map(candidates.flatMap((c) => (c.manifest ? [[c.id, c.manifest] as const] : [])));
}

/**
 * Channel providers as the manifests say, without loading any plugin: what the CLI uses when it edits the
 * config with no gateway to ask, so `config set channels.<id>.…` is checked by that channel's plugin schema.
 */
export function staticChannelProviders(opts: StaticCheckOptions): ChannelProvider[] {
  return providersOf(discover(opts), opts.plugins);
}

/** A checker over the manifests found now (channel settings always; plugin settings on writes); one discovery. */
export function staticChannelChecker(opts: StaticCheckOptions): ChannelIdsChecker {
  const candidates = discover(opts);
  const providers = providersOf(candidates, opts.plugins);
  const manifests = manifestsOf(candidates);
  return (config, { forWrite }) => checkSettings(config, forWrite, providers, manifests, opts);
}

/** Channel settings against their plugins' schemas; on a write, each known plugin's own settings too. */
export function checkSettings(
  config: PluginSettingsInput,
  forWrite: boolean,
  providers: readonly ChannelProvider[],
  manifests: ReadonlyMap<string, PluginManifest>,
  opts: Pick<StaticCheckOptions, 'sharedKeys'>,
): ChannelIdsCheck {
  const result = validateChannelsConfig(config.channels, providers, { sharedKeys: opts.sharedKeys });
  if (!forWrite) return result;
  for (const [id, entry] of Object.entries(config.plugins?.entries ?? {})) {
    const manifest = manifests.get(id);
    if (manifest && entry?.config !== undefined) result.issues.push(...validatePluginConfig(manifest, entry.config));
  }
  return result;
}
