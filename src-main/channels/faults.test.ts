import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHANNEL_DRIVERS } from '../../test-support/channel-drivers.js';
import { startChannelGateway, type ChannelGateway } from '../../test-support/channel-gateway.js';

/**
 * The platform misbehaves while users keep writing: the connection drops,
 * the platform stalls without closing anything, or its API answers 5xx for a
 * while. Each time the channel must come back by itself, say so truthfully
 * in `channels.status`, and answer every message sent meanwhile exactly once.
 */
const LIVENESS_MS = 1500;

describe.each(CHANNEL_DRIVERS)('%s: faults', (_name, makeDriver) => {
  let env: ChannelGateway;
  let user: string;

  beforeAll(async () => {
    const driver = makeDriver();
    user = driver.ids.users[0];
    env = await startChannelGateway(driver, { dmPolicy: 'open', allowFrom: ['*'], livenessMs: LIVENESS_MS });
    // A channel that has been working, then meets trouble.
    await env.driver.sendDirect(user, 'warm-up');
    await env.driver.waitForSent(user, 1, 15_000);
  }, 60_000);
  afterAll(() => env?.close());

  async function untilStatus(pred: (a: Awaited<ReturnType<ChannelGateway['account']>>) => boolean, what: string, timeoutMs = 20_000) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const a = await env.account();
      if (pred(a)) return a;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(a)}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  /** Every text sent meanwhile is answered once, in order, and the account is connected again. */
  async function expectRecovered(texts: string[], before: number) {
    const replies = await env.driver.waitForSent(user, before + texts.length, 15_000).catch(async (err: Error) => {
      throw new Error(`${err.message}; account: ${JSON.stringify(await env.account())}`);
    });
    await env.t.gw.queueIdle();
    expect(env.driver.sentTo(user).slice(before)).toEqual(texts.map((t) => `reply: ${t}`));
    expect(replies.length).toBe(before + texts.length);
    return untilStatus((a) => a.connected && a.state === 'running', 'connected again');
  }

  it('drop: the connection is cut; messages sent meanwhile arrive after the reconnect', async () => {
    if (!env.driver.fault.kinds.includes('drop')) return;
    const before = env.driver.sentTo(user).length;
    await env.driver.fault.set('drop', true);
    await env.driver.sendDirect(user, 'said during the drop');
    const a = await expectRecovered(['said during the drop'], before);
    expect(a.lastInboundAt).toBeGreaterThan(0);
  });

  it('stall: the platform goes silent without closing; the supervisor notices by liveness and restarts', async () => {
    if (!env.driver.fault.kinds.includes('stall')) return;
    const before = env.driver.sentTo(user).length;
    const restarts = (await env.account()).restarts;
    await env.driver.fault.set('stall', true);
    await env.driver.sendDirect(user, 'said during the stall');
    // The truth while stalled: not "connected", with a reason.
    const down = await untilStatus((x) => x.restarts > restarts, 'a restart after silence');
    expect(down.lastError).toBeTruthy();
    await env.driver.fault.set('stall', false);
    await expectRecovered(['said during the stall'], before);
  });

  it('5xx: the API fails for a while; the channel recovers by itself and nothing is lost', async () => {
    if (!env.driver.fault.kinds.includes('5xx')) return;
    const before = env.driver.sentTo(user).length;
    await env.driver.fault.set('5xx', true);
    await env.driver.sendDirect(user, 'said during the outage');
    // An outage is a span of time: keep it up for most of a liveness period.
    await new Promise((r) => setTimeout(r, LIVENESS_MS));
    await env.driver.fault.set('5xx', false);
    await expectRecovered(['said during the outage'], before);
  });
});
