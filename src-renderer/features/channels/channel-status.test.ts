import { describe, expect, it } from 'vitest';
import { accountProblem, applyAccountChange, describeAccountState, isQrLogin, listAccountRows, unlinkedQrChannels, stateAdvice, summarizeDetails, type AccountStatus, type ChannelsStatus } from './channel-status.js';

const account = (extra: Partial<AccountStatus> = {}): AccountStatus => ({
  channel: 'telegram',
  accountId: 'default',
  enabled: true,
  configured: true,
  state: 'running',
  running: true,
  connected: true,
  restarts: 0,
  inboundCount: 0,
  outboundCount: 0,
  ...extra,
});

const status = (accounts: AccountStatus[]): ChannelsStatus => {
  const out: ChannelsStatus = { ts: 0, channelOrder: [], channelLabels: {}, channels: {}, channelAccounts: {}, channelDefaultAccountId: {} };
  for (const a of accounts) {
    if (!out.channelAccounts[a.channel]) {
      out.channelOrder.push(a.channel);
      out.channelLabels[a.channel] = a.channel === 'whatsapp' ? 'WhatsApp' : 'Telegram';
      out.channelAccounts[a.channel] = [];
    }
    out.channelAccounts[a.channel]!.push(a);
  }
  return out;
};

describe('describeAccountState', () => {
  const now = 100_000;
  it.each([
    [account(), 'Connected', 'ok'],
    [account({ connected: false }), 'Not connected', 'warn'],
    [account({ state: 'starting', running: false, connected: false }), 'Connecting…', 'warn'],
    [account({ state: 'backoff', running: false, connected: false, nextRetryAt: now + 4_200 }), 'Reconnecting in 5s', 'warn'],
    [account({ state: 'backoff', running: false, connected: false, nextRetryAt: now - 1 }), 'Reconnecting…', 'warn'],
    [account({ state: 'backoff', running: false, connected: false }), 'Reconnecting…', 'warn'],
    [account({ state: 'failed', running: false, connected: false }), 'Failed', 'bad'],
    [account({ state: 'stopped', running: false, connected: false }), 'Stopped', 'off'],
    [account({ state: 'stopped', enabled: false, running: false, connected: false }), 'Disabled', 'off'],
    [account({ state: 'stopped', configured: false, running: false, connected: false }), 'Needs setup', 'bad'],
    [account({ state: 'paused' }), 'paused', 'warn'],
  ] as const)('%# → %s', (a, label, tone) => {
    expect(describeAccountState(a, now)).toEqual({ label, tone });
  });
});

describe('stateAdvice', () => {
  it('explains the states the gateway will not leave by itself', () => {
    expect(stateAdvice(account({ state: 'failed' }))).toContain('press Start');
    expect(stateAdvice(account({ state: 'stopped' }))).toContain('press Start');
    expect(stateAdvice(account({ enabled: false }))).toContain('Turned off');
    expect(stateAdvice(account())).toBeUndefined();
    expect(stateAdvice(account({ state: 'backoff' }))).toBeUndefined();
  });
});

describe('listAccountRows', () => {
  it('follows the channel order, default account first, with labels', () => {
    const s = status([account({ channel: 'whatsapp', accountId: 'work' }), account({ channel: 'whatsapp' }), account({ accountId: 'b' }), account({ accountId: 'a' })]);
    expect(listAccountRows(s).map((r) => `${r.channelLabel}:${r.account.accountId}`)).toEqual(['WhatsApp:default', 'WhatsApp:work', 'Telegram:a', 'Telegram:b']);
    expect(listAccountRows(s)[0]!.key).toBe('whatsapp/default');
  });
});

describe('applyAccountChange', () => {
  it('replaces the matching account and leaves the input untouched', () => {
    const s = status([account(), account({ accountId: 'other' })]);
    const next = applyAccountChange(s, account({ state: 'stopped', running: false, connected: false }));
    expect(next?.channelAccounts.telegram?.map((a) => a.state)).toEqual(['stopped', 'running']);
    expect(s.channelAccounts.telegram?.[0]?.state).toBe('running');
  });

  it('is undefined for an account the status does not know (the page reloads instead)', () => {
    expect(applyAccountChange(status([account()]), account({ accountId: 'new' }))).toBeUndefined();
    expect(applyAccountChange(status([account()]), account({ channel: 'discord' }))).toBeUndefined();
  });
});

describe('QR-login channels', () => {
  it('follow the capability the gateway reports, and offer the ones with no account yet', () => {
    const none = { ...status([account()]), qrLoginChannels: ['whatsapp', 'signalish'] };
    expect(unlinkedQrChannels(none)).toEqual(['whatsapp', 'signalish']);
    expect(isQrLogin(none, 'signalish')).toBe(true);
    expect(isQrLogin(none, 'telegram')).toBe(false);
    const linked = { ...status([account({ channel: 'whatsapp' }), account({ channel: 'signalish' })]), qrLoginChannels: ['whatsapp', 'signalish'] };
    expect(unlinkedQrChannels(linked)).toEqual([]);
    expect(unlinkedQrChannels({ ...status([account({ channel: 'whatsapp' })]), qrLoginChannels: ['whatsapp', 'signalish'] })).toEqual(['signalish']);
    expect(unlinkedQrChannels(status([account()]))).toEqual([]);
  });
});

describe('summarizeDetails', () => {
  it('keeps plain facts and drops timestamps and nested objects', () => {
    expect(summarizeDetails({ mode: 'polling', botUsername: 'helper_bot', lastPollAt: 5, webhook: { url: 'x' } })).toBe('mode: polling · @helper_bot');
    expect(summarizeDetails({ lastPollAt: 5 })).toBeUndefined();
    expect(summarizeDetails(undefined)).toBeUndefined();
  });
});

describe('accountProblem', () => {
  it('an error from before the account (re)connected is earlier history, not a problem beside Connected', () => {
    expect(accountProblem(account({ lastError: 'getMe failed: Bad Gateway', lastErrorAt: 100, lastConnectedAt: 200 }))).toEqual({ earlier: 'getMe failed: Bad Gateway' });
    expect(accountProblem(account({ lastError: 'old', lastErrorAt: 100 }))).toEqual({ earlier: 'old' });
  });

  it('is a problem while not connected, or when it came after the last connect', () => {
    expect(accountProblem(account({ state: 'backoff', connected: false, running: false, lastError: 'down', lastErrorAt: 300, lastConnectedAt: 200 }))).toEqual({ current: 'down' });
    expect(accountProblem(account({ state: 'running', connected: false, lastError: 'quiet', lastErrorAt: 100, lastConnectedAt: 200 }))).toEqual({ current: 'quiet' });
    expect(accountProblem(account({ lastError: 'send failed', lastErrorAt: 300, lastConnectedAt: 200 }))).toEqual({ current: 'send failed' });
    expect(accountProblem(account())).toEqual({});
  });
});
