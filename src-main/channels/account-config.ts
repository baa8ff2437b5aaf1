import type { AccessSettings, DmPolicy, GroupPolicy } from '../../src-shared/domain/access-policy.js';
import type { ChannelConfig } from '../../src-shared/domain/config-schema.js';
import type { ResolvedConfig } from '../config/resolve.js';

export const DEFAULT_ACCOUNT_ID = 'default';

/** One configured account of a channel, with channel-level keys merged under its own. */
export interface ChannelAccount {
  channel: string;
  accountId: string;
  enabled: boolean;
  /** Merged settings (account keys win), without `accounts`. */
  config: Record<string, unknown>;
}

/**
 * The accounts of `channels.<id>`: each `accounts.<accountId>` when present,
 * otherwise the channel itself as account `default`.
 */
export function listChannelAccounts(cfg: ResolvedConfig, channel: string): ChannelAccount[] {
  const ch = cfg.channels?.[channel] as ChannelConfig | undefined;
  if (!ch) return [];
  const { accounts, ...shared } = ch;
  const channelEnabled = shared.enabled !== false;
  if (!accounts || Object.keys(accounts).length === 0) return [{ channel, accountId: DEFAULT_ACCOUNT_ID, enabled: channelEnabled, config: shared }];
  return Object.entries(accounts).map(([accountId, acc]) => {
    const config = { ...shared, ...acc };
    return { channel, accountId, enabled: channelEnabled && acc.enabled !== false, config };
  });
}

export function findChannelAccount(cfg: ResolvedConfig, channel: string, accountId?: string): ChannelAccount | undefined {
  const all = listChannelAccounts(cfg, channel);
  return accountId ? all.find((a) => a.accountId === accountId) : (all.find((a) => a.accountId === DEFAULT_ACCOUNT_ID) ?? all[0]);
}

/** Access settings for an account with defaults: personal-number channels default to `allowlist`, bots to `pairing`. */
export function accessSettingsFor(cfg: ResolvedConfig, channel: string, accountConfig: Record<string, unknown>, personal: boolean): AccessSettings {
  const c = accountConfig as {
    dmPolicy?: DmPolicy;
    allowFrom?: (string | number)[];
    groupPolicy?: GroupPolicy;
    groupAllowFrom?: (string | number)[];
    requireMention?: boolean;
    groups?: Record<string, { requireMention?: boolean; enabled?: boolean }>;
  };
  return {
    channel,
    dmPolicy: c.dmPolicy ?? (personal ? 'allowlist' : 'pairing'),
    allowFrom: c.allowFrom ?? [],
    groupPolicy: c.groupPolicy ?? 'allowlist',
    groupAllowFrom: c.groupAllowFrom ?? [],
    requireMention: c.requireMention ?? true,
    groups: c.groups,
    accessGroups: cfg.accessGroups,
  };
}

/** A config problem core can see before starting the adapter (e.g. `open` without `"*"`). */
export function checkAccessConfig(s: AccessSettings): string | undefined {
  if (s.dmPolicy === 'open' && !s.allowFrom.some((e) => String(e).trim() === '*')) {
    return `dmPolicy "open" needs "*" in channels.${s.channel}.allowFrom, to make clear that anyone may message the assistant`;
  }
  return undefined;
}
