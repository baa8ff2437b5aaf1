import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startChannelGateway, type ChannelGateway } from '../../test-support/channel-gateway.js';
import { createTelegramDriver } from '../../test-support/fake-telegram/driver.js';
import { FakeOpenAIServer } from '../../test-support/fake-openai.js';
import { startTestGateway } from '../../test-support/gateway.js';
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

/**
 * Plugins load in the background after the gateway starts. A turn that arrives before a plugin has
 * finished loading waits for it, so the first conversations after a start get its hooks too.
 */
describe('a turn right after start', () => {
  it('waits for plugins still loading, and their before_agent context reaches the model', async () => {
    const model = new FakeOpenAIServer({ script: () => ({ text: 'ok' }) });
    await model.start();
    const t = await startTestGateway({
      config: {
        models: { providers: { fake: { baseUrl: `${model.baseUrl}/v1`, apiKey: 'x', api: 'openai-completions', models: [{ id: 'm' }] } } },
        agents: { defaults: { model: { primary: 'fake/m' } } },
        plugins: { load: { paths: [fixtureDir('good')] } },
      },
    });
    try {
      const local = t.gw.createLocalClient();
      const sent = await local.call('chat.send', { sessionKey: 'agent:main:main', message: 'first words', idempotencyKey: 'first-after-start' });
      if (!sent.ok) throw new Error(JSON.stringify(sent.error));
      const runId = (sent.value as { runId: string }).runId;
      const done = await local.call('agent.wait', { runId, timeoutMs: 20_000 });
      expect(done.ok).toBe(true);
      expect(JSON.stringify(model.requests.at(-1)?.body)).toContain('hello from good');
    } finally {
      await t.close();
      await model.close();
    }
  });
});
