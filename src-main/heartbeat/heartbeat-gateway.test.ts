import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_DEFAULT_SCOPES, type MethodResult } from '../../src-shared/protocol/index.js';
import { GatewayClient } from '../cli/gateway-client.js';
import { startGateway, type RunningGateway } from '../gateway/start.js';
import { configureLogging } from '../logging/index.js';
import { generateDeviceKeys } from '../nodes/device-keys.js';
import { openSqliteStore } from '../store/sqlite-store.js';
import { FakeOpenAIServer } from '../../test-support/fake-openai.js';
import { lastUserText, type ScriptedReply } from '../../test-support/fake-model-script.js';
import { FakeTelegram } from '../../test-support/fake-telegram/fake-telegram.js';
import { runCli } from '../../test-support/gateway.js';
import { makeTempState, type TempState } from '../../test-support/state-dir.js';
import { Waiters } from '../../test-support/wait-until.js';

type Beat = NonNullable<MethodResult<'last-heartbeat'>>;
const ADA = 1001;
const TOKEN = 'heartbeat-test-token';
const CHECKLIST = '# Heartbeat\n- Remind Ada to water the plants on Sundays';
const MODEL = { providers: { local: { baseUrl: '', apiKey: 'x', api: 'openai-completions', models: [{ id: 'echo', contextWindow: 100_000, maxTokens: 500 }] } } };

/** A gateway with the fake model and the fake Bot API, and the heartbeat events its operator connection hears. */
class BeatGateway {
  gw!: RunningGateway;
  op!: GatewayClient;
  readonly beats: Beat[] = [];
  private readonly changed = new Waiters();
  constructor(private readonly state: TempState) {}

  async start() {
    this.gw = await startGateway({ port: 0, env: this.state.env });
    this.op = await GatewayClient.connect({ url: this.gw.wsUrl, token: TOKEN, device: generateDeviceKeys(), scopes: [...CLI_DEFAULT_SCOPES] });
    this.op.on((name, payload) => {
      if (name !== 'heartbeat') return;
      this.beats.push(payload as Beat);
      this.changed.notify();
    });
  }
  async stop() {
    this.op.close();
    await this.gw.close('test restart');
  }
  /** The first heartbeat event from index `from` on that matches. */
  next(what: string, pred: (b: Beat) => boolean, from = 0, timeoutMs = 20_000): Promise<Beat> {
    return this.changed.until(() => this.beats.slice(from).find(pred), timeoutMs, what);
  }
}

function heartbeatWorkspace(state: TempState, text: string) {
  const ws = join(state.stateDir, 'workspace');
  mkdirSync(ws, { recursive: true });
  writeFileSync(join(ws, 'HEARTBEAT.md'), text);
}

