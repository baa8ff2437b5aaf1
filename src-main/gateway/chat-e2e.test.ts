import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { GatewayClient } from '../cli/gateway-client.js';
import { FakeAnthropicServer } from '../../test-support/fake-anthropic.js';
import { echoScript, sequenceScript, toolThenTextScript } from '../../test-support/fake-model-script.js';
import { FakeOpenAIServer } from '../../test-support/fake-openai.js';
import { startTestGateway, type TestGateway } from '../../test-support/gateway.js';
import { WsProbe } from '../../test-support/ws-probe.js';

/** Collect `chat` events for one run until it ends. */
function runEvents(c: GatewayClient, runId: string) {
  const events: any[] = [];
  const done = new Promise<any[]>((resolve) => {
    const off = c.on((event, payload: any) => {
      if (event !== 'chat' || payload.runId !== runId) return;
      events.push(payload);
      if (payload.state !== 'delta') {
        off();
        resolve(events);
      }
    });
  });
  return { events, done };
}

const token = 'chat-e2e-token-0123456789';
let openai: FakeOpenAIServer;
let anthropic: FakeAnthropicServer;
let t: TestGateway;
let c: GatewayClient;
let n = 0;
const key = () => `idem-${++n}-${Date.now()}`;

beforeAll(async () => {
  openai = new FakeOpenAIServer({ script: echoScript });
  anthropic = new FakeAnthropicServer({ script: echoScript });
  await openai.start();
  await anthropic.start();
  t = await startTestGateway({
    config: {
      gateway: { auth: { mode: 'token', token }, http: { endpoints: { chatCompletions: { enabled: true } } } },
      models: {
        providers: {
          local: { baseUrl: `${openai.baseUrl}/v1`, apiKey: 'sk-local-test', api: 'openai-completions', models: [{ id: 'fake', contextWindow: 32_000, maxTokens: 1000, cost: { input: 1, output: 2 } }] },
          anthropic: { baseUrl: anthropic.baseUrl, apiKey: 'sk-ant-test', api: 'anthropic-messages', models: [{ id: 'claude-fake', contextWindow: 200_000, maxTokens: 1000 }] },
        },
      },
      agents: { defaults: { model: { primary: 'local/fake' } }, entries: { main: { default: true }, claude: { model: 'anthropic/claude-fake' } } },
    },
  });
  c = await t.operator();
});
afterAll(async () => {
  await t.close();
  await openai.close();
  await anthropic.close();
});
afterEach(() => {
  openai.script = echoScript;
});

