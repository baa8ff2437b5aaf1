import { afterEach, describe, expect, it } from 'vitest';
import { startChannelGateway, type ChannelGateway } from '../../../test-support/channel-gateway.js';
import { createTwitchDriver } from '../../../test-support/irc-server/twitch-driver.js';

/**
 * Through a real gateway (the bundled plugin from dist), a real IRC server
 * and the Twitch-style relay: when Twitch refuses the bot's reply as sent too
 * quickly, delivery waits and the reply goes out later, once.
 */
describe('Twitch rate limits through the gateway', () => {
  let env: ChannelGateway | undefined;
  afterEach(async () => {
    await env?.close();
    env = undefined;
  });

  it('a reply refused with msg_ratelimit waits and goes out once', async () => {
    const driver = createTwitchDriver();
    env = await startChannelGateway(driver, { dmPolicy: 'pairing', allowFrom: ['ann'] });
    const room = driver.ids.group;
    const relay = driver.world()!.gateway;
    relay.refuseChat(2);
    const asked = Date.now();
    await driver.sendGroup('ann', 'status please', true);
    const [reply] = await driver.waitForSent(room, 1, 20_000);
    expect(reply).toContain('status please');
    expect(relay.refused()).toBe(2);
    // Twitch asked to wait: 1 s after the first refusal, 2 s after the second.
    expect(Date.now() - asked).toBeGreaterThanOrEqual(3000);
    await env.settled(1);
    expect(driver.sentTo(room)).toHaveLength(1);
    expect((await env.account()).lastError ?? '').not.toMatch(/rate/i);
  });
});
