import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import type { AddressInfo } from 'node:net';
import { ChannelAuthError } from '../../../src-shared/domain/channel.js';
import { createAdapterHarness } from '../../../test-support/channel-harness.js';
import { startFakeDiscord } from '../../../test-support/fake-discord/fake-discord.js';
import { startDiscordRig, type DiscordTestRig } from '../../../test-support/fake-discord/setup.js';
import { asChannelPlugin } from '../../../test-support/channel-plugin.js';
import { discordChannel } from './index.js';

const discordPlugin = asChannelPlugin(discordChannel);

/** Proving that nothing happens needs a wait: this is a few of the fake's 250 ms heartbeat intervals plus discord.js's 500 ms reconnect pause. */
const QUIET_MS = 1200;
const quiet = () => new Promise((r) => setTimeout(r, QUIET_MS));

describe('discord adapter: start', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });
  const rig = async (opts: Parameters<typeof startDiscordRig>[0]): Promise<DiscordTestRig> => {
    const r = await startDiscordRig(opts);
    cleanups.push(() => r.close());
    return r;
  };

  it('checkConfig explains a missing token or a bad gateway address in plain words', () => {
    expect(discordPlugin.checkConfig({}, { platform: 'linux' })).toEqual({ ok: false, reason: expect.stringMatching(/channels\.discord\.token.*Developer Portal/) });
    expect(discordPlugin.checkConfig({ token: 't', gatewayUrl: 'http://x' }, { platform: 'linux' })).toEqual({ ok: false, reason: expect.stringMatching(/wss:\/\//) });
    expect(discordPlugin.checkConfig({ token: 't' }, { platform: 'linux' })).toEqual({ ok: true });
  });

  it('a wrong token (REST 401 on /gateway/bot) rejects with ChannelAuthError and never opens the gateway', async () => {
    const { fake, h } = await rig({ start: false, config: { token: 'not-the-token' } });
    const err = await h.adapter.start().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ChannelAuthError);
    expect((err as Error).message).toMatch(/^Discord rejected the bot token.*Reset Token/);
    await quiet();
    expect(fake.stats.connections).toBe(0);
    expect(fake.rest.requests.filter((r) => r.status === 401)).toHaveLength(1);
    expect(h.logs.some((l) => JSON.stringify(l).includes('not-the-token'))).toBe(false);
  });

  it('a token the gateway refuses (close 4004) rejects with ChannelAuthError and does not reconnect', async () => {
    const { fake, h } = await rig({ start: false });
    fake.rejectIdentify(true);
    const err = await h.adapter.start().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ChannelAuthError);
    expect((err as Error).message).toMatch(/Discord rejected the bot token/);
    await quiet();
    expect(fake.stats.connections).toBe(1);
    expect(h.failures).toEqual([]);
  });

  it('Discord answering 502 at start rejects with a plain, retryable error', async () => {
    const { fake, h } = await rig({ start: false });
    fake.setOutage(true);
    const err = await h.adapter.start().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect(err).not.toBeInstanceOf(ChannelAuthError);
    expect((err as Error).message).toMatch(/unavailable \(HTTP 502/);
  });

  it('a gateway that keeps dropping the socket: start gives up within livenessMs and the reconnect loop stops', async () => {
    let connections = 0;
    const flaky = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise((resolve) => flaky.once('listening', resolve));
    flaky.on('connection', (ws) => {
      connections++;
      ws.terminate();
    });
    cleanups.push(() => new Promise<void>((resolve) => flaky.close(() => resolve())));
    const url = `ws://127.0.0.1:${(flaky.address() as AddressInfo).port}/`;
    const { h } = await rig({ start: false, config: { gatewayUrl: url, livenessMs: 1500 } });
    const err = await h.adapter.start().catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/did not finish connecting within 2 s/);
    expect(connections).toBeGreaterThanOrEqual(2);
    const after = connections;
    await quiet();
    expect(connections).toBe(after);
  });

  it('gatewayUrl overrides the address GET /gateway/bot announces', async () => {
    const fake = await startFakeDiscord({ heartbeatIntervalMs: 250, announceGatewayUrl: 'ws://127.0.0.1:9/unreachable' });
    cleanups.push(() => fake.close());
    const h = createAdapterHarness(discordPlugin, { token: fake.token, apiRoot: fake.apiRoot, gatewayUrl: fake.gatewayUrl, livenessMs: 3000 });
    cleanups.push(() => h.close());
    await h.adapter.start();
    const next = h.nextInbound();
    fake.say({ from: fake.world.humans[0], in: 'dm', text: 'via override' });
    expect((await next)[0]!.text).toBe('via override');
  });

  it('stop() during start ends it at once and leaves nothing running', async () => {
    const { fake, h } = await rig({ start: false });
    fake.setStalled(true);
    const starting = h.adapter.start().catch((e: unknown) => e);
    await fake.waitUntil(() => fake.stats.connections === 1, 'the gateway connection');
    await h.adapter.stop();
    expect(((await starting) as Error).message).toMatch(/stopped while starting/);
    await fake.waitUntil(() => fake.openSockets() === 0, 'the socket to close');
    await h.adapter.stop();
  });
});
