import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GatewayClient } from '../cli/gateway-client.js';
import { lastUserText } from '../../test-support/fake-model-script.js';
import { FakeOpenAIServer } from '../../test-support/fake-openai.js';
import { startTestGateway, type TestGateway, chatTurn } from '../../test-support/gateway.js';

// The parameters and shapes the reference Control UI sends and reads, accepted and honoured.

const token = 'reference-params-token-0123456789';
let model: FakeOpenAIServer;
let t: TestGateway;
let c: GatewayClient;

/** Sends a message and waits for the run's final event. */
async function turn(sessionKey: string, message: string, idempotencyKey: string): Promise<void> {
  await chatTurn(c, { sessionKey, message, idempotencyKey });
}

beforeAll(async () => {
  model = new FakeOpenAIServer({ script: (req) => ({ text: `echo: ${lastUserText(req)}` }) });
  await model.start();
  t = await startTestGateway({
    config: {
      gateway: { auth: { mode: 'token', token } },
      models: { providers: { fake: { baseUrl: `${model.baseUrl}/v1`, apiKey: 'sk-test', api: 'openai-completions', models: [{ id: 'small' }, { id: 'large' }] } } },
      agents: { defaults: { model: { primary: 'fake/small' } }, entries: { main: { default: true }, work: { model: { primary: 'fake/large' } } } },
    },
  });
  c = await t.operator();
  await turn('agent:main:main', 'Plan the garden for spring: tomatoes, beans and a row of sunflowers along the fence by the shed', 'run-1');
  await turn('agent:main:main', 'and the herbs?', 'run-2');
  await turn('agent:work:notes', 'hello work', 'run-3');
  await turn('global', 'shared words', 'run-4');
});

afterAll(async () => {
  await t.close();
  await model.close();
});

describe('sessions.list with the reference parameters', () => {
  it('includeGlobal false leaves the global session out; configuredAgentsOnly keeps configured agents', async () => {
    const all = await c.call('sessions.list', { includeGlobal: true, includeUnknown: true, configuredAgentsOnly: true, limit: 10_000 });
    expect(all.sessions.map((s) => s.key).sort()).toEqual(['agent:main:main', 'agent:work:notes', 'global']);
    const noGlobal = await c.call('sessions.list', { includeGlobal: false, includeUnknown: false });
    expect(noGlobal.sessions.map((s) => s.key)).not.toContain('global');
    expect(noGlobal.total).toBe(2);
  });

  it('derives a title from the first user message and previews the last message', async () => {
    const r = await c.call('sessions.list', { includeDerivedTitles: true, includeLastMessage: true, agentId: 'main' });
    const main = r.sessions.find((s) => s.key === 'agent:main:main')!;
    expect(main.derivedTitle).toBe('Plan the garden for spring: tomatoes, beans and a row of sunflowers along the…');
    expect(main.lastMessagePreview).toContain('echo: and the herbs?');
    const plain = await c.call('sessions.list', {});
    expect(plain.sessions[0]).not.toHaveProperty('derivedTitle');
  });

  it('spawnedBy, archived and hasBoard filters match no session here; their negations keep all', async () => {
    expect((await c.call('sessions.list', { spawnedBy: 'agent:main:main' })).sessions).toEqual([]);
    expect((await c.call('sessions.list', { archived: true })).sessions).toEqual([]);
    expect((await c.call('sessions.list', { hasBoard: true })).sessions).toEqual([]);
    const all = (await c.call('sessions.list', {})).sessions.length;
    expect((await c.call('sessions.list', { archived: 'all', hasBoard: false })).sessions).toHaveLength(all);
    expect((await c.call('sessions.list', { archived: false })).sessions).toHaveLength(all);
  });
});

describe('chat.history inputRunIds', () => {
  it('reports each sent run as consumed by its transcript entry; runs of other sessions are left out', async () => {
    const h = await c.call('chat.history', { sessionKey: 'agent:main:main', inputRunIds: ['run-1', 'run-2', 'run-3', 'never-sent'] });
    const userSeqs = h.messages.filter((m) => m.role === 'user').map((m) => String(m.seq));
    expect(h.inputReceipts).toEqual([
      { runId: 'run-1', state: 'consumed', consumedByEventId: userSeqs[0] },
      { runId: 'run-2', state: 'consumed', consumedByEventId: userSeqs[1] },
    ]);
    expect(h.inputConsumptions).toHaveLength(2);
  });

  it('maxBytes keeps the newest messages and points at the older ones', async () => {
    await turn('agent:main:long', 'a'.repeat(600), 'run-long-1');
    await turn('agent:main:long', 'b'.repeat(600), 'run-long-2');
    const full = await c.call('chat.history', { sessionKey: 'agent:main:long' });
    const small = await c.call('chat.history', { sessionKey: 'long', agentId: 'main', maxBytes: 1024 });
    expect(small.messages.length).toBeLessThan(full.messages.length);
    expect(small.messages.at(-1)).toEqual(full.messages.at(-1));
    expect(small.hasMore).toBe(true);
    expect(small.nextCursor).toBe(String(small.messages[0]!.seq));
  });

  it('refuses a malformed run id list clearly', async () => {
    await expect(c.call('chat.history', { sessionKey: 'agent:main:main', inputRunIds: [] })).rejects.toThrow(/inputRunIds/);
  });
});

describe('message.action', () => {
  it('refuses an action no channel here has, and a send without a target, in plain words', async () => {
    await expect(c.call('message.action', { channel: 'telegram', action: 'react', params: { emoji: '👍' }, idempotencyKey: 'a1' })).rejects.toThrow('Channel telegram does not support action react.');
    await expect(c.call('message.action', { channel: 'telegram', action: 'send', params: { message: 'hi' }, idempotencyKey: 'a2' })).rejects.toThrow(/needs params.to/);
    await expect(c.call('message.action', { channel: 'nochannel', action: 'send', params: { to: '1', message: 'hi' }, idempotencyKey: 'a3' })).rejects.toThrow(/unknown channel "nochannel"/);
  });
});

describe('models.list for a session or an agent', () => {
  it("reports the agent's model, and a session's override over it", async () => {
    expect((await c.call('models.list', { view: 'configured' })).defaultModel).toBe('fake/small');
    expect((await c.call('models.list', { agentId: 'work' })).defaultModel).toBe('fake/large');
    expect((await c.call('models.list', { sessionKey: 'agent:work:notes' })).defaultModel).toBe('fake/large');
    await c.call('sessions.patch', { key: 'agent:main:main', model: 'fake/large' });
    expect((await c.call('models.list', { sessionKey: 'agent:main:main', agentId: 'main' })).defaultModel).toBe('fake/large');
    await expect(c.call('models.list', { agentId: 'nobody' })).rejects.toThrow(/unknown agent "nobody"/);
  });
});

describe('channels.pairing.list', () => {
  it('carries the pairing limits', async () => {
    const r = await c.call('channels.pairing.list', {});
    expect(r.limits).toEqual({ pendingPerAccount: 3, ttlMs: 3_600_000 });
    // No chat channel is configured here, so no account takes pairing requests.
    expect(r.accounts).toEqual([]);
  });
});
