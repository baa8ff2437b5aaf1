import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AdapterHarness } from '../../../test-support/channel-harness.js';
import { IDS, startTelegramFixture, type TelegramFixture } from '../../../test-support/fake-telegram/fixture.js';

describe('Telegram inbound: user says X on Telegram, adapter emits Y', () => {
  let fx: TelegramFixture;
  let h: AdapterHarness;
  beforeEach(async () => {
    fx = await startTelegramFixture();
    h = await fx.started();
  });
  afterEach(() => fx.close());

  it('a DM becomes a direct message with sender, name, time and a per-chat message id', async () => {
    const next = h.nextInbound();
    const before = Date.now();
    const sent = await fx.fake.post({ chat: IDS.ada, from: IDS.ada, text: 'hello there' });
    const [msg] = await next;
    expect(msg).toEqual({
      channel: 'telegram',
      accountId: 'default',
      messageId: `${IDS.ada}:${sent.message_id}`,
      senderId: String(IDS.ada),
      senderName: 'Ada Lovelace',
      peer: { kind: 'direct', id: String(IDS.ada) },
      text: 'hello there',
      mentioned: false,
      timestampMs: (sent.date as number) * 1000,
    });
    expect(msg.timestampMs).toBeGreaterThan(before - 2000);
  });

  it('a sender without a first name is named by username', async () => {
    const next = h.nextInbound();
    await fx.fake.post({ chat: IDS.chen, from: IDS.chen, text: 'hi' });
    expect((await next)[0].senderName).toBe('chen');
  });

  it('group messages: mentioned only with an @mention entity, a text mention or /command@bot', async () => {
    const next = h.nextInbound(5);
    await fx.fake.post({ chat: IDS.group, from: IDS.ada, text: 'no mention, just chatting' });
    await fx.fake.post({ chat: IDS.group, from: IDS.ada, ...fx.fake.mention('what is the status?') });
    // "@openclaw_test_bot" typed without Telegram making it an entity (e.g. inside code) is not a mention.
    await fx.fake.post({ chat: IDS.group, from: IDS.brian, text: 'see `@openclaw_test_bot`', entities: [{ type: 'code', offset: 4, length: 20 }] });
    await fx.fake.post({ chat: IDS.group, from: IDS.brian, text: 'hey bot', entities: [{ type: 'text_mention', offset: 4, length: 3, user: { id: fx.fake.bot.id, is_bot: true, first_name: 'Bot' } }] });
    await fx.fake.post({ chat: IDS.group, from: IDS.chen, text: '/status@OpenClaw_Test_Bot now', entities: [{ type: 'bot_command', offset: 0, length: 25 }] });
    const msgs = await next;
    expect(msgs.map((m) => [m.text, m.mentioned])).toEqual([
      ['no mention, just chatting', false],
      ['@openclaw_test_bot what is the status?', true],
      ['see `@openclaw_test_bot`', false],
      ['hey bot', true],
      ['/status@OpenClaw_Test_Bot now', true],
    ]);
    expect(msgs[0].peer).toEqual({ kind: 'group', id: String(IDS.group) });
    expect(msgs[0].topicId).toBeUndefined();
  });

  it('a reply to the bot counts as a mention and names the message replied to', async () => {
    const sent = await h.adapter.send({ to: { kind: 'group', id: String(IDS.group) }, text: 'I am the bot' });
    const human = await fx.fake.post({ chat: IDS.group, from: IDS.ada, text: 'a human says' });
    const next = h.nextInbound(3);
    const botMessageId = Number(sent.messageId.split(':')[1]);
    await fx.fake.post({ chat: IDS.group, from: IDS.brian, text: 'replying to the bot', replyTo: botMessageId });
    await fx.fake.post({ chat: IDS.group, from: IDS.brian, text: 'replying to Ada', replyTo: human.message_id as number });
    const msgs = (await next).slice(1);
    expect(msgs[0]).toMatchObject({ text: 'replying to the bot', mentioned: true, replyToMessageId: sent.messageId });
    expect(msgs[1]).toMatchObject({ text: 'replying to Ada', mentioned: false, replyToMessageId: `${IDS.group}:${human.message_id}` });
  });

  it('forum topics: topicId is set, and the implicit reply to the topic starter is not a reply', async () => {
    const topic = await fx.fake.createTopic(IDS.forum, 'Deployments', IDS.ada);
    const next = h.nextInbound(2);
    const first = await fx.fake.post({ chat: IDS.forum, from: IDS.ada, topic, text: 'in the topic' });
    await fx.fake.post({ chat: IDS.forum, from: IDS.brian, topic, replyTo: first.message_id as number, text: 'answering Ada in the topic' });
    const [a, b] = await next;
    expect(a).toMatchObject({ peer: { kind: 'group', id: String(IDS.forum) }, topicId: String(topic), text: 'in the topic', mentioned: false });
    expect(a.replyToMessageId).toBeUndefined();
    expect(b).toMatchObject({ topicId: String(topic), replyToMessageId: `${IDS.forum}:${first.message_id}` });
  });

  it('in a topic the bot opened, messages are not "replies to the bot" unless they reply to its message', async () => {
    const res = await fetch(`${fx.fake.apiRoot}/bot${fx.fake.token}/createForumTopic`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ chat_id: IDS.forum, name: 'Bot topic' }),
    });
    const topic = ((await res.json()) as { result: { message_thread_id: number } }).result.message_thread_id;
    const next = h.nextInbound();
    await fx.fake.post({ chat: IDS.forum, from: IDS.brian, topic, text: 'plain topic message' });
    expect((await next)[0]).toMatchObject({ topicId: String(topic), mentioned: false });
    expect((await next)[0].replyToMessageId).toBeUndefined();
  });

  it('channel posts come from the channel; media comes as attachment metadata with the caption as text', async () => {
    const next = h.nextInbound(3);
    await fx.fake.post({ chat: IDS.channel, text: 'news of the day' });
    await fx.fake.post({
      chat: IDS.ada,
      from: IDS.ada,
      caption: 'look at this',
      extra: {
        photo: [
          { file_id: 'small', file_unique_id: 's', width: 90, height: 90, file_size: 900 },
          { file_id: 'big', file_unique_id: 'b', width: 1280, height: 960, file_size: 150_000 },
        ],
      },
    });
    await fx.fake.post({
      chat: IDS.ada,
      from: IDS.ada,
      extra: {
        document: { file_id: 'd', file_unique_id: 'd', file_name: 'report.pdf', mime_type: 'application/pdf', file_size: 2048 },
        voice: { file_id: 'v', file_unique_id: 'v', duration: 3, mime_type: 'audio/ogg', file_size: 5000 },
        video: { file_id: 'm', file_unique_id: 'm', width: 1, height: 1, duration: 1, mime_type: 'video/mp4' },
      },
    });
    const [post, photo, files] = await next;
    expect(post).toMatchObject({ peer: { kind: 'channel', id: String(IDS.channel) }, senderId: String(IDS.channel), senderName: 'OpenClaw News', text: 'news of the day' });
    expect(photo).toMatchObject({ text: 'look at this', attachments: [{ kind: 'image', mimeType: 'image/jpeg', sizeBytes: 150_000 }] });
    expect(files.text).toBe('');
    expect(files.attachments).toEqual([
      { kind: 'file', name: 'report.pdf', mimeType: 'application/pdf', sizeBytes: 2048 },
      { kind: 'audio', mimeType: 'audio/ogg', sizeBytes: 5000 },
      { kind: 'video', mimeType: 'video/mp4' },
    ]);
  });

  it('skips other bots, edits and service messages, and keeps going', async () => {
    const next = h.nextInbound(2);
    await fx.fake.post({ chat: IDS.group, from: IDS.otherBot, text: 'I am a bot' });
    const original = await fx.fake.post({ chat: IDS.ada, from: IDS.ada, text: 'typo' });
    await fx.fake.postRaw({ edited_message: { ...original, text: 'fixed typo', edit_date: 1 } });
    await fx.fake.post({ chat: IDS.group, from: IDS.ada, extra: { new_chat_members: [{ id: IDS.brian, is_bot: false, first_name: 'Brian' }] } });
    await fx.fake.post({ chat: IDS.ada, from: IDS.ada, text: 'after the skipped ones' });
    // 'typo' itself was a normal message; its edit is not a new one.
    expect((await next).map((m) => m.text)).toEqual(['typo', 'after the skipped ones']);
    expect(h.inbound).toHaveLength(2);
    // Everything, skipped or not, was confirmed: nothing is left for a restart to redeliver.
    await fx.fake.waitUntil(() => (fx.fake.pendingUpdateIds().length === 0 ? true : undefined), 3000, 'all updates confirmed');
  });
});
