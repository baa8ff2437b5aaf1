import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ChannelAuthError } from '../../../src-shared/domain/channel.js';
import type { InboundMessage } from '../../../src-shared/domain/inbound.js';
import { IDS, startTelegramFixture, type TelegramFixture } from '../../../test-support/fake-telegram/fixture.js';
import { asChannelPlugin } from '../../../test-support/channel-plugin.js';
import { telegramChannel } from './index.js';

const telegramPlugin = asChannelPlugin(telegramChannel);

describe('Telegram long polling', () => {
  let fx: TelegramFixture;
  beforeEach(async () => {
    fx = await startTelegramFixture();
  });
  afterEach(() => fx.close());

  it('checkConfig says in plain words what is missing', () => {
    expect(telegramPlugin.checkConfig({}, { platform: 'linux' })).toEqual({ ok: false, reason: expect.stringContaining('channels.telegram.botToken') });
    expect(telegramPlugin.checkConfig({ botToken: '1:a' }, { platform: 'linux' })).toEqual({ ok: true });
    expect(telegramPlugin.checkConfig({ botToken: '1:a', pollTimeoutSeconds: 90 }, { platform: 'linux' })).toMatchObject({ ok: false, reason: expect.stringContaining('1 to 50') });
  });

  it('a wrong token fails start with ChannelAuthError saying what to fix', async () => {
    const h = fx.harness({ botToken: '123:not-the-token' });
    const err = await h.adapter.start().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ChannelAuthError);
    expect((err as Error).message).toBe('Telegram rejected the bot token (401). Check channels.telegram.botToken from @BotFather.');
    expect(fx.fake.calls.map((c) => c.method)).toEqual(['getMe']);
  });

  it('an unreachable API fails start in plain words, without the token', async () => {
    const h = fx.harness({ apiRoot: 'http://127.0.0.1:9/' });
    const err = (await h.adapter.start().catch((e: unknown) => e)) as Error;
    expect(err).not.toBeInstanceOf(ChannelAuthError);
    expect(err.message).toMatch(/^Could not reach Telegram at http:\/\/127\.0\.0\.1:9 /);
    expect(err.message).not.toContain(fx.fake.token);
  });

  it('removes a leftover webhook, then polls with a timeout derived from livenessMs, heartbeating every cycle', async () => {
    await fetch(`${fx.fake.apiRoot}/bot${fx.fake.token}/setWebhook`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ url: 'https://old.example/hook' }) });
    const h = await fx.started();
    await h.nextHeartbeats(2, 5000);
    expect(fx.fake.feed.webhook).toBeUndefined();
    const polls = fx.fake.calls.filter((c) => c.method === 'getUpdates');
    expect(polls[0].params).toMatchObject({ timeout: 1, allowed_updates: ['message', 'channel_post'] });
    expect(h.failures).toEqual([]);

    const custom = await fx.started({ pollTimeoutSeconds: 4, livenessMs: 60_000 });
    await fx.fake.waitForCall((c) => c.method === 'getUpdates' && c.params.timeout === 4);
    await custom.close();
  });

  it('does not confirm an update while emit is still running: a restarted adapter gets it again, same messageId', async () => {
    const first = await fx.started();
    let release!: () => void;
    const held: InboundMessage[] = [];
    first.ctx.emit = (msg) => {
      held.push(msg);
      return new Promise<void>((resolve) => (release = resolve));
    };
    const sent = await fx.fake.post({ chat: IDS.ada, from: IDS.ada, text: 'do not lose me' });
    await fx.fake.waitUntil(() => (held.length > 0 ? true : undefined), 5000, 'the emit to start');
    await first.close();
    // Stopped mid-emit: Telegram still holds the update.
    expect(fx.fake.pendingUpdateIds()).toHaveLength(1);

    const second = await fx.started();
    const [again] = await second.nextInbound();
    expect(again.text).toBe('do not lose me');
    expect(again.messageId).toBe(held[0].messageId);
    expect(again.messageId).toBe(`${IDS.ada}:${sent.message_id}`);
    release();
    await fx.fake.waitUntil(() => (fx.fake.pendingUpdateIds().length === 0 ? true : undefined), 5000, 'the update to be confirmed');
  });

  it('an emit that fails leaves the update unconfirmed; it is fetched again and emitted with the same messageId', async () => {
    const h = await fx.started();
    const realEmit = h.ctx.emit;
    let refused = 0;
    h.ctx.emit = async (msg) => {
      if (refused++ === 0) throw new Error('queue is full');
      await realEmit(msg);
    };
    const next = h.nextInbound();
    const sent = await fx.fake.post({ chat: IDS.brian, from: IDS.brian, text: 'second time lucky' });
    const [msg] = await next;
    expect(msg.messageId).toBe(`${IDS.brian}:${sent.message_id}`);
    expect(refused).toBe(2);
    expect(h.logs.some((l) => l.level === 'warn' && /queue is full/.test(String(l.fields?.reason)))).toBe(true);
    // The update was handed out twice: the failed emit did not move the offset past it.
    const handedOut = fx.fake.calls.filter((c) => c.resultIds?.length).flatMap((c) => c.resultIds as number[]);
    expect(handedOut.length).toBe(2);
    expect(new Set(handedOut).size).toBe(1);
    expect(h.failures).toEqual([]);
  });

  it('malformed updates are logged and skipped, and the next good message still arrives', async () => {
    const h = await fx.started();
    const next = h.nextInbound();
    // Tried: a message that is not an object, one without chat, a chat id that is a string,
    // an unknown chat type, a text that is a number, a message with no sender and no date,
    // and an update kind the adapter does not handle.
    await fx.fake.postRaw({ message: 'not an object' });
    await fx.fake.postRaw({ message: { message_id: 1, date: 1, text: 'no chat' } });
    await fx.fake.postRaw({ message: { message_id: 2, date: 1, chat: { id: '42', type: 'private' }, from: { id: 42 }, text: 'string id' } });
    await fx.fake.postRaw({ message: { message_id: 3, date: 1, chat: { id: 42, type: 'secret' }, from: { id: 42 }, text: 'odd type' } });
    await fx.fake.postRaw({ message: { message_id: 4, date: 1, chat: { id: 42, type: 'private' }, from: { id: 42 }, text: 12345 } });
    await fx.fake.postRaw({ message: { message_id: 5, chat: { id: 42, type: 'private' }, text: 'no sender, no date' } });
    await fx.fake.postRaw({ callback_query: { id: 'cb', data: 'x' } });
    await fx.fake.post({ chat: IDS.ada, from: IDS.ada, text: 'still here' });
    expect((await next)[0].text).toBe('still here');
    expect(h.inbound).toHaveLength(1);
    const reasons = h.logs.filter((l) => l.msg === 'telegram update malformed; skipped').map((l) => l.fields?.reason);
    expect(reasons).toEqual([
      'message is not an object',
      'message has no chat id',
      'message has no chat id',
      'unknown chat type "secret"',
      'message text is not a string',
      'message has no date',
    ]);
    expect(h.failures).toEqual([]);
    await fx.fake.waitUntil(() => (fx.fake.pendingUpdateIds().length === 0 ? true : undefined), 3000, 'malformed updates confirmed too');
  });

  it('another program polling with the same token is reported in plain words', async () => {
    const h = await fx.started({ pollTimeoutSeconds: 10 });
    await fx.fake.waitForCall((c) => c.method === 'getUpdates' && c.params.timeout === 10);
    const failure = h.nextFailure();
    // Someone else starts the same bot: Telegram ends our poll with 409.
    const other = await fetch(`${fx.fake.apiRoot}/bot${fx.fake.token}/getUpdates`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"timeout":0}' });
    expect(other.status).toBe(200);
    expect((await failure).message).toMatch(/^Another program is receiving updates for this Telegram bot token \(409 Conflict\)/);
    expect(h.failures).toHaveLength(1);
  });

  it('a token revoked while running stops the account with ChannelAuthError', async () => {
    const h = await fx.started();
    const failure = h.nextFailure();
    fx.fake.revokeToken();
    const err = await failure;
    expect(err).toBeInstanceOf(ChannelAuthError);
    expect(err.message).toMatch(/revoked/);
  });

  it('stop() is idempotent and ends polling at once', async () => {
    const h = await fx.started({ pollTimeoutSeconds: 30, livenessMs: 90_000 });
    await fx.fake.waitForCall((c) => c.method === 'getUpdates' && c.params.timeout === 30);
    const t0 = Date.now();
    await Promise.all([h.adapter.stop(), h.adapter.stop()]);
    await h.adapter.stop();
    expect(Date.now() - t0).toBeLessThan(1000);
    const polls = fx.fake.calls.filter((c) => c.method === 'getUpdates').length;
    await fx.fake.post({ chat: IDS.ada, from: IDS.ada, text: 'after stop' });
    expect(fx.fake.calls.filter((c) => c.method === 'getUpdates').length).toBe(polls);
    expect(h.inbound).toEqual([]);
  });
});
