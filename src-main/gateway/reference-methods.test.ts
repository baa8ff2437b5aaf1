import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GatewayClient } from '../cli/gateway-client.js';
import { lastUserText } from '../../test-support/fake-model-script.js';
import { FakeOpenAIServer } from '../../test-support/fake-openai.js';
import { startTestGateway, type TestGateway, chatTurn } from '../../test-support/gateway.js';
import { Waiters } from '../../test-support/wait-until.js';

// The methods the reference Control UI opens a chat with, each over a real feature: agents and their
// identity files, live session subscriptions, the chat's first page, its composer metadata, provider credentials.

const token = 'reference-methods-token-0123456789';
// A 1×1 PNG.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');
let model: FakeOpenAIServer;
let t: TestGateway;
let c: GatewayClient;

async function turn(client: GatewayClient, sessionKey: string, message: string, idempotencyKey: string): Promise<void> {
  await chatTurn(client, { sessionKey, message, idempotencyKey });
}

beforeAll(async () => {
  model = new FakeOpenAIServer({ script: (req) => ({ text: `echo: ${lastUserText(req)}` }) });
  await model.start();
  t = await startTestGateway({
    config: {
      gateway: { auth: { mode: 'token', token } },
      models: { providers: { fake: { baseUrl: `${model.baseUrl}/v1`, apiKey: 'sk-test', api: 'openai-completions', models: [{ id: 'small', name: 'Small' }] }, local: { baseUrl: 'http://127.0.0.1:9/v1', api: 'openai-completions', models: [{ id: 'tiny' }] } } },
      agents: { defaults: { model: { primary: 'fake/small' } }, entries: { main: { default: true }, work: { name: 'Worker', model: { primary: 'local/tiny', fallbacks: ['fake/small'] } } } },
    },
  });
  const ws = join(t.state.stateDir, 'workspace');
  mkdirSync(join(ws, 'img'), { recursive: true });
  writeFileSync(join(ws, 'img', 'me.png'), PNG);
  writeFileSync(join(ws, 'IDENTITY.md'), '# Identity\n\n- **Name:** Clawd\n- **Creature:** (pick something you like)\n- **Emoji:** 🦞\n- **Avatar:** img/me.png\n');
  c = await t.operator();
});

afterAll(async () => {
  await t.close();
  await model.close();
});

describe('agents.list and agent.identity.get', () => {
  it('lists configured agents with workspace, model and the identity from IDENTITY.md; a configured name wins', async () => {
    const r = await c.call('agents.list', {});
    expect(r).toMatchObject({ defaultId: 'main', mainKey: 'main', scope: 'per-sender' });
    const main = r.agents.find((a) => a.id === 'main')!;
    expect(main).toMatchObject({ name: 'Clawd', workspace: join(t.state.stateDir, 'workspace'), model: { primary: 'fake/small' }, identity: { name: 'Clawd', emoji: '🦞' } });
    expect(main.identity.avatar).toBe(`data:image/png;base64,${PNG.toString('base64')}`);
    expect(r.agents.find((a) => a.id === 'work')).toMatchObject({ name: 'Worker', model: { primary: 'local/tiny', fallbacks: ['fake/small'] } });
  });

  it('answers identity by agent or session key; an avatar outside the workspace is refused with the reason', async () => {
    expect(await c.call('agent.identity.get', { sessionKey: 'agent:main:main' })).toMatchObject({ agentId: 'main', name: 'Clawd', nameSource: 'workspace', emoji: '🦞', avatarStatus: 'data' });
    expect(await c.call('agent.identity.get', { agentId: 'work' })).toMatchObject({ agentId: 'work', name: 'Worker', nameSource: 'config', avatarStatus: 'none' });
    writeFileSync(join(t.state.stateDir, 'workspace', 'IDENTITY.md'), '- Name: Clawd\n- Avatar: ../../etc/passwd.png\n');
    const escaped = await c.call('agent.identity.get', {});
    expect(escaped).toMatchObject({ name: 'Clawd', avatarStatus: 'none' });
    expect(escaped.avatar).toBeUndefined();
    expect(escaped.avatarReason).toMatch(/passwd\.png/);
    await expect(c.call('agent.identity.get', { agentId: 'ghost' })).rejects.toThrow(/unknown agent "ghost"/);
  });
});

