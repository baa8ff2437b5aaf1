import { afterEach, describe, expect, it } from 'vitest';
import { createAdapterHarness, type AdapterHarness } from '../channel-harness.js';
import { createWhatsAppDriver } from './driver.js';

let driver: ReturnType<typeof createWhatsAppDriver> | undefined;
let h: AdapterHarness | undefined;
afterEach(async () => {
  await h?.close();
  await driver?.close();
  h = undefined;
  driver = undefined;
});

async function started() {
  driver = createWhatsAppDriver();
  const config = await driver.start();
  h = createAdapterHarness(driver.plugin!(), { ...config, livenessMs: 3000 });
  await h.adapter.start();
  return { d: driver, h };
}

describe('WhatsApp test driver', () => {
  it('start() returns an authDir with linked credentials: the adapter connects without a QR code', async () => {
    const { d } = await started();
    expect(d.fake.qrShown).toEqual([]);
    expect(d.fake.liveSocket()).toBeDefined();
  });

  it('users DM and talk in the group; the ids match what the adapter reports', async () => {
    const { d, h } = await started();
    const [u1, u2] = d.ids.users;
    const next = h.nextInbound(3);
    await d.sendDirect(u1, 'hello');
    await d.sendGroup(u2, 'hi all', false);
    await d.sendGroup(u1, 'hey bot', true);
    const [dm, plain, mention] = await next;
    expect(dm).toMatchObject({ senderId: u1, peer: { kind: 'direct', id: u1 }, text: 'hello' });
    expect(plain).toMatchObject({ senderId: u2, peer: { kind: 'group', id: d.ids.group }, mentioned: false });
    expect(mention).toMatchObject({ senderId: u1, peer: { kind: 'group', id: d.ids.group }, mentioned: true });
  });

  it('sentTo / waitForSent see what the bot sent, per peer', async () => {
    const { d, h } = await started();
    const [u1] = d.ids.users;
    await h.adapter.send({ to: { kind: 'direct', id: u1 }, text: 'pong' });
    await h.adapter.send({ to: { kind: 'group', id: d.ids.group }, text: 'to the group', mediaUrls: ['https://example.test/x.png'] });
    expect(await d.waitForSent(u1, 1)).toEqual(['pong']);
    expect(d.sentTo(d.ids.group)).toEqual(['to the group']);
    expect(d.sentTo(d.ids.users[2])).toEqual([]);
  });

  it('fault kinds drop, stall and 5xx all heal, and held messages arrive afterwards', async () => {
    const { d, h } = await started();
    expect(d.fault.kinds).toEqual(['drop', 'stall', '5xx']);
    const [u1] = d.ids.users;

    let next = h.nextInbound();
    await d.fault.set('drop', true);
    await d.sendDirect(u1, 'after drop');
    expect((await next)[0].text).toBe('after drop');

    next = h.nextInbound();
    await d.fault.set('5xx', true);
    await d.sendDirect(u1, 'during 5xx');
    await d.fault.set('5xx', false);
    expect((await next)[0].text).toBe('during 5xx');

    next = h.nextInbound();
    await d.fault.set('stall', true);
    await d.sendDirect(u1, 'during stall');
    await d.fault.set('stall', false);
    expect((await next)[0].text).toBe('during stall');
    expect(h.failures).toEqual([]);
  });
});
