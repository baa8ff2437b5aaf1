import { createServer } from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { InboundMessage } from '../../../src-shared/domain/inbound.js';
import { freePort } from '../../../test-support/fake-telegram/fake-telegram.js';
import { IDS, startTelegramFixture, type TelegramFixture } from '../../../test-support/fake-telegram/fixture.js';
import { asChannelPlugin } from '../../../test-support/channel-plugin.js';
import { telegramChannel } from './index.js';

const telegramPlugin = asChannelPlugin(telegramChannel);

const SECRET = 'openclaw_webhook-Secret_1';

describe('Telegram webhook mode', () => {
  let fx: TelegramFixture;
  let port: number;
  let webhook: Record<string, unknown>;
  beforeEach(async () => {
    fx = await startTelegramFixture();
    port = await freePort();
    webhook = { webhookUrl: `http://127.0.0.1:${port}/telegram-webhook`, webhookSecret: SECRET, webhookPort: port };
  });
  afterEach(() => fx.close());

  const post = (body: string, headers: Record<string, string> = {}, path = '/telegram-webhook') =>
    fetch(`http://127.0.0.1:${port}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });

  it('refuses to start without a webhook secret, before touching Telegram', async () => {
    const config = fx.config({ ...webhook, webhookSecret: undefined });
    expect(telegramPlugin.checkConfig(config, { platform: 'linux' })).toEqual({ ok: false, reason: expect.stringContaining('set channels.telegram.webhookSecret') });
    const h = fx.harness({ ...webhook, webhookSecret: undefined });
    await expect(h.adapter.start()).rejects.toThrow(/Telegram webhook mode needs a secret/);
    expect(fx.fake.calls).toEqual([]);
    await expect(fetch(`http://127.0.0.1:${port}/telegram-webhook`, { method: 'POST' })).rejects.toThrow();
  });

  it('sets the webhook with the secret; Telegram’s deliveries become messages and are acknowledged', async () => {
    const h = await fx.started(webhook);
    const set = fx.fake.calls.find((c) => c.method === 'setWebhook');
    expect(set?.params).toMatchObject({ url: webhook.webhookUrl, secret_token: SECRET, allowed_updates: ['message', 'channel_post'] });
    expect(fx.fake.calls.some((c) => c.method === 'deleteWebhook' || c.method === 'getUpdates')).toBe(false);
    expect(h.adapter.describe?.()).toMatchObject({ mode: 'webhook', botUsername: 'openclaw_test_bot', webhook: { url: webhook.webhookUrl, listen: `127.0.0.1:${port}/telegram-webhook` } });

    const next = h.nextInbound(2);
    const sent = await fx.fake.post({ chat: IDS.ada, from: IDS.ada, text: 'via webhook' });
    await fx.fake.post({ chat: IDS.group, from: IDS.brian, ...fx.fake.mention('hi') });
    const [a, b] = await next;
    expect(a).toMatchObject({ messageId: `${IDS.ada}:${sent.message_id}`, peer: { kind: 'direct', id: String(IDS.ada) }, text: 'via webhook' });
    expect(b).toMatchObject({ peer: { kind: 'group', id: String(IDS.group) }, mentioned: true });
    await fx.fake.waitUntil(() => (fx.fake.pendingUpdateIds().length === 0 ? true : undefined), 3000, 'deliveries acknowledged');
  });

  it('rejects a wrong or missing secret with 401 and emits nothing; the right secret is accepted', async () => {
    const h = await fx.started(webhook);
    const update = JSON.stringify({ update_id: 1, message: { message_id: 5, date: 1_700_000_000, chat: { id: IDS.ada, type: 'private' }, from: { id: IDS.ada, first_name: 'Ada' }, text: 'forged?' } });
    expect((await post(update, { 'x-telegram-bot-api-secret-token': 'guess' })).status).toBe(401);
    expect((await post(update, { 'x-telegram-bot-api-secret-token': `${SECRET}x` })).status).toBe(401);
    expect((await post(update)).status).toBe(401);
    expect(h.inbound).toEqual([]);
    expect(h.logs.filter((l) => /wrong or missing secret/.test(l.msg))).toHaveLength(3);

    expect((await post(update, { 'x-telegram-bot-api-secret-token': SECRET })).status).toBe(200);
    expect(h.inbound).toEqual([expect.objectContaining({ messageId: `${IDS.ada}:5`, text: 'forged?' })]);

    // Not Telegram-shaped at all: wrong path, wrong method, not JSON. A malformed update is skipped with 200 so it is not redelivered forever.
    expect((await post(update, { 'x-telegram-bot-api-secret-token': SECRET }, '/elsewhere')).status).toBe(404);
    expect((await fetch(`http://127.0.0.1:${port}/telegram-webhook`)).status).toBe(405);
    expect((await post('{not json', { 'x-telegram-bot-api-secret-token': SECRET })).status).toBe(400);
    expect((await post('{"update_id":2,"message":{"chat":null}}', { 'x-telegram-bot-api-secret-token': SECRET })).status).toBe(200);
    expect(h.inbound).toHaveLength(1);
    expect(h.logs.some((l) => l.msg === 'telegram update malformed; skipped')).toBe(true);
  });

  it('answers 200 only after emit resolved: a failed emit makes Telegram redeliver, with the same messageId', async () => {
    const h = await fx.started(webhook);
    const realEmit = h.ctx.emit;
    const attempts: InboundMessage[] = [];
    h.ctx.emit = async (msg) => {
      attempts.push(msg);
      if (attempts.length === 1) throw new Error('queue unavailable');
      await realEmit(msg);
    };
    const next = h.nextInbound();
    await fx.fake.post({ chat: IDS.chen, from: IDS.chen, text: 'try again' });
    const [msg] = await next;
    expect(attempts.map((m) => m.messageId)).toEqual([msg.messageId, msg.messageId]);
    expect(fx.fake.feed.webhook?.lastErrorMessage).toBe('Wrong response from the webhook: 500 Internal Server Error');
    // The next health probe reports Telegram's view of the failure.
    await h.nextHeartbeats(1);
    await fx.fake.waitUntil(() => ((h.adapter.describe?.().webhook as Record<string, unknown>).lastErrorMessage ? true : undefined), 3000, 'the probe');
    expect(h.adapter.describe?.().webhook).toMatchObject({ lastErrorMessage: 'Wrong response from the webhook: 500 Internal Server Error', pendingUpdateCount: 0 });
  });

  it('liveness comes from getWebhookInfo probes; a webhook replaced elsewhere fails the adapter', async () => {
    const h = await fx.started(webhook);
    await h.nextHeartbeats(2);
    expect(fx.fake.calls.filter((c) => c.method === 'getWebhookInfo').length).toBeGreaterThanOrEqual(2);

    const failure = h.nextFailure();
    await fetch(`${fx.fake.apiRoot}/bot${fx.fake.token}/setWebhook`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ url: 'https://someone-else.example/hook' }) });
    expect((await failure).message).toMatch(/webhook was changed or removed by another program/);
  });

  it('a busy port is reported in plain words', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(port, '127.0.0.1', resolve));
    try {
      const h = fx.harness(webhook);
      await expect(h.adapter.start()).rejects.toThrow(`Could not listen on 127.0.0.1:${port} for Telegram webhooks (the port is already in use)`);
    } finally {
      await new Promise<void>((resolve) => blocker.close(() => resolve()));
    }
  });
});