/** "Every second the agent looks at HEARTBEAT.md; it stays quiet with HEARTBEAT_OK and writes to Ada's Telegram chat otherwise." */
describe('agent heartbeats through a running gateway', () => {
  let model: FakeOpenAIServer;
  let telegram: FakeTelegram;
  let state: TempState;
  let g: BeatGateway;
  /** What the model answers a heartbeat with, and every heartbeat message it was sent. */
  let beatReply: ScriptedReply = { text: 'HEARTBEAT_OK' };
  let chatReply: (text: string) => ScriptedReply = (text) => ({ text: `You said: ${text}` });
  const prompts: string[] = [];
  /** The main session's transcript as [role, text] pairs. */
  const mainHistory = async () => {
    const history = await g.op.call<{ messages: { role: string; content: { type: string; text?: string }[] }[] }>('chat.history', { sessionKey: 'agent:main:main' });
    return history.messages.map((m) => [m.role, m.content.map((c) => c.text ?? '').join('')]);
  };

  beforeAll(async () => {
    model = new FakeOpenAIServer({
      script: (req) => {
        const text = lastUserText(req);
        if (!text.includes('HEARTBEAT.md')) return chatReply(text);
        prompts.push(text);
        return beatReply;
      },
    });
    await model.start();
    telegram = await FakeTelegram.start();
    telegram.api.addUser({ id: ADA, first_name: 'Ada', username: 'ada' });
    state = makeTempState({
      gateway: { auth: { mode: 'token', token: TOKEN } },
      models: { providers: { local: { ...MODEL.providers.local, baseUrl: `${model.baseUrl}/v1` } } },
      agents: { defaults: { model: { primary: 'local/echo' }, heartbeat: { every: '1s' } } },
      channels: { telegram: { botToken: telegram.token, apiRoot: telegram.apiRoot, dmPolicy: 'allowlist', allowFrom: [String(ADA)], livenessMs: 3000 } },
    });
    heartbeatWorkspace(state, CHECKLIST);
    configureLogging({ file: state.logFile, console: false });
    g = new BeatGateway(state);
    await g.start();
  }, 60_000);
  afterAll(async () => {
    await g?.stop().catch(() => undefined);
    await telegram?.close();
    await model?.close();
    state?.cleanup();
  });

  it('health reports the configured cadence in the reference shape', async () => {
    const health = await g.op.call<MethodResult<'health'>>('health', {});
    expect(health.heartbeatSeconds).toBe(1);
    expect(health.agents[0]!.heartbeat).toMatchObject({ enabled: true, every: '1s', everyMs: 1000, target: 'last', ackMaxChars: 300, prompt: expect.stringContaining('HEARTBEAT_OK') });
  });

  it('before anyone has written to the agent, a heartbeat is skipped for want of a route, and last-heartbeat says so', async () => {
    const beat = await g.next('a no-route heartbeat', (b) => b.reason === 'no-route');
    expect(beat).toMatchObject({ status: 'skipped', reason: 'no-route', agentId: 'main', message: expect.stringContaining('Message your bot once') });
    expect(await g.op.call<Beat | null>('last-heartbeat', {})).toMatchObject({ status: 'skipped' });
  });

  it('a HEARTBEAT_OK reply, whose prompt carried HEARTBEAT.md, is recorded as ok-token and not sent to the chat', async () => {
    await telegram.post({ chat: ADA, from: ADA, text: 'hello bot' });
    await telegram.waitUntil(() => (telegram.api.sentTo(ADA).some((m) => m.text?.includes('You said: hello bot')) ? true : undefined), 15_000, 'the reply to Ada');
    // A client watching the main session sees nothing of a quiet poll: no streamed text, no final message.
    const watched: unknown[] = [];
    const unwatch = g.op.on((event, payload) => {
      if ((event === 'chat' || event === 'agent') && (payload as { sessionKey?: string }).sessionKey === 'agent:main:main') watched.push(payload);
    });
    const from = g.beats.length;
    const ok = await g.next('an ok-token heartbeat', (b) => b.status === 'ok-token', from);
    unwatch();
    expect(JSON.stringify(watched)).not.toContain('HEARTBEAT_OK');
    expect(ok).toMatchObject({ agentId: 'main', indicatorType: 'ok', durationMs: expect.any(Number) });
    expect(prompts.at(-1)).toContain('Remind Ada to water the plants on Sundays');
    expect(prompts.at(-1)).toContain('reply HEARTBEAT_OK');
    expect(telegram.api.sentTo(ADA).some((m) => m.text?.includes('HEARTBEAT_OK'))).toBe(false);
    // An acknowledged poll leaves no trace in the main session's transcript.
    expect(await mainHistory()).toEqual([]);
  });

  it('any other reply goes to the Telegram chat that last talked to the agent, and last-heartbeat returns that event', async () => {
    beatReply = { text: 'It is Sunday: time to water the plants!' };
    const from = g.beats.length;
    const sent = await g.next('a sent heartbeat', (b) => b.status === 'sent', from);
    expect(sent).toMatchObject({ to: String(ADA), channel: 'telegram', preview: 'It is Sunday: time to water the plants!', indicatorType: 'alert', agentId: 'main' });
    await telegram.waitUntil(() => (telegram.api.sentTo(ADA).some((m) => m.text?.includes('time to water the plants')) ? true : undefined), 15_000, 'the heartbeat in Ada\'s chat');
    // The turn ran in the agent's main session, and the poll is kept there with its reply.
    expect((await mainHistory()).slice(0, 2)).toEqual([
      ['user', expect.stringContaining('Remind Ada to water the plants')],
      ['assistant', 'It is Sunday: time to water the plants!'],
    ]);
    beatReply = { text: 'HEARTBEAT_OK' };
    const quiet = await g.next('a quiet heartbeat again', (b) => b.status === 'ok-token', g.beats.length);
    expect(await g.op.call<Beat>('last-heartbeat', {})).toMatchObject({ status: expect.stringMatching(/^(ok-token|skipped)$/) });
    expect(quiet.ts).toBeGreaterThanOrEqual(sent.ts);
  });

  it('while the main session is busy with a message, heartbeats are skipped as requests-in-flight', async () => {
    chatReply = (text) => ({ text: `Slowly: ${text}`, delayMs: 2500 });
    const from = g.beats.length;
    const slow = await g.op.call<{ runId: string }>('chat.send', { sessionKey: 'agent:main:main', message: 'take your time', idempotencyKey: 'busy-1' });
    const busy = await g.next('a heartbeat skipped while busy', (b) => b.reason === 'requests-in-flight', from);
    expect(busy).toMatchObject({ status: 'skipped', agentId: 'main' });
    await g.op.call('agent.wait', { runId: slow.runId, timeoutMs: 10_000 });
    chatReply = (text) => ({ text: `You said: ${text}` });
  });

  it('set-heartbeats turns them off and on for admins only', async () => {
    const reader = await GatewayClient.connect({ url: g.gw.wsUrl, token: TOKEN, device: generateDeviceKeys(), scopes: ['operator.read'] });
    try {
      await expect(reader.call('last-heartbeat', {})).resolves.toMatchObject({ agentId: 'main' });
      await expect(reader.call('set-heartbeats', { enabled: false })).rejects.toThrow(/operator.admin/);
    } finally {
      reader.close();
    }
    await expect(g.op.call('set-heartbeats', { enabled: 'no' } as unknown as { enabled: boolean })).rejects.toThrow(/enabled/);
    expect(await g.op.call('set-heartbeats', { enabled: false })).toEqual({ ok: true, enabled: false });
    const before = prompts.length;
    // Absence takes time to show: a turn of 2.5 s in another session spans two intervals. A heartbeat already
    // under way when they were turned off may still reach the model; no new one starts.
    chatReply = (text) => ({ text: `Slowly: ${text}`, delayMs: 2500 });
    const slow = await g.op.call<{ runId: string }>('chat.send', { sessionKey: 'agent:main:probe', message: 'a turn that takes a while', idempotencyKey: 'probe-1' });
    await g.op.call('agent.wait', { runId: slow.runId, timeoutMs: 10_000 });
    chatReply = (text) => ({ text: `You said: ${text}` });
    expect(prompts.length).toBeLessThanOrEqual(before + 1);
    expect(await g.op.call('set-heartbeats', { enabled: true })).toEqual({ ok: true, enabled: true });
    await g.next('a heartbeat after turning them on', (b) => b.status === 'ok-token', g.beats.length);
  });
});