describe('live session subscriptions', () => {
  it('a watched session streams every transcript entry; other sessions stay quiet; list watchers hear of any activity', async () => {
    const watcher = await t.operator();
    const events: { event: string; payload: any }[] = [];
    const arrived = new Waiters();
    watcher.on((event, payload) => {
      events.push({ event, payload });
      arrived.notify();
    });
    expect(await watcher.call('sessions.messages.subscribe', { key: 'main', agentId: 'main' })).toEqual({ subscribed: true, key: 'agent:main:main' });
    expect(await watcher.call('sessions.subscribe', {})).toEqual({ subscribed: true });

    await turn(c, 'agent:main:main', 'hello watcher', 'watch-1');
    await turn(c, 'agent:main:other', 'not watched', 'watch-2');
    await arrived.until(() => (events.filter((e) => e.event === 'sessions.changed' && e.payload.phase === 'message').length >= 4 ? true : undefined), 10_000, 'four message notices');
    const messages = events.filter((e) => e.event === 'session.message').map((e) => e.payload);
    expect(messages.map((m) => [m.sessionKey, m.message.role, m.message.content[0].text])).toEqual([
      ['agent:main:main', 'user', 'hello watcher'],
      ['agent:main:main', 'assistant', 'echo: hello watcher'],
    ]);
    expect(messages[0]).toMatchObject({ runId: 'watch-1', hasActiveRun: true, messageId: String(messages[0].messageSeq), message: { messageId: String(messages[0].messageSeq) } });
    const changed = events.filter((e) => e.event === 'sessions.changed' && e.payload.phase === 'message').map((e) => e.payload.sessionKey);
    expect(new Set(changed)).toEqual(new Set(['agent:main:main', 'agent:main:other']));

    // An operator that subscribed to nothing hears no session.message.
    const quiet: string[] = [];
    c.on((event) => quiet.push(event));
    await watcher.call('sessions.messages.unsubscribe', { key: 'agent:main:main' });
    await turn(c, 'agent:main:main', 'after unsubscribe', 'watch-3');
    expect(quiet).not.toContain('session.message');
    expect(events.filter((e) => e.event === 'session.message')).toHaveLength(2);
  });

  it('every copy of a message (announced, final, read back) carries one identity, so a client shows it once', async () => {
    const watcher = await t.operator();
    const events: { event: string; payload: any }[] = [];
    watcher.on((event, payload: any) => void events.push({ event, payload }));
    await watcher.call('sessions.messages.subscribe', { key: 'agent:main:identity' });
    await turn(c, 'agent:main:identity', 'who am i', 'ident-1');
    const history = await c.call('chat.history', { sessionKey: 'agent:main:identity' });
    const [user, reply] = history.messages;
    expect(user).toMatchObject({ role: 'user', __openclaw: { id: user!.messageId, seq: user!.seq, runId: 'ident-1', idempotencyKey: 'ident-1' } });
    expect(reply).toMatchObject({ role: 'assistant', __openclaw: { id: reply!.messageId, seq: reply!.seq, runId: 'ident-1' } });
    expect(reply!.__openclaw!.idempotencyKey).toBeUndefined();
    await expect.poll(() => events.filter((e) => e.event === 'session.message').length).toBe(2);
    expect(events.filter((e) => e.event === 'session.message').map((e) => e.payload.message.__openclaw)).toEqual([user!.__openclaw, reply!.__openclaw]);
    await expect.poll(() => events.find((e) => e.event === 'chat' && e.payload.state === 'final')?.payload.message.__openclaw).toEqual(reply!.__openclaw);
  });

  it('sessions.subscribe with list params returns the first page', async () => {
    const r = await c.call('sessions.subscribe', { includeGlobal: true, limit: 10 });
    expect(r.subscribed).toBe(true);
    expect(r.list?.sessions.map((s) => s.key)).toContain('agent:main:main');
  });
});

