/**
 * Plugin channels in the shape the channel manager already runs
 * (`ChannelPlugin`), and catalog entries built from manifests, so a plugin
 * channel is listed, configured and targeted before its code is loaded; the
 * code loads on the first `load()`.
 */
import type { ChannelCapabilities, ChannelPlugin } from '../../src-shared/domain/channel.js';
import type { PeerKind } from '../../src-shared/domain/inbound.js';
import type { ChannelDefinition } from '../../src-shared/plugin/api.js';
import { bareTargetKindFromPattern, type RegisteredChannel } from './contributions.js';
import { PluginUnavailableError } from './errors.js';
import type { PluginRegistry } from './plugin-registry.js';

/** A channel catalog entry for a plugin channel (the fields of the built-in catalog, plus its plugin). */
export interface PluginChannelCatalogEntry {
  id: string;
  label: string;
  personalNumber: boolean;
  pluginId: string;
  /** From the manifest; absent when the manifest does not describe the channel. */
  capabilities?: ChannelCapabilities;
  qrLogin?: boolean;
  loginHint?: string;
  /** Loads the plugin (once) and returns the channel. */
  load(): Promise<ChannelPlugin>;
  bareTargetKind?(id: string): PeerKind;
  threadIsTopic?: boolean;
}

type CatalogRegistry = Pick<PluginRegistry, 'channelProviders' | 'ensureLoaded' | 'channels'>;
type ChannelProvider = ReturnType<CatalogRegistry['channelProviders']>[number];

/**
 * Entries built once per registry, manifest and channel: every `health`, `status` and channel lookup reads
 * the catalog, and an entry depends on nothing else (enablement is filtered before the cache is read).
 */
const built = new WeakMap<CatalogRegistry, WeakMap<object, Map<string, PluginChannelCatalogEntry>>>();

/** Catalog entries for every channel of an enabled plugin, from manifests only. */
export function pluginChannelCatalog(registry: CatalogRegistry): PluginChannelCatalogEntry[] {
  let byManifest = built.get(registry);
  if (!byManifest) built.set(registry, (byManifest = new WeakMap()));
  const out: PluginChannelCatalogEntry[] = [];
  for (const p of registry.channelProviders()) {
    if (!p.enabled) continue;
    let byChannel = byManifest.get(p.manifest);
    if (!byChannel) byManifest.set(p.manifest, (byChannel = new Map()));
    const key = `${p.pluginId}\0${p.channelId}`;
    let entry = byChannel.get(key);
    if (!entry) byChannel.set(key, (entry = catalogEntry(registry, p)));
    out.push(entry);
  }
  return out;
}

function catalogEntry(registry: CatalogRegistry, p: ChannelProvider): PluginChannelCatalogEntry {
  const info = p.manifest.channelInfo?.[p.channelId];
  const bare = bareTargetKindFromPattern(info?.targetRules?.groupIdPattern);
  return {
    id: p.channelId,
    label: info?.label ?? p.channelId,
    personalNumber: info?.capabilities.personalNumber === true,
    ...(info?.capabilities.qrLogin ? { qrLogin: true } : {}),
    ...(info?.loginHint ? { loginHint: info.loginHint } : {}),
    pluginId: p.pluginId,
    ...(info ? { capabilities: info.capabilities } : {}),
    ...(bare ? { bareTargetKind: bare } : {}),
    ...(info?.targetRules?.threadIsTopic ? { threadIsTopic: true } : {}),
    async load() {
      const record = await registry.ensureLoaded(p.pluginId);
      if (record.state !== 'loaded') throw new PluginUnavailableError(p.pluginId, record.error ?? `it is ${record.state}`);
      const channel = registry.channels().find((c) => c.pluginId === p.pluginId && c.id === p.channelId);
      if (!channel) throw new PluginUnavailableError(p.pluginId, `it loaded but registered no channel "${p.channelId}"`);
      return toChannelPlugin(channel);
    },
  };
}

/**
 * Adapts a registered channel to the channel manager's `ChannelPlugin`. A
 * channel of a plugin process has a definition whose adapters are proxies
 * into that process (see `process-contributions`).
 */
export function toChannelPlugin(channel: RegisteredChannel): ChannelPlugin {
  const def = channel.definition;
  if (!def) {
    const reason = `plugin "${channel.pluginId}" gave the gateway no adapter code for channel "${channel.id}"`;
    return {
      id: channel.id,
      label: channel.label,
      capabilities: channel.capabilities,
      checkConfig: () => ({ ok: false, reason }),
      create: () => {
        throw new PluginUnavailableError(channel.pluginId, reason);
      },
    };
  }
  return channelPluginOf(def, { label: channel.label, capabilities: channel.capabilities });
}

/**
 * A channel definition in the manager's shape: the account's settings become
 * `account.config`. `facts` overrides the label and capabilities (a plugin
 * process reports them; in process they are the definition's own).
 */
export function channelPluginOf(def: ChannelDefinition, facts: { label: string; capabilities: ChannelCapabilities } = def): ChannelPlugin {
  const account = (ctx: { accountId: string; config: Record<string, unknown> }) => ({ id: ctx.accountId, config: ctx.config });
  return {
    id: def.id,
    label: facts.label,
    capabilities: facts.capabilities,
    checkConfig: (config, ctx) => (def.checkConfig ? def.checkConfig(config, ctx) : { ok: true }),
    create: (ctx) => def.create(account(ctx), ctx),
    ...(def.login ? { login: (ctx, events) => def.login!(account(ctx), ctx, events) } : {}),
    ...(def.logout ? { logout: (ctx) => def.logout!(account(ctx), ctx) } : {}),
  };
}
