import type { MethodResult } from '../../../src-shared/protocol/index.js';
import { formatCountdown } from './relative-time.js';

export type ChannelsStatus = MethodResult<'channels.status'>;
export type AccountStatus = ChannelsStatus['channelAccounts'][string][number];

/** How a state badge looks: `ok` green, `warn` amber, `bad` red, `off` grey. */
export type Tone = 'ok' | 'warn' | 'bad' | 'off';

export interface StateBadge {
  label: string;
  tone: Tone;
}

/** The badge for an account: what a user needs to know at a glance, with the retry countdown while in backoff. */
export function describeAccountState(a: AccountStatus, now: number): StateBadge {
  if (!a.enabled) return { label: 'Disabled', tone: 'off' };
  if (!a.configured) return { label: 'Needs setup', tone: 'bad' };
  switch (a.state) {
    case 'running':
      return a.connected ? { label: 'Connected', tone: 'ok' } : { label: 'Not connected', tone: 'warn' };
    case 'starting':
      return { label: 'Connecting…', tone: 'warn' };
    case 'backoff': {
      const left = a.nextRetryAt === undefined ? undefined : formatCountdown(a.nextRetryAt, now);
      return { label: left ? `Reconnecting in ${left}` : 'Reconnecting…', tone: 'warn' };
    }
    case 'failed':
      return { label: 'Failed', tone: 'bad' };
    case 'stopped':
      return { label: 'Stopped', tone: 'off' };
    default:
      // A state this page does not know yet: show the gateway's word for it.
      return { label: a.state, tone: 'warn' };
  }
}

/** What to do about a state the gateway will not fix by itself; undefined when nothing is needed. */
export function stateAdvice(a: AccountStatus): string | undefined {
  if (!a.enabled) return 'Turned off in the config.';
  if (!a.configured) return 'Fix the setting named in the error (Config page), and the gateway starts it.';
  if (a.state === 'failed') return 'The platform refused the credentials, so retrying cannot help. Correct them in the config, then press Start.';
  if (a.state === 'stopped') return 'Stopped by hand; it stays stopped until you press Start or the config changes.';
  return undefined;
}

/**
 * The Problem column: the last error is a problem only while the account is not connected, or when
 * it came after the account last connected. An error from before a reconnect is history: shown
 * apart, as what happened earlier, never beside "Connected" as if it were current.
 */
export function accountProblem(a: AccountStatus): { current?: string; earlier?: string } {
  if (!a.lastError) return {};
  const connectedNow = a.state === 'running' && a.connected;
  if (!connectedNow) return { current: a.lastError };
  const afterConnect = a.lastErrorAt !== undefined && a.lastConnectedAt !== undefined && a.lastErrorAt > a.lastConnectedAt;
  return afterConnect ? { current: a.lastError } : { earlier: a.lastError };
}

export interface AccountRow {
  /** `channel/accountId`, unique on the page. */
  key: string;
  channel: string;
  channelLabel: string;
  account: AccountStatus;
}

/** One row per account, in the gateway's channel order, the default account first within a channel. */
export function listAccountRows(status: ChannelsStatus): AccountRow[] {
  return status.channelOrder.flatMap((channel) =>
    [...(status.channelAccounts[channel] ?? [])]
      .sort((a, b) => (a.accountId === 'default' ? -1 : b.accountId === 'default' ? 1 : a.accountId.localeCompare(b.accountId)))
      .map((account) => ({ key: `${channel}/${account.accountId}`, channel, channelLabel: status.channelLabels[channel] ?? channel, account })),
  );
}

/** `status` with one account replaced (from `channels.changed` or a start/stop result); undefined when the account is new to it. */
export function applyAccountChange(status: ChannelsStatus, changed: AccountStatus): ChannelsStatus | undefined {
  const accounts = status.channelAccounts[changed.channel];
  const index = accounts?.findIndex((a) => a.accountId === changed.accountId) ?? -1;
  if (!accounts || index < 0) return undefined;
  const next = accounts.map((a, i) => (i === index ? changed : a));
  return { ...status, channelAccounts: { ...status.channelAccounts, [changed.channel]: next } };
}

/** Whether a channel links by scanning a QR code (the gateway's catalog says so, not its name). */
export const isQrLogin = (status: ChannelsStatus, channel: string): boolean => (status.qrLoginChannels ?? []).includes(channel);

/** The QR-login channels with no account yet, each offered as "Link …" on the page. */
export const unlinkedQrChannels = (status: ChannelsStatus): string[] => (status.qrLoginChannels ?? []).filter((id) => !status.channelOrder.includes(id));

/**
 * The adapter's plain facts (bot name, receive mode, linked number) as one short line.
 * Timestamps and nested objects are left out: the table shows times of its own.
 */
export function summarizeDetails(details: Record<string, unknown> | undefined): string | undefined {
  if (!details) return undefined;
  const parts: string[] = [];
  for (const [key, value] of Object.entries(details)) {
    if (key.endsWith('At') || !['string', 'number', 'boolean'].includes(typeof value)) continue;
    parts.push(key === 'botUsername' ? `@${String(value)}` : `${key}: ${String(value)}`);
  }
  return parts.length ? parts.join(' · ') : undefined;
}