describe('sessions.describe, chat.startup, chat.metadata, models.authStatus', () => {
  it('describes one session, or null for an unknown one', async () => {
    const d = await c.call('sessions.describe', { key: 'agent:main:main', includeDerivedTitles: true, includeLastMessage: true });
    expect(d.session).toMatchObject({ key: 'agent:main:main', derivedTitle: 'hello watcher', lastMessagePreview: 'echo: after unsubscribe' });
    expect(await c.call('sessions.describe', { key: 'nothing-here' })).toEqual({ key: 'agent:main:nothing-here', session: null });
  });

  it("a reply's final event names the transcript entry it was recorded as", async () => {
    const final = new Promise<any>((resolve) => {
      const off = c.on((event, p: any) => {
        if (event === 'chat' && p.runId === 'final-id' && p.state === 'final') {
          off();
          resolve(p);
        }
      });
    });
    await c.call('chat.send', { sessionKey: 'agent:main:ids', message: 'who am I', idempotencyKey: 'final-id' });
    const f = await final;
    const last = (await c.call('chat.history', { sessionKey: 'agent:main:ids' })).messages.at(-1)!;
    expect(f.message).toMatchObject({ messageId: last.messageId, seq: last.seq, content: [{ text: 'echo: who am I' }] });
  });

  it('chat.startup opens a chat: history, session row and defaults in one answer', async () => {
    const r = await c.call('chat.startup', { sessionKey: 'agent:main:main', limit: 80, maxBytes: 262_144 });
    expect(r.messages.at(-1)).toMatchObject({ role: 'assistant', content: [{ text: 'echo: after unsubscribe' }] });
    expect(r.sessionInfo).toMatchObject({ key: 'agent:main:main', running: false });
    expect(r.defaults).toEqual({ defaultAgentId: 'main', agentId: 'main', mainKey: 'main', mainSessionKey: 'agent:main:main', scope: 'per-sender', modelProvider: 'fake', model: 'small', modelSelectionTarget: 'session' });
    const fresh = await c.call('chat.startup', { sessionKey: 'agent:work:new' });
    expect(fresh).toMatchObject({ sessionId: null, messages: [], defaults: { agentId: 'work', modelProvider: 'local', model: 'tiny' } });
    expect(fresh.sessionInfo).toBeUndefined();
  });

  it('chat.metadata offers the configured models and the reset commands', async () => {
    const r = await c.call('chat.metadata', { agentId: 'main', sessionKey: 'agent:main:main' });
    expect(r.models).toEqual([
      { id: 'small', name: 'Small', provider: 'fake', ref: 'fake/small' },
      { id: 'tiny', name: 'tiny', provider: 'local', ref: 'local/tiny' },
    ]);
    expect(r.commands.map((x) => x.name)).toEqual(['/new', '/reset']);
    expect(r.swarmEnabled).toBe(false);
  });

  it('models.authStatus tells a provider with a key from one without', async () => {
    const r = await c.call('models.authStatus', { agentId: 'main' });
    expect(r.providers.map((p) => [p.provider, p.status])).toEqual([
      ['fake', 'static'],
      ['local', 'missing'],
    ]);
  });

  it('health lists each agent\'s most recent sessions and where they are kept (the reference CLI prints them)', async () => {
    // Health answers from a cache the store refreshes in the background.
    await expect.poll(async () => (await c.call('health', {})).agents.find((a) => a.agentId === 'main')?.sessions.recent.map((r) => r.key) ?? [], { timeout: 10_000 }).toContain('agent:main:main');
    const h = await c.call('health', {});
    expect(h.sessions).toMatchObject({ count: expect.any(Number), path: expect.stringContaining(t.state.stateDir) });
    expect(h.sessions!.recent[0]).toMatchObject({ key: expect.any(String), updatedAt: expect.any(Number), age: expect.any(Number) });
  });

  it('system.info reports this host and process, for admins only', async () => {
    const info = await c.call('system.info', {});
    expect(info).toMatchObject({ pid: process.pid, nodeVersion: process.version, port: Number(new URL(t.url).port), diskPath: t.state.stateDir });
    expect(info.cpuCount).toBeGreaterThan(0);
    expect(info.processMemory.rssBytes).toBeGreaterThan(0);
    expect(info.diskAvailableBytes).toBeGreaterThan(0);
    const reader = await t.operator({ scopes: ['operator.read'] });
    await expect(reader.call('system.info', {})).rejects.toThrow(/operator.admin/);
  });

  it('hello advertises the new methods', async () => {
    const probe = await t.operator();
    expect(probe.hello.features.methods).toEqual(expect.arrayContaining(['agents.list', 'agent.identity.get', 'chat.startup', 'chat.metadata', 'sessions.subscribe', 'sessions.messages.subscribe', 'sessions.describe', 'models.authStatus', 'system.info']));
    expect(probe.hello.features.methods).toEqual(expect.arrayContaining(['cron.list', 'cron.status', 'cron.runs', 'cron.add', 'cron.update', 'cron.remove', 'cron.run']));
  });
});
