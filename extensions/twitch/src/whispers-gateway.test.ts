import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MethodResult } from '../../../src-shared/protocol/index.js';
import { startChannelGateway, type ChannelGateway } from '../../../test-support/channel-gateway.js';
import { createTwitchDriver } from '../../../test-support/irc-server/twitch-driver.js';

/**
 * Whispers through a real gateway (the bundled plugin from dist): they are
 * direct messages for the access policy, so a stranger's whisper gets a
 * pairing code by whisper and is held until approved; an allowed sender's is
 * answered by whisper.
 */
describe('Twitch whispers through the gateway', () => {
  const driver = createTwitchDriver({ scopes: ['chat:read', 'chat:edit', 'user:manage:whispers'] });
  let env: ChannelGateway;
  const api = () => driver.world()!.id;
  const whispersTo = (login: string) => api().whispersSent.filter((w) => w.to === login).map((w) => w.text);
  const untilWhispers = (login: string, n: number) => api().until(() => (whispersTo(login).length >= n ? true : undefined), 15_000, `${n} whispers to ${login}`);

  beforeAll(async () => {
    env = await startChannelGateway(driver, { dmPolicy: 'pairing', allowFrom: ['ann'] });
  }, 60_000);
  afterAll(() => env?.close());

  it('answers an allowed sender by whisper', async () => {
    await api().whisper('ann', 'hello by whisper');
    await untilWhispers('ann', 1);
    expect(whispersTo('ann')).toEqual(['reply: hello by whisper']);
    expect((await env.account()).details).toMatchObject({ whispers: 'on' });
  });

  it('sends a stranger a pairing code by whisper, and answers once approved', async () => {
    const calls = env.model.requests.length;
    await api().whisper('bob', 'who are you?');
    await untilWhispers('bob', 1);
    const code = /Pairing code: ([A-HJ-NP-Z2-9]{8})/.exec(whispersTo('bob')[0]!)?.[1];
    expect(code).toBeDefined();
    expect(env.model.requests.length).toBe(calls);
    await env.call<MethodResult<'channels.pairing.approve'>>('channels.pairing.approve', { channel: 'twitch', code });
    await untilWhispers('bob', 2);
    expect(whispersTo('bob')[1]).toBe('reply: who are you?');
    // Nothing went to chat.
    expect(driver.sentTo('bob')).toEqual([]);
  });
});
