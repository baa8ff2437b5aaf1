import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ChannelAuthError, ChannelPermanentError, ChannelRateLimitError } from '../../../src-shared/domain/channel.js';
import type { AdapterHarness } from '../../../test-support/channel-harness.js';
import { IDS, startTelegramFixture, type TelegramFixture } from '../../../test-support/fake-telegram/fixture.js';

const dm = (id: number) => ({ kind: 'direct' as const, id: String(id) });
const group = (id: number) => ({ kind: 'group' as const, id: String(id) });

describe('Telegram send: core sends Z, Telegram receives Z in the right place', () => {
  let fx: TelegramFixture;
  let h: AdapterHarness;
  beforeEach(async () => {
    fx = await startTelegramFixture();
    h = await fx.started();
  });
  afterEach(() => fx.close());

  it('HTML text arrives as text with entities, and the message id names the chat', async () => {
    const { messageId } = await h.adapter.send({ to: dm(IDS.ada), text: '<b>Build</b> passed: <a href="https://ci.example/1">#1</a> &lt;3' });
    const [sent] = fx.fake.api.sentTo(IDS.ada);
    expect(messageId).toBe(`${IDS.ada}:${sent.messageId}`);
    expect(sent.text).toBe('Build passed: #1 <3');
    expect(sent.entities).toEqual([
      { type: 'bold', offset: 0, length: 5 },
      { type: 'text_link', offset: 14, length: 2, url: 'https://ci.example/1' },
    ]);
    expect(fx.fake.calls.find((c) => c.method === 'sendMessage')?.params.parse_mode).toBe('HTML');
  });

  it('goes into the forum topic and answers the message it replies to (given as chat:id or bare id)', async () => {
    const topic = await fx.fake.createTopic(IDS.forum, 'Ops', IDS.ada);
    const question = await fx.fake.post({ chat: IDS.forum, from: IDS.ada, topic, text: 'deploy?' });
    await h.adapter.send({ to: group(IDS.forum), topicId: String(topic), replyToMessageId: `${IDS.forum}:${question.message_id}`, text: 'deploying' });
    await h.adapter.send({ to: group(IDS.forum), topicId: String(topic), replyToMessageId: String(question.message_id), text: 'done' });
    const [a, b] = fx.fake.api.sentTo(IDS.forum);
    expect(a).toMatchObject({ text: 'deploying', topicId: topic, replyTo: { chatId: String(IDS.forum), messageId: question.message_id } });
    expect(a.message).toMatchObject({ message_thread_id: topic, is_topic_message: true, reply_to_message: { message_id: question.message_id, text: 'deploy?' } });
    expect(b).toMatchObject({ text: 'done', topicId: topic, replyTo: { messageId: question.message_id } });
  });

  it('a reply target that no longer exists does not cost the answer', async () => {
    await h.adapter.send({ to: dm(IDS.ada), replyToMessageId: `${IDS.ada}:999999`, text: 'still delivered' });
    expect(fx.fake.api.sentTo(IDS.ada)[0]).toMatchObject({ text: 'still delivered', replyTo: undefined });
  });

  it('media go by URL; the first carries the caption, images as photos, the rest as documents', async () => {
    const { messageId } = await h.adapter.send({
      to: dm(IDS.brian),
      text: 'the <i>chart</i>',
      mediaUrls: ['https://files.example/chart.png', 'https://files.example/data.csv'],
    });
    const [photo, doc] = fx.fake.api.sentTo(IDS.brian);
    expect(photo).toMatchObject({ method: 'sendPhoto', media: { kind: 'photo', url: 'https://files.example/chart.png' }, text: 'the chart', entities: [{ type: 'italic', offset: 4, length: 5 }] });
    expect(doc).toMatchObject({ method: 'sendDocument', media: { kind: 'document', url: 'https://files.example/data.csv' }, text: '' });
    expect(messageId).toBe(`${IDS.brian}:${photo.messageId}`);
  });

  it('text too long for a caption goes first on its own, then the media', async () => {
    const long = 'x'.repeat(1500);
    await h.adapter.send({ to: dm(IDS.brian), text: long, mediaUrls: ['https://files.example/a.jpg'] });
    expect(fx.fake.api.sentTo(IDS.brian).map((s) => [s.method, s.text.length])).toEqual([
      ['sendMessage', 1500],
      ['sendPhoto', 0],
    ]);
  });

  it('429 becomes ChannelRateLimitError with Telegram’s retry_after in ms', async () => {
    fx.fake.rateLimit('sendMessage', 7);
    const err = await h.adapter.send({ to: dm(IDS.ada), text: 'hi' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ChannelRateLimitError);
    expect((err as ChannelRateLimitError).retryAfterMs).toBe(7000);
    // The limit was one call: the retry goes through.
    await h.adapter.send({ to: dm(IDS.ada), text: 'hi' });
    expect(fx.fake.api.sentTo(IDS.ada).map((s) => s.text)).toEqual(['hi']);
  });

  it('unknown chat, blocked bot, missing topic and bad HTML are permanent; a revoked token is an auth error', async () => {
    await expect(h.adapter.send({ to: dm(424242), text: 'x' })).rejects.toThrow(ChannelPermanentError);
    await expect(h.adapter.send({ to: dm(424242), text: 'x' })).rejects.toThrow(/chat not found/);
    fx.fake.api.block(IDS.chen);
    await expect(h.adapter.send({ to: dm(IDS.chen), text: 'x' })).rejects.toThrow(/blocked by the user/);
    await expect(h.adapter.send({ to: group(IDS.group), topicId: '77', text: 'x' })).rejects.toThrow(ChannelPermanentError);
    await expect(h.adapter.send({ to: dm(IDS.ada), text: '<b>unclosed' })).rejects.toThrow(/can't parse entities/);
    fx.fake.revokeToken();
    const err = await h.adapter.send({ to: dm(IDS.ada), text: 'x' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ChannelAuthError);
    expect((err as Error).message).toMatch(/botToken/);
    expect((err as Error).message).not.toContain(fx.fake.token);
  });

  it('typing goes to the chat and topic', async () => {
    const topic = await fx.fake.createTopic(IDS.forum, 'Ops', IDS.ada);
    await h.adapter.sendTyping?.(group(IDS.forum), String(topic));
    await h.adapter.sendTyping?.(dm(IDS.ada));
    expect(fx.fake.api.actions).toEqual([
      { chatId: String(IDS.forum), action: 'typing', topicId: topic },
      { chatId: String(IDS.ada), action: 'typing', topicId: undefined },
    ]);
  });

  it('describe() names the bot and the mode, without the token', () => {
    const info = h.adapter.describe?.();
    expect(info).toMatchObject({ mode: 'polling', botId: fx.fake.bot.id, botUsername: 'openclaw_test_bot', pollTimeoutSeconds: 1 });
    expect(JSON.stringify(info)).not.toContain(fx.fake.token);
  });
});