/** "The gateway was down when a heartbeat was due: it runs once at start, and a restart right after does not run it again." */
describe('heartbeats across restarts', () => {
  let model: FakeOpenAIServer;
  let state: TempState;
  let g: BeatGateway;
  let beatsAsked = 0;

  beforeAll(async () => {
    model = new FakeOpenAIServer({
      script: (req) => {
        if (lastUserText(req).includes('HEARTBEAT.md')) beatsAsked++;
        return { text: 'HEARTBEAT_OK' };
      },
    });
    await model.start();
    state = makeTempState({
      gateway: { auth: { mode: 'token', token: TOKEN } },
      models: { providers: { local: { ...MODEL.providers.local, baseUrl: `${model.baseUrl}/v1` } } },
      agents: { defaults: { model: { primary: 'local/echo' }, heartbeat: { every: '1h', target: 'none' } } },
    });
    heartbeatWorkspace(state, CHECKLIST);
    configureLogging({ file: state.logFile, console: false });
    g = new BeatGateway(state);
  }, 60_000);
  afterAll(async () => {
    await g?.stop().catch(() => undefined);
    await model?.close();
    state?.cleanup();
  });

  it('runs a missed heartbeat once, never twice over a restart, and remembers the last outcome', async () => {
    await g.start();
    expect(await g.op.call('last-heartbeat', {})).toBeNull();
    await g.stop();
    // The gateway was away when the heartbeat came due (three hours ago).
    const store = openSqliteStore(join(state.stateDir, 'state', 'openclaw.sqlite'));
    try {
      const due = JSON.parse((await store.getMeta('heartbeat.agent.main'))!) as { nextDueAtMs: number };
      expect(due.nextDueAtMs).toBeGreaterThan(Date.now() + 3_500_000);
      await store.setMeta('heartbeat.agent.main', JSON.stringify({ nextDueAtMs: Date.now() - 3 * 3_600_000 }));
    } finally {
      await store.close();
    }
    await g.start();
    const beat = await g.op.call<Beat | null>('last-heartbeat', {}).then((b) => b ?? g.next('the missed heartbeat', (x) => x.status === 'ok-token'));
    expect(beat).toMatchObject({ status: 'ok-token', agentId: 'main' });
    await g.gw.queueIdle();
    expect(beatsAsked).toBe(1);
    await g.stop();
    await g.start();
    expect(await g.op.call('last-heartbeat', {})).toEqual(beat);
    await g.gw.queueIdle();
    expect(beatsAsked).toBe(1);
    const health = await g.op.call<MethodResult<'health'>>('health', {});
    expect(health.heartbeatSeconds).toBe(3600);
    // The CLI reads the same: `openclaw system heartbeat last` prints the gateway's answer as JSON.
    const last = await runCli(['system', 'heartbeat', 'last'], { ...state.env, OPENCLAW_GATEWAY_PORT: String(g.gw.port), OPENCLAW_GATEWAY_TOKEN: TOKEN });
    expect(last.code, last.stderr).toBe(0);
    expect(JSON.parse(last.stdout)).toEqual(beat);
  });
});
