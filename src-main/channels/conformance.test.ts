import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MethodResult } from '../../src-shared/protocol/index.js';
import { CHANNEL_DRIVERS } from '../../test-support/channel-drivers.js';
import { startChannelGateway, type ChannelGateway } from '../../test-support/channel-gateway.js';

/**
 * Every adapter through every access policy × {known, unknown, paired, group}
 * sender, end to end: the platform fake → the real adapter → the gateway's
 * queue, access gate and pairing → a fake model → delivery → the platform
 * fake. Policy lives once in core; this proves each adapter feeds it the
 * facts it needs (sender, peer kind, mention) and carries its replies back.
 */

describe.each(CHANNEL_DRIVERS)('%s: access policy conformance', (_name, makeDriver) => {
  let env: ChannelGateway;
  let known: string, stranger: string, newcomer: string;
  let inbound = 0;
  const channel = () => env.driver.channel;

  /** Applies a policy through the config (the account restarts by itself) and waits for it to reconnect. */
  async function policy(p: Record<string, unknown>) {
    const before = (await env.account()).lastConnectedAt ?? 0;
    const got = await env.call<{ hash: string; config: { channels: Record<string, Record<string, unknown>> } }>('config.get');
    const current = got.config.channels[channel()]!;
    await env.call('config.patch', { raw: JSON.stringify({ channels: { [channel()]: { ...p, allowFrom: p.allowFrom ?? current.allowFrom } } }), baseHash: got.hash });
    await env.connected(before);
    inbound = (await env.account()).inboundCount;
  }
  async function dm(user: string, text: string) {
    await env.driver.sendDirect(user, text);
    await env.settled(++inbound);
  }
  async function group(user: string, text: string, mention: boolean) {
    await env.driver.sendGroup(user, text, mention);
    await env.settled(++inbound);
  }

  beforeAll(async () => {
    const driver = makeDriver();
    [known, newcomer, stranger] = driver.ids.users;
    env = await startChannelGateway(driver, { dmPolicy: 'pairing', allowFrom: [known], livenessMs: 30_000 });
  }, 60_000);
  afterAll(() => env?.close());

  it('pairing: the known sender is answered; an unknown sender gets a code and is held until approved, then answered', async () => {
    await dm(known, 'hello from known');
    expect(env.driver.sentTo(known)).toEqual(['reply: hello from known']);

    const calls = env.model.requests.length;
    await dm(newcomer, 'hello from newcomer');
    const notice = env.driver.sentTo(newcomer);
    expect(notice).toHaveLength(1);
    const code = /Pairing code: ([A-HJ-NP-Z2-9]{8})/.exec(notice[0]!)?.[1];
    expect(code, `pairing notice: ${notice[0]}`).toBeDefined();
    // Held, not processed: the model was never asked.
    expect(env.model.requests.length).toBe(calls);
    const list = await env.call<MethodResult<'channels.pairing.list'>>('channels.pairing.list', { channel: channel() });
    expect(list.requests).toEqual([expect.objectContaining({ code, id: newcomer, meta: expect.objectContaining({ heldMessages: 1 }) })]);

    await env.call('channels.pairing.approve', { channel: channel(), code });
    await env.driver.waitForSent(newcomer, 2);
    await env.t.gw.queueIdle();
    expect(env.driver.sentTo(newcomer)[1]).toBe('reply: hello from newcomer');

    await dm(newcomer, 'now I am paired');
    expect(env.driver.sentTo(newcomer).at(-1)).toBe('reply: now I am paired');
  });

  it('group: an allowed sender must mention the bot; an unknown sender is ignored without a code', async () => {
    const g = env.driver.ids.group;
    await group(known, 'no mention here', false);
    await group(stranger, 'hey bot, I am new', true);
    expect(env.driver.sentTo(g)).toEqual([]);
    expect(env.driver.sentTo(stranger)).toEqual([]);
    await group(known, 'hey bot, status?', true);
    expect(env.driver.sentTo(g)).toHaveLength(1);
    expect(env.driver.sentTo(g)[0]).toContain('status?');
  });

  it('allowlist: strangers get nothing (no code); known and paired senders are answered', async () => {
    await policy({ dmPolicy: 'allowlist' });
    await dm(stranger, 'anyone there?');
    expect(env.driver.sentTo(stranger)).toEqual([]);
    expect((await env.call<MethodResult<'channels.pairing.list'>>('channels.pairing.list', { channel: channel() })).requests).toEqual([]);
    await dm(known, 'allowlisted');
    expect(env.driver.sentTo(known).at(-1)).toBe('reply: allowlisted');
    await dm(newcomer, 'paired earlier');
    expect(env.driver.sentTo(newcomer).at(-1)).toBe('reply: paired earlier');
  });

  it('open with "*": anyone is answered', async () => {
    await policy({ dmPolicy: 'open', allowFrom: ['*'] });
    await dm(stranger, 'open door');
    expect(env.driver.sentTo(stranger)).toEqual(['reply: open door']);
  });

  it('disabled: nobody is answered in DMs, not even known senders', async () => {
    await policy({ dmPolicy: 'disabled', allowFrom: [known] });
    const before = env.driver.sentTo(known).length;
    await dm(known, 'are DMs off?');
    expect(env.driver.sentTo(known)).toHaveLength(before);
  });

  it('outbound send obeys the same policy', async () => {
    await policy({ dmPolicy: 'allowlist', allowFrom: [known] });
    await env.call('send', { channel: channel(), to: known, message: 'deploy **done**', idempotencyKey: `k-${channel()}` });
    expect(env.driver.sentTo(known).at(-1)).toMatch(/deploy .*done/);
    await expect(env.call('send', { channel: channel(), to: stranger, message: 'spam', idempotencyKey: `s-${channel()}` })).rejects.toThrow(/not allowed by the channel's access policy/);
  });
});
