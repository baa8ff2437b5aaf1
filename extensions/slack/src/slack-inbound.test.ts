import { afterEach, describe, expect, it } from 'vitest';
import { startSlackFixture, type SlackFixture } from '../../../test-support/fake-slack/fixture.js';

describe('Slack inbound: user says X on Slack, adapter emits Y', () => {
  let fx: SlackFixture;
  afterEach(async () => fx?.close());

  it('a DM becomes a direct message from the user, with name, team and platform time', async () => {
    fx = await startSlackFixture();
    const { ts, messageId } = fx.fake.sayDirect('U0001', 'hello there');
    const [msg] = await fx.harness.nextInbound();
    expect(msg).toEqual({
      channel: 'slack',
      accountId: 'default',
      messageId,
      senderId: 'U0001',
      senderName: 'Alice',
      peer: { kind: 'direct', id: 'U0001' },
      text: 'hello there',
      mentioned: false,
      teamId: 'T0001',
      timestampMs: Math.round(Number(ts) * 1000),
    });
    expect(messageId).toBe(`D0001:${ts}`);
  });

  it('a channel message without a mention is a channel message, not mentioned', async () => {
    fx = await startSlackFixture();
    fx.fake.say({ user: 'U0002', channel: 'C0001', text: 'lunch anyone?' });
    const [msg] = await fx.harness.nextInbound();
    expect(msg).toMatchObject({ senderId: 'U0002', senderName: 'Bob', peer: { kind: 'channel', id: 'C0001' }, mentioned: false, text: 'lunch anyone?' });
    expect(msg.threadId).toBeUndefined();
  });

  it('an @-mention arrives as message and app_mention; one inbound message, mentioned', async () => {
    fx = await startSlackFixture();
    const { messageId, envelopeIds } = fx.fake.say({ user: 'U0003', channel: 'C0001', text: 'what time is it?', mention: true });
    expect(envelopeIds).toHaveLength(2);
    const [msg] = await fx.harness.nextInbound();
    expect(msg).toMatchObject({ messageId, peer: { kind: 'channel', id: 'C0001' }, mentioned: true, text: '<@U0BOT> what time is it?' });
    // Both envelopes are acknowledged, the second without a second emit.
    await Promise.all(envelopeIds.map((id) => fx.fake.waitForAck(id)));
    expect(fx.harness.inbound).toHaveLength(1);
  });

  it('app_mention alone (no channel_type) learns the conversation kind from conversations.info', async () => {
    fx = await startSlackFixture();
    const ws = fx.fake.workspace;
    fx.fake.deliverEvent(ws.appMentionEvent({ user: 'U0001', channel: 'G0001', text: '<@U0BOT> private channel' }, ws.nextTs()));
    fx.fake.deliverEvent(ws.appMentionEvent({ user: 'U0001', channel: 'G0002', text: '<@U0BOT> group DM' }, ws.nextTs()));
    const msgs = await fx.harness.nextInbound(2);
    const byChannel = Object.fromEntries(msgs.map((m) => [m.peer.id, m]));
    expect(byChannel.G0001).toMatchObject({ peer: { kind: 'channel', id: 'G0001' }, mentioned: true });
    expect(byChannel.G0002).toMatchObject({ peer: { kind: 'group', id: 'G0002' }, mentioned: true });
    expect(fx.fake.callCount('conversations.info')).toBe(2);
  });

  it('a group DM (mpim) message is a group peer', async () => {
    fx = await startSlackFixture();
    fx.fake.say({ user: 'U0002', channel: 'G0002', text: 'hi both' });
    const [msg] = await fx.harness.nextInbound();
    expect(msg.peer).toEqual({ kind: 'group', id: 'G0002' });
  });

  it('a thread reply keeps the channel as peer and carries the thread root as threadId and parent', async () => {
    fx = await startSlackFixture();
    const root = fx.fake.say({ user: 'U0001', channel: 'C0001', text: 'root message' });
    await fx.harness.nextInbound();
    fx.fake.say({ user: 'U0002', channel: 'C0001', text: 'in the thread', threadTs: root.ts, parentUserId: 'U0001' });
    const [reply] = await fx.harness.nextInbound();
    expect(reply).toMatchObject({
      peer: { kind: 'channel', id: 'C0001' },
      parentPeer: { kind: 'channel', id: 'C0001' },
      threadId: root.ts,
      replyToMessageId: root.messageId,
      mentioned: false,
    });
  });

  it('a reply in a thread the bot started counts as mentioning the bot', async () => {
    fx = await startSlackFixture();
    const sent = await fx.harness.adapter.send({ to: { kind: 'channel', id: 'C0001' }, text: 'I can help' });
    const botTs = sent.messageId.split(':')[1];
    fx.fake.say({ user: 'U0001', channel: 'C0001', text: 'thanks, and another thing', threadTs: botTs, parentUserId: 'U0BOT' });
    const [reply] = await fx.harness.nextInbound();
    expect(reply).toMatchObject({ threadId: botTs, mentioned: true });
  });

  it('messages in one conversation reach the queue in the order Slack sent them', async () => {
    fx = await startSlackFixture();
    // Alice's name lookup is slow, Bob's is not: Bob's later message must still come second.
    fx.fake.slowNext('users.info', 300);
    fx.fake.say({ user: 'U0001', channel: 'C0001', text: 'first' });
    fx.fake.say({ user: 'U0002', channel: 'C0001', text: 'second' });
    const msgs = await fx.harness.nextInbound(2);
    expect(msgs.map((m) => m.text)).toEqual(['first', 'second']);
  });

  it('teamId is the workspace of the envelope, also for a Slack Connect sender from another team', async () => {
    fx = await startSlackFixture();
    fx.fake.say({ user: 'U0001', channel: 'C0001', text: 'shared channel', extra: { team: 'T0OTHER' } });
    const [msg] = await fx.harness.nextInbound();
    expect(msg.teamId).toBe('T0001');
  });

  it('Slack entities are undone and files become attachments', async () => {
    fx = await startSlackFixture();
    fx.fake.say({
      user: 'U0001',
      channel: 'C0001',
      subtype: 'file_share',
      text: 'a &lt; b &amp;&amp; c &gt; d',
      files: [
        { id: 'F1', name: 'cat.png', mimetype: 'image/png', size: 1234, url_private: 'https://files.slack.com/files-pri/T0001-F1/cat.png' },
        { id: 'F2', name: 'notes.pdf', mimetype: 'application/pdf', size: 99 },
      ],
    });
    const [msg] = await fx.harness.nextInbound();
    expect(msg.text).toBe('a < b && c > d');
    expect(msg.attachments).toEqual([
      { kind: 'image', name: 'cat.png', mimeType: 'image/png', sizeBytes: 1234, url: 'https://files.slack.com/files-pri/T0001-F1/cat.png' },
      { kind: 'file', name: 'notes.pdf', mimeType: 'application/pdf', sizeBytes: 99 },
    ]);
  });

  it('skips bot messages, its own messages, edits and joins, and acknowledges them', async () => {
    fx = await startSlackFixture();
    const ws = fx.fake.workspace;
    const skipped = [
      fx.fake.deliverEvent({ ...ws.messageEvent({ user: 'U0009', channel: 'C0001', text: 'beep' }, ws.nextTs()), bot_id: 'B0009' }),
      fx.fake.deliverEvent(ws.messageEvent({ user: 'U0BOT', channel: 'C0001', text: 'my own words' }, ws.nextTs())),
      fx.fake.deliverEvent(ws.messageEvent({ user: 'U0001', channel: 'C0001', text: 'edited', subtype: 'message_changed' }, ws.nextTs())),
      fx.fake.deliverEvent(ws.messageEvent({ user: 'U0002', channel: 'C0001', text: '<@U0002> has joined the channel', subtype: 'channel_join' }, ws.nextTs())),
    ];
    await Promise.all(skipped.map((id) => fx.fake.waitForAck(id)));
    fx.fake.say({ user: 'U0001', channel: 'C0001', text: 'a real message' });
    const [msg] = await fx.harness.nextInbound();
    expect(msg.text).toBe('a real message');
    expect(fx.harness.inbound).toHaveLength(1);
  });

  it('malformed frames and envelopes are logged and skipped; the adapter keeps going', async () => {
    fx = await startSlackFixture();
    const ws = fx.fake.workspace;
    // Tried: a frame that is not JSON, JSON without a type, an events_api envelope without
    // payload, one whose payload has no event, and message events without channel, with a
    // numeric ts and with an object as text.
    fx.fake.sendRaw('this is not json');
    fx.fake.sendRaw(JSON.stringify({ hello: 'world' }));
    const bad = [
      fx.fake.deliverEnvelope({ envelope_id: 'env-no-payload', type: 'events_api' }),
      fx.fake.deliverEnvelope({ envelope_id: 'env-no-event', type: 'events_api', payload: { type: 'event_callback', team_id: 'T0001' } }),
      fx.fake.deliverEvent({ type: 'message', user: 'U0001', text: 'no channel', ts: ws.nextTs() }),
      fx.fake.deliverEvent({ type: 'message', user: 'U0001', channel: 'C0001', text: 'numeric ts', ts: 1700000000.1 }),
      fx.fake.deliverEvent({ type: 'message', user: 'U0001', channel: 'C0001', text: { nested: true }, ts: ws.nextTs() }),
    ];
    // Each is acknowledged so Slack stops resending what can never be read.
    await Promise.all(bad.map((id) => fx.fake.waitForAck(id)));
    fx.fake.sayDirect('U0002', 'still working?');
    const [msg] = await fx.harness.nextInbound();
    expect(msg.text).toBe('still working?');
    expect(fx.harness.inbound).toHaveLength(1);
    expect(fx.harness.failures).toEqual([]);
    const warnings = fx.harness.logs.filter((l) => l.level === 'warn').map((l) => String(l.fields?.reason));
    expect(warnings).toEqual(
      expect.arrayContaining(['frame is not JSON', 'frame has no type', 'events_api envelope without payload', 'events_api envelope without an event', 'no channel', 'no valid ts', 'text is not a string']),
    );
  });
});
