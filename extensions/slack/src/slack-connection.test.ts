import { afterEach, describe, expect, it } from 'vitest';
import { ChannelAuthError } from '../../../src-shared/domain/channel.js';
import { startSlackFixture, type SlackFixture } from '../../../test-support/fake-slack/fixture.js';
import { asChannelPlugin } from '../../../test-support/channel-plugin.js';
import { slackChannel } from './index.js';

const slackPlugin = asChannelPlugin(slackChannel);
import { slackTimings } from './settings.js';

describe('Slack connection: start, liveness and faults', () => {
  let fx: SlackFixture | undefined;
  afterEach(async () => {
    await fx?.close();
    fx = undefined;
  });

  it('checkConfig says in plain words which token is missing or wrong', () => {
    const check = (config: Record<string, unknown>) => slackPlugin.checkConfig(config, { platform: 'linux' });
    expect(check({})).toMatchObject({ ok: false, reason: expect.stringContaining('channels.slack.botToken') });
    expect(check({ botToken: 'xoxp-user-token', appToken: 'xapp-1' })).toMatchObject({ ok: false, reason: expect.stringContaining('xoxb-') });
    expect(check({ botToken: 'xoxb-1' })).toMatchObject({ ok: false, reason: expect.stringContaining('channels.slack.appToken') });
    expect(check({ botToken: 'xoxb-1', appToken: 'xapp-1', replyToMode: 'always' })).toMatchObject({ ok: false, reason: expect.stringContaining('replyToMode') });
    expect(check({ botToken: 'xoxb-1', appToken: 'xapp-1' })).toEqual({ ok: true });
  });

  it('a bad bot token fails start with ChannelAuthError naming botToken; no socket is opened', async () => {
    fx = await startSlackFixture({ start: false, config: { botToken: 'xoxb-wrong' } });
    const err = await fx.harness.adapter.start().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ChannelAuthError);
    expect((err as Error).message).toContain('invalid_auth');
    expect((err as Error).message).toContain('channels.slack.botToken');
    expect(fx.fake.connectionsOpened).toBe(0);
  });

  it('a bad app token fails start with ChannelAuthError naming appToken', async () => {
    fx = await startSlackFixture({ start: false, config: { appToken: 'xapp-1-wrong' } });
    const err = await fx.harness.adapter.start().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ChannelAuthError);
    expect((err as Error).message).toContain('channels.slack.appToken');
    expect(fx.fake.connectionsOpened).toBe(0);
  });

  it('a missing token fails start with the same plain words as checkConfig', async () => {
    fx = await startSlackFixture({ start: false, config: { appToken: undefined } });
    await expect(fx.harness.adapter.start()).rejects.toThrow(/channels\.slack\.appToken/);
  });

  it('a healthy idle connection heartbeats from pings and pongs, well within livenessMs', async () => {
    fx = await startSlackFixture();
    const since = Date.now();
    await fx.harness.nextHeartbeats(4, 3000);
    expect(Date.now() - since).toBeLessThan(3000);
    expect(fx.harness.failures).toEqual([]);
  });

  it('drop: the client asks apps.connections.open again, reconnects, heartbeats resume, nothing is lost', async () => {
    fx = await startSlackFixture();
    expect(fx.fake.callCount('apps.connections.open')).toBe(1);
    fx.fake.setFault('drop', true);
    const { messageId } = fx.fake.sayDirect('U0001', 'said while dropped');
    const [msg] = await fx.harness.nextInbound();
    expect(msg.messageId).toBe(messageId);
    expect(fx.fake.callCount('apps.connections.open')).toBe(2);
    await fx.harness.nextHeartbeats(2);
    expect(fx.harness.failures).toEqual([]);
    expect(fx.harness.adapter.describe?.()).toMatchObject({ socket: 'connected' });
    const logged = JSON.stringify(fx.harness.logs);
    expect(logged).not.toContain(fx.fake.appToken);
    expect(logged).not.toContain(fx.fake.botToken);
  });

  it('Slack asking to reconnect (disconnect: refresh_requested) is followed without a failure', async () => {
    fx = await startSlackFixture();
    fx.fake.requestDisconnect('refresh_requested');
    await fx.fake.waitForConnections(2);
    fx.fake.sayDirect('U0002', 'after the refresh');
    const [msg] = await fx.harness.nextInbound();
    expect(msg.text).toBe('after the refresh');
    expect(fx.harness.failures).toEqual([]);
  });

  it('stall: heartbeats stop at once, the adapter gives up with ctx.fail, and a restart gets the held message', async () => {
    fx = await startSlackFixture();
    await fx.harness.nextHeartbeats(2);
    const stalledAt = Date.now();
    fx.fake.setFault('stall', true);
    const { messageId } = fx.fake.sayDirect('U0003', 'said during the stall');
    const err = await fx.harness.nextFailure(10_000);
    expect(err.message).toMatch(/could not reconnect/);
    // Only frames already in flight when the platform went silent may still count.
    expect(fx.beats.filter((t) => t > stalledAt + 100)).toEqual([]);
    expect(fx.harness.inbound).toEqual([]);

    // What the supervisor does: stop this instance, start a new one once Slack answers again.
    await fx.harness.adapter.stop();
    fx.fake.setFault('stall', false);
    const restarted = slackPlugin.create(fx.harness.ctx);
    await restarted.start();
    try {
      const [msg] = await fx.harness.nextInbound();
      expect(msg.messageId).toBe(messageId);
    } finally {
      await restarted.stop();
    }
  });

  it('5xx while reconnecting: retries apps.connections.open until Slack recovers, then heartbeats resume', async () => {
    fx = await startSlackFixture();
    fx.fake.setFault('5xx', true);
    fx.fake.setFault('drop', true);
    fx.fake.sayDirect('U0001', 'said while Slack was down');
    await fx.fake.waitFor(() => fx!.fake.callCount('apps.connections.open', 500) >= 2, 'two failed reconnect attempts');
    fx.fake.setFault('5xx', false);
    const [msg] = await fx.harness.nextInbound(1, 5000);
    expect(msg.text).toBe('said while Slack was down');
    await fx.harness.nextHeartbeats(2);
    expect(fx.harness.failures).toEqual([]);
  });

  it('5xx longer than the liveness bound: the adapter gives up with ctx.fail', async () => {
    fx = await startSlackFixture({ config: { livenessMs: 1500 } });
    fx.fake.setFault('5xx', true);
    fx.fake.setFault('drop', true);
    const err = await fx.harness.nextFailure(5000);
    expect(err.message).toMatch(/could not reconnect for \d+ s: Slack answered HTTP 500|could not reconnect/);
    expect(err).not.toBeInstanceOf(ChannelAuthError);
    expect(fx.fake.callCount('apps.connections.open', 500)).toBeGreaterThanOrEqual(2);
  });

  it('an app token revoked while running: the reconnect is refused and ctx.fail gets ChannelAuthError', async () => {
    fx = await startSlackFixture();
    fx.fake.failNext('apps.connections.open', 'invalid_auth');
    fx.fake.setFault('drop', true);
    const err = await fx.harness.nextFailure();
    expect(err).toBeInstanceOf(ChannelAuthError);
    expect(err.message).toContain('channels.slack.appToken');
    expect(fx.harness.failures).toHaveLength(1);
  });

  it('tokens_revoked for the bot (not for a user) fails the account with ChannelAuthError', async () => {
    fx = await startSlackFixture();
    const userOnly = fx.fake.deliverEvent({ type: 'tokens_revoked', tokens: { oauth: ['U0002'] }, event_ts: fx.fake.workspace.nextTs() });
    await fx.fake.waitForAck(userOnly);
    expect(fx.harness.failures).toEqual([]);
    fx.fake.deliverEvent({ type: 'tokens_revoked', tokens: { bot: ['U0BOT'] }, event_ts: fx.fake.workspace.nextTs() });
    const err = await fx.harness.nextFailure();
    expect(err).toBeInstanceOf(ChannelAuthError);
  });

  it('stop() is idempotent and closes the socket', async () => {
    fx = await startSlackFixture();
    await Promise.all([fx.harness.adapter.stop(), fx.harness.adapter.stop()]);
    await fx.harness.adapter.stop();
    await fx.fake.waitFor(() => fx!.fake.openSockets === 0, 'the socket to close');
  });

  it('socket timings follow livenessMs', () => {
    expect(slackTimings(3000)).toMatchObject({ clientPingTimeoutMs: 750, serverPingTimeoutMs: 3000, giveUpAfterMs: 3000 });
    expect(slackTimings(60_000)).toMatchObject({ clientPingTimeoutMs: 15_000, serverPingTimeoutMs: 60_000 });
  });
});
