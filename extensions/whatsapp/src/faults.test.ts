import { afterEach, describe, expect, it } from 'vitest';
import { startLinkedAdapter, type LinkedAdapter } from '../../../test-support/fake-whatsapp/linked-adapter.js';
import { text, type FakeUser } from '../../../test-support/fake-whatsapp/messages.js';

const ana: FakeUser = { phone: '15550001001', lid: '201000000001001', name: 'Ana' };

let running: LinkedAdapter | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
});

describe('WhatsApp adapter under platform faults', () => {
  it('down for a while: messages said meanwhile arrive through the new socket (offline replay)', async () => {
    running = await startLinkedAdapter();
    const { fake, h } = running;
    fake.setServerErrors(true); // closes the live socket and refuses new ones
    fake.sendDirect(ana, text('said while you were away'));
    expect(fake.heldCount()).toBe(1);
    fake.setServerErrors(false);
    const [msg] = await h.nextInbound(1, 5000);
    expect(msg.text).toBe('said while you were away');
    // WhatsApp replays held messages as an 'append' batch on the new socket.
    expect(fake.sockets.length).toBeGreaterThan(1);
    await h.nextHeartbeats(1);
    expect(h.failures).toEqual([]);
  });

  it('drop (428) during traffic: reconnects on its own and nothing the platform delivered is lost', async () => {
    running = await startLinkedAdapter();
    const { fake, h } = running;
    fake.sendDirect(ana, text('one'));
    fake.drop();
    fake.sendDirect(ana, text('two'));
    const got = await h.nextInbound(2);
    expect(got.map((m) => m.text)).toEqual(['one', 'two']);
    expect(fake.sockets).toHaveLength(2);
    expect((fake.sockets[0].closeError as { output?: { statusCode?: number } }).output?.statusCode).toBe(428);
    expect(h.failures).toEqual([]);
  });

  it('5xx for a while (503/500 on every connect): reconnects with backoff, then recovers', async () => {
    running = await startLinkedAdapter({ plugin: { reconnect: { maxFailures: 10 } } });
    const { fake, h } = running;
    fake.setServerErrors(true);
    await fake.waitFor(() => (fake.sockets.length >= 4 ? true : undefined), 5000, 'three failed reconnects');
    const codes = fake.sockets.slice(1, 3).map((s) => (s.closeError as { output?: { statusCode?: number } })?.output?.statusCode);
    expect(codes).toEqual([503, 500]);
    fake.setServerErrors(false);
    await fake.waitForLiveSocket(5000, 1);
    await h.nextHeartbeats(1);
    expect(h.failures).toEqual([]);
    expect(h.adapter.describe?.().connection).toBe('open');
  });

  it('5xx that does not end: reports ctx.fail once after the allowed failures', async () => {
    running = await startLinkedAdapter({ plugin: { reconnect: { maxFailures: 3 } } });
    const { fake, h } = running;
    fake.setServerErrors(true);
    const err = await h.nextFailure(5000);
    expect(err.message).toMatch(/failed 4 times in a row \(last: 50[03]/);
    expect(err.name).toBe('Error');
    expect(fake.sockets).toHaveLength(4);
    expect(h.failures).toHaveLength(1);
  });

  it('stall: the socket goes silent, heartbeats stop; Baileys drops it (408), and once WhatsApp answers again the adapter is back', async () => {
    running = await startLinkedAdapter({ fake: { watchdogGraceMs: 300 } });
    const { fake, h } = running;
    await h.nextHeartbeats(1, 3000);
    const first = fake.sockets[0];
    fake.setStall(true);
    const beatsAtStall = h.heartbeats();
    fake.sendDirect(ana, text('sent into the void'));
    // Baileys' own keep-alive check ends the silent socket (keep-alive 1 s + grace).
    await fake.waitFor(() => (first.isClosed ? true : undefined), 4000, 'the silent socket to be dropped');
    expect((first.closeError as { output?: { statusCode?: number } }).output?.statusCode).toBe(408);
    expect(h.heartbeats()).toBe(beatsAtStall);
    expect(h.inbound).toHaveLength(0);
    fake.setStall(false);
    const [msg] = await h.nextInbound(1, 5000);
    expect(msg.text).toBe('sent into the void');
    await h.nextHeartbeats(1, 3000);
    expect(h.failures).toEqual([]);
  });
});
