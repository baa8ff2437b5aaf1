import { afterEach, describe, expect, it } from 'vitest';
import { ChannelAuthError, ChannelPermanentError, ChannelRateLimitError } from '../../../src-shared/domain/channel.js';
import { startSlackFixture, type SlackFixture } from '../../../test-support/fake-slack/fixture.js';

describe('Slack send: core sends Z, Slack receives Z in the right place', () => {
  let fx: SlackFixture;
  afterEach(async () => fx?.close());

  it('posts to a channel and returns channel:ts as the message id', async () => {
    fx = await startSlackFixture();
    const { messageId } = await fx.harness.adapter.send({ to: { kind: 'channel', id: 'C0001' }, text: '*bold* reply' });
    const [posted] = await fx.fake.waitForPosted('C0001', 1);
    expect(posted).toMatchObject({ channel: 'C0001', text: '*bold* reply' });
    expect(posted.threadTs).toBeUndefined();
    expect(messageId).toBe(`C0001:${posted.ts}`);
  });

  it('a DM reply goes to the user and lands in their DM conversation', async () => {
    fx = await startSlackFixture();
    const { messageId } = await fx.harness.adapter.send({ to: { kind: 'direct', id: 'U0002' }, text: 'hi Bob' });
    const [posted] = await fx.fake.waitForPosted('U0002', 1);
    expect(posted).toMatchObject({ channel: 'D0002', text: 'hi Bob' });
    expect(messageId).toBe(`D0002:${posted.ts}`);
  });

  it('a thread reply carries thread_ts', async () => {
    fx = await startSlackFixture();
    const root = fx.fake.say({ user: 'U0001', channel: 'C0001', text: 'question', mention: true });
    const [inbound] = await fx.harness.nextInbound();
    await fx.harness.adapter.send({ to: inbound.peer, text: 'answer in thread', threadId: root.ts });
    const [posted] = await fx.fake.waitForPosted('C0001', 1);
    expect(posted).toMatchObject({ threadTs: root.ts, text: 'answer in thread' });
  });

  it('replyToMessageId starts a thread only with replyToMode "thread"', async () => {
    fx = await startSlackFixture();
    const root = fx.fake.say({ user: 'U0001', channel: 'C0001', text: 'hello' });
    await fx.harness.adapter.send({ to: { kind: 'channel', id: 'C0001' }, text: 'plain reply', replyToMessageId: root.messageId });
    await fx.close();

    fx = await startSlackFixture({ config: { replyToMode: 'thread' } });
    const again = fx.fake.say({ user: 'U0001', channel: 'C0001', text: 'hello' });
    await fx.harness.adapter.send({ to: { kind: 'channel', id: 'C0001' }, text: 'threaded reply', replyToMessageId: again.messageId });
    const [posted] = await fx.fake.waitForPosted('C0001', 1);
    expect(posted.threadTs).toBe(again.ts);
  });

  it('replyToMode "off" posts a reply to a message as a plain channel message', async () => {
    fx = await startSlackFixture();
    const root = fx.fake.say({ user: 'U0001', channel: 'C0001', text: 'hello' });
    await fx.harness.adapter.send({ to: { kind: 'channel', id: 'C0001' }, text: 'plain reply', replyToMessageId: root.messageId });
    const [posted] = await fx.fake.waitForPosted('C0001', 1);
    expect(posted.threadTs).toBeUndefined();
  });

  it('media URLs are posted as links under the text', async () => {
    fx = await startSlackFixture();
    await fx.harness.adapter.send({ to: { kind: 'channel', id: 'C0001' }, text: 'the chart', mediaUrls: ['https://example.com/chart.png'] });
    const [posted] = await fx.fake.waitForPosted('C0001', 1);
    expect(posted.text).toBe('the chart\nhttps://example.com/chart.png');
  });

  it('a 429 becomes ChannelRateLimitError with Retry-After, without the SDK retrying', async () => {
    fx = await startSlackFixture();
    fx.fake.failNext('chat.postMessage', 'ratelimited', { retryAfterSec: 7 });
    const err = await fx.harness.adapter.send({ to: { kind: 'channel', id: 'C0001' }, text: 'too fast' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ChannelRateLimitError);
    expect((err as ChannelRateLimitError).retryAfterMs).toBe(7000);
    expect(fx.fake.callCount('chat.postMessage')).toBe(1);
    expect(fx.fake.posted).toEqual([]);
  });

  it('not_in_channel and channel_not_found are permanent', async () => {
    fx = await startSlackFixture();
    const notIn = await fx.harness.adapter.send({ to: { kind: 'channel', id: 'C0002' }, text: 'hello?' }).catch((e: unknown) => e);
    expect(notIn).toBeInstanceOf(ChannelPermanentError);
    expect((notIn as Error).message).toContain('not_in_channel');
    const unknown = await fx.harness.adapter.send({ to: { kind: 'channel', id: 'C9999' }, text: 'hello?' }).catch((e: unknown) => e);
    expect(unknown).toBeInstanceOf(ChannelPermanentError);
    expect((unknown as Error).message).toContain('channel_not_found');
  });

  it('a revoked token is an auth error; a 5xx is a plain (retryable) error', async () => {
    fx = await startSlackFixture();
    fx.fake.failNext('chat.postMessage', 'token_revoked');
    const revoked = await fx.harness.adapter.send({ to: { kind: 'channel', id: 'C0001' }, text: 'x' }).catch((e: unknown) => e);
    expect(revoked).toBeInstanceOf(ChannelAuthError);
    expect((revoked as Error).message).toContain('botToken');

    fx.fake.setFault('5xx', true);
    const down = await fx.harness.adapter.send({ to: { kind: 'channel', id: 'C0001' }, text: 'x' }).catch((e: unknown) => e);
    expect(down).toBeInstanceOf(Error);
    expect(down).not.toBeInstanceOf(ChannelPermanentError);
    expect(down).not.toBeInstanceOf(ChannelRateLimitError);
    expect((down as Error).message).toContain('HTTP 500');
    expect(fx.fake.callCount('chat.postMessage', 500)).toBe(1);
  });

  it('describe() tells bot, team and socket state without secrets', async () => {
    fx = await startSlackFixture();
    const info = fx.harness.adapter.describe?.();
    expect(info).toMatchObject({ botUserId: 'U0BOT', botId: 'B0001', botName: 'openclaw', teamId: 'T0001', teamName: 'OpenClaw Test', socket: 'connected' });
    const text = JSON.stringify(info);
    expect(text).not.toContain(fx.fake.botToken);
    expect(text).not.toContain(fx.fake.appToken);
    await fx.harness.adapter.stop();
    expect(fx.harness.adapter.describe?.()).toMatchObject({ socket: 'stopped' });
  });
});
