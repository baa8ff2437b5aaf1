import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MethodResult } from '../../src-shared/protocol/index.js';
import { startChannelGateway, type ChannelGateway } from '../../test-support/channel-gateway.js';
import { createTelegramDriver } from '../../test-support/fake-telegram/driver.js';
import { channelHealthState } from './snapshots.js';

// `health` names each channel account's state the way the reference clients read it (`openclaw status --deep`
// prints a channel line from `healthState`, `configured` and `enabled`), beside this gateway's own fields.

describe('channel health in the reference words', () => {
  it('healthy while connected, else what the account is doing', () => {
    expect(channelHealthState({ state: 'running', connected: true })).toBe('healthy');
    expect(channelHealthState({ state: 'running', connected: false })).toBe('disconnected');
    expect(channelHealthState({ state: 'backoff', connected: false })).toBe('reconnecting');
    expect(channelHealthState({ state: 'failed', connected: false })).toBe('failed');
    expect(channelHealthState({ state: 'starting', connected: false })).toBe('starting');
  });

  describe('a real gateway with a connected Telegram bot', () => {
    let g: ChannelGateway;
    beforeAll(async () => {
      g = await startChannelGateway(createTelegramDriver());
    });
    afterAll(async () => {
      await g?.close();
    });

    it('reports the channel and its account healthy, with the account id and that it is configured', async () => {
      const health = await g.call<MethodResult<'health'>>('health', {});
      const telegram = health.channels.telegram as { healthState: string; accounts: Record<string, unknown> };
      expect(telegram.healthState).toBe('healthy');
      expect(telegram.accounts.default).toMatchObject({ accountId: 'default', enabled: true, configured: true, connected: true, healthState: 'healthy', state: 'running' });
    });
  });
});
