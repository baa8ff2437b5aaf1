import { describe, expect, it } from 'vitest';
import { ChannelPermanentError, ChannelRateLimitError, type ChannelCapabilities, type ChannelSend } from '../../src-shared/domain/channel.js';
import { createLogger } from '../logging/index.js';
import { chunkForChannel } from './chunk.js';
import { createDelivery, DeliveryError } from './deliver.js';
import { formatForChannel } from './format.js';

const md = '# Plan\n\nSome **bold**, *italic*, ~~gone~~ and `a<b` with [docs](https://x.test/?a=1&b=2).\n\n- one\n- two\n\n```js\nif (a < b) {}\n```\n\n> careful';

describe('formatForChannel', () => {
  it('Telegram HTML: tags for styles, everything else escaped', () => {
    const out = formatForChannel(md, 'telegram-html');
    expect(out).toContain('<b>Plan</b>');
    expect(out).toContain('<b>bold</b>, <i>italic</i>, <s>gone</s> and <code>a&lt;b</code>');
    expect(out).toContain('<a href="https://x.test/?a=1&amp;b=2">docs</a>');
    expect(out).toContain('• one\n• two');
    expect(out).toContain('<pre><code class="language-js">if (a &lt; b) {}</code></pre>');
    expect(out).toContain('<blockquote>careful</blockquote>');
  });

  it('user text with HTML cannot inject markup into Telegram', () => {
    expect(formatForChannel('<b>not bold</b> & <script>', 'telegram-html')).toBe('&lt;b&gt;not bold&lt;/b&gt; &amp; &lt;script&gt;');
  });

  it('Slack mrkdwn, WhatsApp and plain text', () => {
    expect(formatForChannel(md, 'slack-mrkdwn')).toContain('*bold*, _italic_, ~gone~ and `a&lt;b` with <https://x.test/?a=1&b=2|docs>');
    expect(formatForChannel(md, 'whatsapp')).toContain('*bold*, _italic_, ~gone~ and `a<b` with docs (https://x.test/?a=1&b=2)');
    expect(formatForChannel(md, 'whatsapp')).toContain('```if (a < b) {}```');
    expect(formatForChannel(md, 'plain')).toContain('Some bold, italic, gone and a<b with docs (https://x.test/?a=1&b=2).');
    expect(formatForChannel(md, 'markdown')).toBe(md);
  });
});

describe('chunkForChannel', () => {
  it('keeps short replies whole', () => {
    expect(chunkForChannel('hello', 'plain', 100)).toEqual(['hello']);
  });

  it('cuts between paragraphs first and never exceeds the limit once formatted', () => {
    const paras = Array.from({ length: 30 }, (_, i) => `Paragraph ${i} has **some** text & more <text>.`);
    const chunks = chunkForChannel(paras.join('\n\n'), 'telegram-html', 200);
    expect(chunks.length).toBeGreaterThan(3);
    for (const c of chunks) expect(c.length).toBeLessThanOrEqual(200);
    // No paragraph is split across two messages.
    for (const c of chunks) expect(c.split('\n\n').every((p) => /^Paragraph \d+ has <b>some<\/b> text &amp; more &lt;text&gt;\.$/.test(p))).toBe(true);
  });

  it('re-fences a long code block so both halves stay code', () => {
    const code = '```\n' + Array.from({ length: 60 }, (_, i) => `line ${i}`).join('\n') + '\n```';
    const chunks = chunkForChannel(code, 'slack-mrkdwn', 150);
    expect(chunks.length).toBeGreaterThan(2);
    for (const c of chunks) {
      expect(c.length).toBeLessThanOrEqual(150);
      expect(c.startsWith('```')).toBe(true);
      expect(c.endsWith('```')).toBe(true);
    }
    expect(chunks.join('\n')).toContain('line 59');
  });

  it('splits a single huge word by characters', () => {
    const chunks = chunkForChannel('x'.repeat(1000), 'plain', 300);
    expect(chunks.join('')).toBe('x'.repeat(1000));
    for (const c of chunks) expect(c.length).toBeLessThanOrEqual(300);
  });
});

describe('createDelivery', () => {
  const caps: ChannelCapabilities = { textLimit: 50, format: 'plain', media: false, threads: true, livenessMs: 1000 };
  const setup = (send: (msg: ChannelSend, attempt: number) => Promise<{ messageId: string }>, c: ChannelCapabilities = caps) => {
    const sent: ChannelSend[] = [];
    let attempt = 0;
    const deliver = createDelivery({
      target: {
        capabilities: async () => c,
        send: async (_ch, _acc, msg) => {
          attempt++;
          const r = await send(msg, attempt);
          sent.push(msg);
          return r;
        },
      },
      log: createLogger('test/delivery'),
      retryBaseMs: 1,
    });
    return { deliver, sent, attempts: () => attempt };
  };
  const reply = { channel: 'x', accountId: 'default', to: { kind: 'direct' as const, id: '1' }, text: 'first paragraph here.\n\nsecond paragraph, which is long enough.', replyToMessageId: 'm0', threadId: 't1' };

  it('sends chunks in order; only the first replies to the message; the thread is kept', async () => {
    const { deliver, sent } = setup(async (_m, n) => ({ messageId: `id${n}` }));
    const res = await deliver(reply);
    expect(res.messageIds).toEqual(['id1', 'id2']);
    expect(sent.map((s) => [s.text, s.replyToMessageId ?? null, s.threadId])).toEqual([
      ['first paragraph here.', 'm0', 't1'],
      ['second paragraph, which is long enough.', null, 't1'],
    ]);
  });

  it('waits out a platform retry-after, then sends', async () => {
    const { deliver, sent, attempts } = setup(async (_m, n) => {
      if (n === 1) throw new ChannelRateLimitError(30);
      return { messageId: `id${n}` };
    });
    const t0 = Date.now();
    await deliver({ ...reply, text: 'short' });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(25);
    expect(attempts()).toBe(2);
    expect(sent).toHaveLength(1);
  });

  it('retries transient failures but not permanent ones; reports what was sent', async () => {
    const flaky = setup(async (_m, n) => {
      if (n < 3) throw new Error('ECONNRESET');
      return { messageId: 'ok' };
    });
    await expect(flaky.deliver({ ...reply, text: 'short' })).resolves.toEqual({ messageIds: ['ok'], chunks: 1 });
    expect(flaky.attempts()).toBe(3);

    const blocked = setup(async (_m, n) => {
      if (n === 2) throw new ChannelPermanentError('chat not found');
      return { messageId: `id${n}` };
    });
    const err = await blocked.deliver(reply).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DeliveryError);
    expect(err).toMatchObject({ permanent: true, sent: ['id1'], message: expect.stringMatching(/chat not found/) });
    expect(blocked.attempts()).toBe(2);
  });

  it('media: attached to the first chunk where supported, sent as links where not', async () => {
    const withMedia = setup(async () => ({ messageId: 'm' }), { ...caps, media: true });
    await withMedia.deliver({ ...reply, text: 'look', mediaUrls: ['https://x.test/a.png'] });
    expect(withMedia.sent[0]).toMatchObject({ text: 'look', mediaUrls: ['https://x.test/a.png'] });
    const without = setup(async () => ({ messageId: 'm' }));
    await without.deliver({ ...reply, text: 'look', mediaUrls: ['https://x.test/a.png'] });
    expect(without.sent[0]).toMatchObject({ text: 'look\nhttps://x.test/a.png' });
    expect(without.sent[0]!.mediaUrls).toBeUndefined();
  });
});
