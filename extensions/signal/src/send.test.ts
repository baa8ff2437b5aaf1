import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isChannelPermanentError, isChannelRateLimitError } from '../../../src-shared/domain/channel.js';
import { createAdapterHarness, type AdapterHarness } from '../../../test-support/channel-harness.js';
import { asChannelPlugin } from '../../../test-support/channel-plugin.js';
import { FakeSignalCli } from '../../../test-support/fake-signal/fake-signal-cli.js';
import { signalChannel } from './channel.js';
import { markdownToSignal } from './styles.js';

describe('markdownToSignal', () => {
  it.each([
    ['**deploy** done', 'deploy done', ['0:6:BOLD']],
    ['a *b* _c_ ~~d~~ `e` ||f||', 'a b c d e f', ['2:1:ITALIC', '4:1:ITALIC', '6:1:STRIKETHROUGH', '8:1:MONOSPACE', '10:1:SPOILER']],
    ['```ts\nconst x = 1;\n```', 'const x = 1;', ['0:12:MONOSPACE']],
    ['# Title\n[docs](https://x.dev)', 'Title\ndocs (https://x.dev)', ['0:5:BOLD']],
    ['snake_case_name and 2*3*4', 'snake_case_name and 2*3*4', []],
  ])('%j', (md, text, styles) => {
    const got = markdownToSignal(md);
    expect(got.text).toBe(text);
    expect(got.styles.map((s) => `${s.start}:${s.length}:${s.style}`).sort()).toEqual([...styles].sort());
  });
});

describe('signal adapter: sending and receiving', () => {
  let sc: FakeSignalCli;
  let h: AdapterHarness;
  beforeEach(async () => {
    sc = await new FakeSignalCli({ keepAliveMs: 200 }).listen();
    h = createAdapterHarness(asChannelPlugin(signalChannel), { httpUrl: sc.httpUrl, account: sc.account, livenessMs: 3000 });
    await h.adapter.start();
  });
  afterEach(async () => {
    await h.close();
    await sc.close();
  });

  it('a group message with a mention is addressed to the bot; a quoted reply goes back as a quote with styles', async () => {
    const [alice] = sc.humans;
    sc.say({ from: alice!.number, text: 'what is up?', group: true, mention: true });
    const [msg] = await h.nextInbound();
    expect(msg).toMatchObject({ peer: { kind: 'group', id: sc.groupId }, senderId: alice!.number, senderName: 'Alice', mentioned: true, text: `@${sc.account} what is up?` });
    await h.adapter.send({ to: { kind: 'group', id: sc.groupId }, text: 'all **good**', replyToMessageId: msg!.messageId });
    expect(sc.sent.at(-1)).toMatchObject({ groupId: sc.groupId, message: 'all good', textStyle: ['4:4:BOLD'], quoteTimestamp: msg!.timestampMs, quoteAuthor: alice!.number });
  });

  it('rate limits carry signal-cli’s retryAfterSeconds; an unregistered number is permanent; typing and receipts work', async () => {
    sc.rateLimit = { remaining: 1, retryAfterSeconds: 9 };
    const limited = await h.adapter.send({ to: { kind: 'direct', id: sc.humans[0]!.number }, text: 'hi' }).catch((e: unknown) => e);
    expect(isChannelRateLimitError(limited)).toBe(true);
    expect((limited as { retryAfterMs: number }).retryAfterMs).toBe(9000);
    const unknown = await h.adapter.send({ to: { kind: 'direct', id: '+19999999999' }, text: 'hi' }).catch((e: unknown) => e);
    expect(isChannelPermanentError(unknown)).toBe(true);
    await h.adapter.sendTyping!({ kind: 'direct', id: sc.humans[1]!.number });
    expect(sc.typing).toEqual([{ recipient: sc.humans[1]!.number, stop: false }]);
    const { messageId } = await h.adapter.send({ to: { kind: 'direct', id: sc.humans[1]!.number }, text: 'hello' });
    sc.receipt(sc.humans[1]!.number, [Number(messageId.split(':').at(-1))], 'read');
    sc.say({ from: sc.humans[1]!.number, text: 'next' });
    await h.nextInbound();
    expect(h.adapter.describe!()).toMatchObject({ receiptsRead: 1 });
  });
});