describe('chat over WS with a real SDK against a local fake model', () => {
  it('chat.send streams deltas then a final, and history has the turn', async () => {
    openai.script = () => ({ chunks: ['Hello', ', ', 'world', '!'] });
    const idem = key();
    const ev = runEvents(c, idem);
    await expect(c.call('chat.send', { sessionKey: 'agent:main:main', message: 'hi there', idempotencyKey: idem })).resolves.toEqual({ runId: idem, status: 'started' });
    const events = await ev.done;
    const deltas = events.filter((e) => e.state === 'delta');
    expect(deltas.map((d) => d.deltaText).join('')).toBe('Hello, world!');
    expect(events.at(-1)).toMatchObject({ state: 'final', sessionKey: 'agent:main:main', message: { role: 'assistant', content: [{ type: 'text', text: 'Hello, world!' }] }, usage: { costUsd: expect.any(Number) } });
    expect(events.map((e) => e.seq)).toEqual(events.map((_e, i) => i));
    const h = await c.call<any>('chat.history', { sessionKey: 'agent:main:main', limit: 20 });
    expect(h.messages.slice(-2).map((m: any) => [m.role, m.content[0].text])).toEqual([
      ['user', 'hi there'],
      ['assistant', 'Hello, world!'],
    ]);
    // The same idempotency key is not run twice.
    await expect(c.call('chat.send', { sessionKey: 'agent:main:main', message: 'hi there', idempotencyKey: idem })).resolves.toMatchObject({ runId: idem, status: 'ok' });
    expect((await c.call<any>('chat.history', { sessionKey: 'agent:main:main' })).messages).toHaveLength(h.messages.length);
  });

  it('runs a two-step tool loop: the model reads a workspace file, then answers', async () => {
    const ws = join(t.state.stateDir, 'workspace');
    const first = key();
    const warm = runEvents(c, first);
    await c.call('chat.send', { sessionKey: 'agent:main:tools', message: 'warm up', idempotencyKey: first });
    await warm.done;
    writeFileSync(join(ws, 'note.txt'), 'the secret word is pineapple');
    openai.script = toolThenTextScript('read', { path: 'note.txt' }, 'The note says pineapple.');
    openai.reset();
    const idem = key();
    const ev = runEvents(c, idem);
    await c.call('chat.send', { sessionKey: 'agent:main:tools', message: 'what does note.txt say?', idempotencyKey: idem });
    const events = await ev.done;
    expect(events.at(-1)).toMatchObject({ state: 'final', message: { content: [{ text: 'The note says pineapple.' }] } });
    // The second model call carried the tool result in the OpenAI wire shape.
    const second = openai.requests.filter((r) => r.path === '/v1/chat/completions')[1]!.body as any;
    expect(second.messages.find((m: any) => m.role === 'tool').content).toContain('pineapple');
    const h = await c.call<any>('chat.history', { sessionKey: 'agent:main:tools' });
    expect(h.messages.slice(-4).map((m: any) => m.role)).toEqual(['user', 'assistant', 'tool', 'assistant']);
    expect(h.messages.at(-3).content[0]).toMatchObject({ type: 'tool_use', name: 'read' });
  });

  it('aborts mid-stream: chat.abort ends the run with an aborted event and keeps the partial text', async () => {
    openai.script = () => ({ chunks: ['partial '], hang: true });
    const idem = key();
    const ev = runEvents(c, idem);
    const firstDelta = new Promise<void>((resolve) => {
      const off = c.on((event, p: any) => {
        if (event === 'chat' && p.runId === idem && p.state === 'delta') {
          off();
          resolve();
        }
      });
    });
    await c.call('chat.send', { sessionKey: 'agent:main:abort', message: 'talk forever', idempotencyKey: idem });
    await firstDelta;
    await expect(c.call('chat.abort', { sessionKey: 'agent:main:abort' })).resolves.toEqual({ ok: true, aborted: 1 });
    const events = await ev.done;
    expect(events.at(-1)).toMatchObject({ state: 'aborted', message: { content: [{ text: 'partial ' }] } });
    const h = await c.call<any>('chat.history', { sessionKey: 'agent:main:abort' });
    expect(h.messages.at(-1)).toMatchObject({ role: 'assistant', content: [{ text: 'partial ' }] });
  });

  it('a provider 429 with retry-after is retried by the SDK, then the reply arrives', async () => {
    openai.script = sequenceScript([{ error: { status: 429, retryAfterSeconds: 0 } }, { text: 'after the wait' }]);
    openai.reset();
    const idem = key();
    const ev = runEvents(c, idem);
    await c.call('chat.send', { sessionKey: 'agent:main:retry', message: 'go', idempotencyKey: idem });
    expect((await ev.done).at(-1)).toMatchObject({ state: 'final', message: { content: [{ text: 'after the wait' }] } });
    expect(openai.calls).toBe(2);
  });

  it('a persistent provider failure ends in an error event and the session keeps working', async () => {
    openai.script = () => ({ error: { status: 401, message: 'bad key' } });
    const idem = key();
    const ev = runEvents(c, idem);
    await c.call('chat.send', { sessionKey: 'agent:main:fail', message: 'go', idempotencyKey: idem });
    const last = (await ev.done).at(-1);
    expect(last).toMatchObject({ state: 'error', errorKind: 'unknown' });
    expect(JSON.stringify(last)).not.toContain('sk-local-test');
    openai.script = echoScript;
    const again = key();
    const ev2 = runEvents(c, again);
    await c.call('chat.send', { sessionKey: 'agent:main:fail', message: 'second try', idempotencyKey: again });
    expect((await ev2.done).at(-1)).toMatchObject({ state: 'final', message: { content: [{ text: 'second try' }] } });
  });

  it('routes an agent with an Anthropic model through the Anthropic SDK', async () => {
    const idem = key();
    const ev = runEvents(c, idem);
    await c.call('chat.send', { sessionKey: 'agent:claude:main', message: 'bonjour', idempotencyKey: idem });
    expect((await ev.done).at(-1)).toMatchObject({ state: 'final', agentId: 'claude', message: { content: [{ text: 'bonjour' }] } });
    expect(anthropic.requests.some((r) => r.path === '/v1/messages')).toBe(true);
  });

  it('agent answers accepted first, then the final result on the same request id', async () => {
    const p = new WsProbe(t.url);
    await p.next((f) => f.event === 'connect.challenge');
    p.send({ type: 'req', id: 'c', method: 'connect', params: { minProtocol: 4, maxProtocol: 4, client: { id: 'cli', mode: 'cli', version: '1', platform: 'linux' }, scopes: ['operator.write'], auth: { token } } });
    await p.next((f) => f.id === 'c');
    p.send({ type: 'req', id: 'a1', method: 'agent', params: { message: 'ping', idempotencyKey: key() } });
    expect(await p.next((f) => f.id === 'a1')).toMatchObject({ ok: true, payload: { status: 'accepted', runId: expect.any(String) } });
    expect(await p.next((f) => f.id === 'a1', 10_000)).toMatchObject({ ok: true, payload: { status: 'ok', summary: 'ping', result: { payloads: [{ text: 'ping' }] } } });
    p.close();
  });

  it('sessions.list shows sessions; /new starts over; sessions.delete removes one', async () => {
    const list = await c.call<any>('sessions.list', {});
    expect(list.sessions.map((s: any) => s.key)).toEqual(expect.arrayContaining(['agent:main:main', 'agent:main:tools', 'agent:claude:main']));
    const main = list.sessions.find((s: any) => s.key === 'agent:main:main');
    expect(main).toMatchObject({ agentId: 'main', kind: 'main', messageCount: expect.any(Number), running: false });
    const idem = key();
    const ev = runEvents(c, idem);
    await c.call('chat.send', { sessionKey: 'agent:main:main', message: '/new', idempotencyKey: idem });
    expect((await ev.done).at(-1)).toMatchObject({ state: 'final', message: { content: [{ text: 'Started a new session.' }] } });
    expect((await c.call<any>('chat.history', { sessionKey: 'agent:main:main' })).messages).toEqual([]);
    await expect(c.call('sessions.delete', { key: 'agent:main:abort' })).resolves.toMatchObject({ deleted: true });
    expect((await c.call<any>('sessions.list', {})).sessions.map((s: any) => s.key)).not.toContain('agent:main:abort');
    await expect(c.call('models.list', {})).resolves.toMatchObject({ models: expect.arrayContaining([expect.objectContaining({ ref: 'local/fake' })]) });
    await expect(c.call('send', { to: 'x', message: 'y', idempotencyKey: key() })).rejects.toMatchObject({ error: { code: 'UNAVAILABLE' } });
  });
});

