import { afterEach, describe, expect, it } from 'vitest';
import { createAdapterHarness, type AdapterHarness } from '../channel-harness.js';
import { createTelegramDriver, type TelegramTestDriver } from './driver.js';
import { FakeTelegram } from './fake-telegram.js';
import { telegramChannel } from '../../extensions/telegram/src/index.js';
import { asChannelPlugin } from '../channel-plugin.js';

/** A raw Bot API call, as any client would make it. */
async function botApi(fake: FakeTelegram, method: string, params: Record<string, unknown> = {}) {
  const res = await fetch(`${fake.apiRoot}/bot${fake.token}/${method}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(params) });
  return { status: res.status, body: (await res.json()) as { ok: boolean; result?: any; error_code?: number; description?: string } };
}

describe('Telegram test driver', () => {
  let driver: TelegramTestDriver;
  let h: AdapterHarness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
    await driver.close();
  });

  it('runs the real adapter: a DM comes in, a reply goes out, group mentions carry a real entity', async () => {
    driver = createTelegramDriver();
    const config = await driver.start();
    expect(config).toEqual({ botToken: expect.stringMatching(/^\d+:/), apiRoot: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/) });
    h = createAdapterHarness(asChannelPlugin(telegramChannel), { ...config, livenessMs: 3000 });
    await h.adapter.start();
    const [ada, brian] = driver.ids.users;

    const dm = h.nextInbound();
    await driver.sendDirect(ada, 'hello');
    expect((await dm)[0]).toMatchObject({ senderId: ada, peer: { kind: 'direct', id: ada }, text: 'hello' });

    await h.adapter.send({ to: { kind: 'direct', id: ada }, text: 'hi <b>Ada</b> &amp; co' });
    // Users read the text, not the HTML.
    expect(await driver.waitForSent(ada, 1)).toEqual(['hi Ada & co']);

    const group = h.nextInbound(2);
    await driver.sendGroup(brian, 'status?', true);
    await driver.sendGroup(brian, 'just chatting', false);
    const [withMention, without] = await group;
    expect(withMention).toMatchObject({ peer: { kind: 'group', id: driver.ids.group }, senderId: brian, mentioned: true, text: '@openclaw_test_bot status?' });
    expect(without).toMatchObject({ mentioned: false, text: 'just chatting' });
    expect(driver.sentTo(driver.ids.group)).toEqual([]);
    expect(driver.fault.kinds).toEqual(['drop', 'stall', '5xx']);
  });

  it('keeps updates until an offset confirms them, and lets a newer poll end an older one with 409', async () => {
    driver = createTelegramDriver();
    await driver.start();
    const fake = driver.fake();
    await driver.sendDirect('1001', 'one');
    await driver.sendDirect('1002', 'two');

    const first = await botApi(fake, 'getUpdates', { timeout: 0 });
    const ids = first.body.result.map((u: any) => u.update_id);
    expect(first.body.result.map((u: any) => u.message.text)).toEqual(['one', 'two']);
    // Not confirmed yet: asked again, Telegram hands out the same updates.
    expect((await botApi(fake, 'getUpdates', { timeout: 0 })).body.result).toHaveLength(2);
    expect((await botApi(fake, 'getUpdates', { offset: ids[1], timeout: 0 })).body.result.map((u: any) => u.message.text)).toEqual(['two']);
    expect(fake.pendingUpdateIds()).toEqual([ids[1]]);

    const older = botApi(fake, 'getUpdates', { offset: ids[1] + 1, timeout: 5 });
    await fake.waitForCall((c) => c.method === 'getUpdates' && c.params.timeout === 5);
    const newer = botApi(fake, 'getUpdates', { offset: ids[1] + 1, timeout: 0 });
    expect((await older).body).toMatchObject({ ok: false, error_code: 409, description: expect.stringContaining('terminated by other getUpdates request') });
    expect((await newer).body).toEqual({ ok: true, result: [] });

    expect((await fetch(`${fake.apiRoot}/bot123:wrong/getMe`)).status).toBe(401);
  });

  it('refuses what Telegram refuses: unknown chats, bad HTML, missing topics', async () => {
    driver = createTelegramDriver();
    await driver.start();
    const fake = driver.fake();
    expect((await botApi(fake, 'sendMessage', { chat_id: 4242, text: 'x' })).body).toMatchObject({ error_code: 400, description: 'Bad Request: chat not found' });
    expect((await botApi(fake, 'sendMessage', { chat_id: 1001, text: '<b>x', parse_mode: 'HTML' })).body.description).toMatch(/^Bad Request: can't parse entities/);
    expect((await botApi(fake, 'sendMessage', { chat_id: -1005001, text: 'x', message_thread_id: 9 })).body.description).toBe('Bad Request: message thread not found');
    expect((await botApi(fake, 'getWebhookInfo')).body.result).toMatchObject({ url: '', pending_update_count: 0 });
  });

  it('faults through the driver hold messages and deliver them once cleared', async () => {
    driver = createTelegramDriver();
    const config = await driver.start();
    h = createAdapterHarness(asChannelPlugin(telegramChannel), { ...config, livenessMs: 3000 });
    await h.adapter.start();
    const fake = driver.fake();
    const [ada, brian, chen] = driver.ids.users;

    const since = Date.now();
    await driver.fault.set('5xx', true);
    await fake.waitForCall((c) => c.status === 502 && c.at >= since);
    await driver.sendDirect(ada, 'during 5xx');
    let next = h.nextInbound();
    await driver.fault.set('5xx', false);
    expect((await next)[0].text).toBe('during 5xx');

    await driver.fault.set('stall', true);
    await driver.sendDirect(brian, 'during stall');
    // Held by the platform: not delivered while the stall lasts (longer than a poll timeout).
    next = h.nextInbound(1, 10_000);
    await expect(h.nextInbound(1, 1500)).rejects.toThrow(/timed out/);
    await driver.fault.set('stall', false);
    expect((await next)[0].text).toBe('during stall');

    next = h.nextInbound();
    await driver.fault.set('drop', true);
    await driver.sendDirect(chen, 'after drop');
    expect((await next)[0].text).toBe('after drop');
    expect(h.failures).toEqual([]);
  });
});
