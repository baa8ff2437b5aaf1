import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AdapterHarness } from '../../../test-support/channel-harness.js';
import { IDS, startTelegramFixture, type TelegramFixture } from '../../../test-support/fake-telegram/fixture.js';

/**
 * Telegram misbehaves; the adapter (livenessMs 3000, so a 1 s long poll)
 * either recovers by itself with heartbeats resuming, or goes quiet / calls
 * `ctx.fail` so the supervisor restarts it. No message is lost either way.
 */
describe('Telegram faults', () => {
  let fx: TelegramFixture;
  let h: AdapterHarness;
  beforeEach(async () => {
    fx = await startTelegramFixture();
    h = await fx.started();
  });
  afterEach(() => fx.close());

  /** A poll that arrived after `since` and is still unanswered. */
  const heldPoll = (since: number) => fx.fake.waitForCall((c) => c.method === 'getUpdates' && c.at >= since && c.status === undefined);

  it('drop: the connection is cut mid-poll; the adapter reconnects, heartbeats resume, the message arrives', async () => {
    await heldPoll(Date.now());
    fx.fake.setFault('drop', true);
    const next = h.nextInbound();
    await fx.fake.post({ chat: IDS.ada, from: IDS.ada, text: 'sent while the line was cut' });
    expect((await next)[0].text).toBe('sent while the line was cut');
    await h.nextHeartbeats(1);
    expect(h.failures).toEqual([]);
    expect(h.logs.some((l) => l.msg === 'telegram poll failed; retrying')).toBe(true);
  });

  it('stall: polls hang, so heartbeats stop (a supervisor would notice); when Telegram answers again, the held message arrives', async () => {
    const stalledAt = Date.now();
    fx.fake.setFault('stall', true);
    await heldPoll(stalledAt);
    await fx.fake.post({ chat: IDS.brian, from: IDS.brian, text: 'sent during the stall' });
    // One and a half poll timeouts without a single sign of life.
    await expect(h.nextHeartbeats(1, 1500)).rejects.toThrow(/timed out/);
    expect(h.inbound).toEqual([]);

    const next = h.nextInbound();
    fx.fake.setFault('stall', false);
    expect((await next)[0].text).toBe('sent during the stall');
    await h.nextHeartbeats(1);
    expect(h.failures).toEqual([]);
  });

  it('5xx for a while: the adapter retries with backoff, then recovers; heartbeats resume and nothing is lost', async () => {
    const since = Date.now();
    fx.fake.setFault('5xx', true);
    await fx.fake.waitUntil(() => (fx.fake.calls.filter((c) => c.method === 'getUpdates' && c.at >= since && c.status === 502).length >= 2 ? true : undefined), 5000, 'two failed polls');
    await fx.fake.post({ chat: IDS.chen, from: IDS.chen, text: 'sent during the outage' });
    const beats = h.heartbeats();
    const next = h.nextInbound();
    fx.fake.setFault('5xx', false);
    expect((await next)[0].text).toBe('sent during the outage');
    await h.nextHeartbeats(1);
    expect(h.heartbeats()).toBeGreaterThan(beats);
    expect(h.failures).toEqual([]);
  });

  it('5xx that does not end: after five failed polls in a row the adapter calls ctx.fail; a fresh adapter gets the held message', async () => {
    fx.fake.setFault('5xx', true);
    await fx.fake.post({ chat: IDS.ada, from: IDS.ada, text: 'sent during a long outage' });
    const err = await h.nextFailure(8000);
    expect(err.message).toMatch(/^Telegram polling failed 5 times in a row; last: getUpdates failed: 502 Bad Gateway/);
    expect(h.failures).toHaveLength(1);
    await h.close();

    // What the supervisor does next: a new instance once Telegram is back.
    fx.fake.setFault('5xx', false);
    const fresh = await fx.started();
    expect((await fresh.nextInbound())[0].text).toBe('sent during a long outage');
  });
});
