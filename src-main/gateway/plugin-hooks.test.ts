import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startChannelGateway, type ChannelGateway } from '../../test-support/channel-gateway.js';
import { createTelegramDriver } from '../../test-support/fake-telegram/driver.js';
import { fixtureDir } from '../../test-support/plugin-fixtures/index.js';

/**
 * A plugin's turn hooks in a real turn: a Telegram message through the real adapter, the queue and the fake
 * model. `before_agent` adds context the model sees; `after_reply` hears the reply once it is on its way,
 * with the agent, the session and the channel it came from.
 */
describe('plugin turn hooks', () => {
  let env: ChannelGateway;
  beforeAll(async () => {
    env = await startChannelGateway(createTelegramDriver(), { dmPolicy: 'open', allowFrom: ['*'] }, { plugins: { load: { paths: [fixtureDir('good')] } } });
    await env.connected();
  }, 60_000);
  afterAll(() => env?.close());

  it('before_agent context reaches the model; after_reply hears the reply, agent, session and channel', async () => {
    const [user] = env.driver.ids.users;
    await env.driver.sendDirect(user, 'hello there');
    await env.settled(1);
    expect(env.driver.sentTo(user)).toEqual(['reply: hello there']);
    expect(JSON.stringify(env.model.requests.at(-1)?.body)).toContain('hello from good');
    // after_reply runs in the background once the reply is recorded: look until it has been told.
    let replies: { agentId: string; sessionKey: string; text: string; channel?: string }[] = [];
    for (const deadline = Date.now() + 10_000; !replies.length && Date.now() < deadline; await new Promise((r) => setTimeout(r, 20))) {
      replies = (await env.call<{ replies: typeof replies }>('good.replies')).replies;
    }
    expect(replies).toEqual([{ agentId: 'main', sessionKey: expect.stringMatching(/^agent:main:/), text: 'reply: hello there', channel: 'telegram' }]);
  });
});