describe('HTTP APIs', () => {
  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${t.gw.httpUrl.replace(/\/$/, '')}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });
  const auth = { authorization: `Bearer ${token}` };

  it('/tools/invoke: 401 without a token, 404 for denied tools, 200 for allowed ones, 413 for oversized bodies', async () => {
    expect((await post('/tools/invoke', { tool: 'sessions_list', args: {} })).status).toBe(401);
    expect((await post('/tools/invoke', { tool: 'sessions_list', args: {} }, { authorization: 'Bearer wrong' })).status).toBe(401);
    const denied = await post('/tools/invoke', { tool: 'exec', args: {} }, auth);
    expect(denied.status).toBe(404);
    expect(await denied.json()).toEqual({ ok: false, error: { type: 'not_found', message: 'Tool not available: exec' } });
    const ok = await post('/tools/invoke', { tool: 'sessions_list', args: {} }, auth);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ ok: true, result: { content: [{ type: 'text', text: expect.stringContaining('agent:main') }] } });
    expect((await post('/tools/invoke', { tool: 'read', args: { path: 'x'.repeat(3 * 1024 * 1024) } }, auth)).status).toBe(413);
    expect((await post('/tools/invoke', '{not json', auth)).status).toBe(400);
    expect((await fetch(`${t.gw.httpUrl}tools/invoke`, { headers: auth })).status).toBe(405);
  });

  it('/v1/chat/completions answers through the agent when enabled (plain and streamed)', async () => {
    const plain = await post('/v1/chat/completions', { model: 'openclaw', messages: [{ role: 'user', content: 'via http' }] }, auth);
    expect(plain.status).toBe(200);
    expect(await plain.json()).toMatchObject({ object: 'chat.completion', choices: [{ message: { role: 'assistant', content: 'via http' }, finish_reason: 'stop' }] });
    const streamed = await post('/v1/chat/completions', { model: 'openclaw', stream: true, messages: [{ role: 'user', content: 'streamed words here' }] }, auth);
    const text = await streamed.text();
    const content = text
      .split('\n\n')
      .filter((l) => l.startsWith('data: {'))
      .map((l) => JSON.parse(l.slice(6)).choices[0].delta.content ?? '')
      .join('');
    expect(content).toBe('streamed words here');
    expect(text.trim().endsWith('data: [DONE]')).toBe(true);
  });
});
