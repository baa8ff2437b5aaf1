/**
 * The chat channels as the gateway runs them: the catalog the plugins' manifests give, the channels
 * runtime over it, and the access gate (policy and pairing) that inbound and outbound pass.
 */
import { catalogEntries } from '../channels/catalog.js';
import { createChannelsRuntime, type ChannelsRuntime } from '../channels/runtime.js';
import type { ConfigPaths } from '../config/index.js';
import type { ResolvedConfig } from '../config/resolve.js';
import { editConfigFile } from '../config/write.js';
import type { Logger } from '../logging/index.js';
import { createChannelAccess, type ChannelAccess } from '../routing/channel-access.js';
import type { Store } from '../store/types.js';
import type { GatewayPlugins } from './plugin-wiring.js';
import type { GatewayExtensions, StartGatewayOptions } from './start-types.js';

export interface GatewayChannels {
  channels: ChannelsRuntime;
  access: ChannelAccess;
  /** Every channel id the catalog knows (configured or not). */
  channelIds(): string[];
}

export function createGatewayChannels(o: {
  config(): ResolvedConfig;
  paths: ConfigPaths;
  env: NodeJS.ProcessEnv;
  store: Store;
  log: Logger;
  publish(event: string, payload: unknown): void;
  plugins: GatewayPlugins;
  opts: StartGatewayOptions;
  ext: GatewayExtensions;
  /** Applies the config file now (after the owner was written into it). */
  reloadNow(): void;
}): GatewayChannels {
  const { config, paths, env, store, opts } = o;
  const catalog = () => [...(o.ext.extraCatalog?.() ?? []), ...o.plugins.catalog()];
  const log = o.log.child('channels');
  const channels = createChannelsRuntime({ config, stateDir: paths.stateDir, store, log, publish: o.publish, plugins: opts.channelPlugins, catalog, backoff: opts.channelBackoff, delivery: opts.deliveryRetry, skip: env.OPENCLAW_SKIP_CHANNELS === '1', platform: opts.platform });
  const access = createChannelAccess({
    store,
    config,
    log: log.child('pairing'),
    emit: o.publish,
    notify: async (reply) => void (await channels.deliver(reply)),
    reingest: (msg) => channels.reingest(msg),
    ownerOf: (channel, accountId) => channels.ownerOf(channel, accountId),
    channelInfo: (channel) => channels.channelInfo(channel),
    seedOwner: async (entry) => {
      editConfigFile(paths.configPath, env, (c) => ({ ...c, commands: { ...c.commands, ownerAllowFrom: [entry] } }), { legacyConfigPath: paths.legacyConfigPath });
      o.reloadNow();
    },
  });
  return { channels, access, channelIds: () => catalogEntries(catalog()).map((e) => e.id) };
}
