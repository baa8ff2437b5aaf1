import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChannelPlugin } from '../../src-shared/domain/channel.js';
import { CLI_DEFAULT_SCOPES } from '../../src-shared/protocol/index.js';
import { FakeOpenAIServer } from '../../test-support/fake-openai.js';
import { FaultProxy } from '../../test-support/fault-proxy.js';
import { REPO_ROOT } from '../../test-support/gateway.js';
import { postgresUnavailableReason, startTestPostgres, type TestPostgres } from '../../test-support/postgres.js';
import { makeTempState, type TempState } from '../../test-support/state-dir.js';
import { GatewayClient } from '../cli/gateway-client.js';
import { configureLogging } from '../logging/index.js';
import { generateDeviceKeys } from '../nodes/device-keys.js';
import { startGateway } from './start.js';

const unavailable = postgresUnavailableReason();
const token = 'pg-gateway-token-0123456789';
const pluginDir = join(REPO_ROOT, 'extensions', 'storage-postgres');

/** The plugin as the gateway loads it: its built entry, built from the current source the way build:node does. */
async function ensurePluginBuilt(): Promise<void> {
  await build({ entryPoints: { index: join(pluginDir, 'src', 'index.ts') }, outdir: join(pluginDir, 'dist'), bundle: true, packages: 'external', platform: 'node', format: 'esm', target: 'node20', logLevel: 'warning' });
}

describe.skipIf(unavailable !== undefined)(`a gateway on PostgreSQL${unavailable ? ` (skipped: ${unavailable})` : ''}`, () => {
  let pg: TestPostgres;
  let model: FakeOpenAIServer;
  let state: TempState;
  const config = (url: string) => ({
    gateway: { auth: { mode: 'token', token } },
    storage: { backend: 'postgres', postgres: { url, poolSize: 4 } },
    models: { providers: { local: { baseUrl: '', apiKey: 'sk-local-test', api: 'openai-completions', models: [{ id: 'fake', contextWindow: 32_000, maxTokens: 1000 }] } } },
    agents: { defaults: { model: { primary: 'local/fake' } }, entries: { main: { default: true } } },
  });
  const withModel = (c: ReturnType<typeof config>) => ({ ...c, models: { providers: { local: { ...c.models.providers.local, baseUrl: `${model.baseUrl}/v1` } } } });

  beforeAll(async () => {
    await ensurePluginBuilt();
    pg = await startTestPostgres();
    await pg.createDatabase('gateway');
    model = new FakeOpenAIServer({ script: () => ({ text: 'stored in postgres' }) });
    await model.start();
    state = makeTempState(withModel(config(pg.url('gateway'))));
    configureLogging({ file: state.logFile, console: false });
  }, 120_000);
  afterAll(async () => {
    await model?.close();
    await pg?.stop();
    state?.cleanup();
  }, 60_000);

  it('answers a chat turn, restarts, and still has the session and its transcript', async () => {
    const device = generateDeviceKeys();
    const first = await startGateway({ port: 0, env: state.env });
    try {
      const c = await GatewayClient.connect({ url: first.wsUrl, token, device, scopes: [...CLI_DEFAULT_SCOPES] });
      const final = new Promise<any>((resolve) => c.on((event, p: any) => event === 'chat' && p.state === 'final' && resolve(p)));
      await expect(c.call('chat.send', { sessionKey: 'agent:main:main', message: 'remember me', idempotencyKey: 'pg-turn-1' })).resolves.toMatchObject({ status: 'started' });
      expect((await final).message.content[0].text).toBe('stored in postgres');
      c.close();
    } finally {
      await first.close('restart');
    }

    const second = await startGateway({ port: 0, env: state.env });
    try {
      const c = await GatewayClient.connect({ url: second.wsUrl, token, device, scopes: [...CLI_DEFAULT_SCOPES] });
      const h = await c.call<any>('chat.history', { sessionKey: 'agent:main:main', limit: 10 });
      expect(h.messages.map((m: any) => [m.role, m.content[0].text])).toEqual([
        ['user', 'remember me'],
        ['assistant', 'stored in postgres'],
      ]);
      const list = await c.call<any>('sessions.list', {});
      expect(list.sessions.map((s: any) => s.key ?? s.sessionKey)).toContain('agent:main:main');
      // The idempotency key is remembered across the restart: the turn is not run again.
      await expect(c.call('chat.send', { sessionKey: 'agent:main:main', message: 'remember me', idempotencyKey: 'pg-turn-1' })).resolves.toMatchObject({ runId: 'pg-turn-1' });
      const status = await c.call<any>('status', {});
      expect(JSON.stringify(status)).not.toContain(pg.password);
      c.close();
    } finally {
      await second.close('test done');
    }
  }, 60_000);

  it('loses nothing it accepted when the database restarts in the middle of a burst', async () => {
    await pg.createDatabase('restart');
    const s = makeTempState(withModel(config(pg.url('restart'))));
    const gw = await startGateway({ port: 0, env: s.env });
    try {
      const c = await GatewayClient.connect({ url: gw.wsUrl, token, device: generateDeviceKeys(), scopes: [...CLI_DEFAULT_SCOPES] });
      let finals = 0;
      const someDone = new Promise<void>((resolve) => c.on((event, p: any) => event === 'chat' && p.state === 'final' && ++finals === 20 && resolve()));
      const TOTAL = 120;
      const send = (i: number) => c.call('chat.send', { sessionKey: `agent:main:r${i % 12}`, message: `burst ${i}`, idempotencyKey: `burst-${i}` });
      const first = await Promise.allSettled(Array.from({ length: TOTAL }, (_, i) => send(i)));
      expect(first.every((r) => r.status === 'fulfilled')).toBe(true);
      await someDone;
      // The server goes down mid-burst and comes back: turns in flight cannot record, new sends are refused as UNAVAILABLE.
      await pg.kill();
      const during = await send(TOTAL).then(
        () => 'accepted',
        (err: unknown) => (err as { code?: string }).code,
      );
      expect(during).toBe('UNAVAILABLE');
      await pg.start();
      // The refused one is sent again by its client (same idempotency key); everything accepted is answered once.
      await expect(send(TOTAL)).resolves.toMatchObject({ runId: `burst-${TOTAL}` });
      const outcomes = await Promise.all(Array.from({ length: TOTAL + 1 }, (_, i) => c.call<any>('agent.wait', { runId: `burst-${i}`, timeoutMs: 60_000 }, { timeoutMs: 70_000 })));
      expect(outcomes.filter((o) => o.status !== 'ok')).toEqual([]);
      const users = new Map<string, number>();
      for (let k = 0; k < 12; k++) {
        const h = await c.call<any>('chat.history', { sessionKey: `agent:main:r${k}`, limit: 1000 });
        for (const m of h.messages) if (m.role === 'user') users.set(m.content[0].text, (users.get(m.content[0].text) ?? 0) + 1);
        expect(h.messages.filter((m: any) => m.role === 'assistant').length).toBe(h.messages.filter((m: any) => m.role === 'user').length);
      }
      expect(users.size).toBe(TOTAL + 1);
      expect([...users.values()].every((n) => n === 1)).toBe(true);
      c.close();
    } finally {
      await gw.close('test done');
      s.cleanup();
    }
  }, 120_000);

  it('fences: a primary cut off from the database stops its channels before the standby can start them', async () => {
    await pg.createDatabase('fencing');
    const proxy = await new FaultProxy(pg.port).start();
    const events: { who: string; what: 'start' | 'stop'; at: number }[] = [];
    let heard: () => void = () => undefined;
    const recording = (who: string): ChannelPlugin => ({
      id: 'telegram',
      label: 'Telegram',
      capabilities: { textLimit: 4096, format: 'plain', media: false, threads: false, livenessMs: 60_000 },
      checkConfig: () => ({ ok: true }),
      create: () => ({
        start: async () => void (events.push({ who, what: 'start', at: Date.now() }), heard()),
        stop: async () => void (events.push({ who, what: 'stop', at: Date.now() }), heard()),
        send: async () => ({ messageId: '1' }),
      }),
    });
    const until = (pred: () => boolean, ms: number, what: string) =>
      new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}: ${JSON.stringify(events)}`)), ms);
        heard = () => pred() && (clearTimeout(timer), resolve());
        heard();
      });
    const channels = { telegram: { botToken: '123456:test-token' } };
    // A reaches the database through the proxy; B directly.
    const stateA = makeTempState({ ...withModel(config(`postgres://${pg.user}:${pg.password}@127.0.0.1:${proxy.port}/fencing`)), channels });
    const stateB = makeTempState({ ...withModel(config(pg.url('fencing'))), channels });
    const a = await startGateway({ port: 0, env: stateA.env, channelPlugins: [recording('a')] });
    let b: Awaited<ReturnType<typeof startGateway>> | undefined;
    try {
      await until(() => events.some((e) => e.who === 'a' && e.what === 'start'), 10_000, 'a to run the channel');
      b = await startGateway({ port: 0, env: stateB.env, channelPlugins: [recording('b')] });
      // The cable is cut: nothing passes, nobody is told. The server would notice after its keep-alive (about 5 s).
      const cutAt = Date.now();
      proxy.partition();
      await until(() => events.some((e) => e.who === 'a' && e.what === 'stop'), 10_000, 'a to stop its channel');
      const stoppedAfterMs = events.find((e) => e.who === 'a' && e.what === 'stop')!.at - cutAt;
      expect(stoppedAfterMs).toBeLessThan(5000);
      expect(events.some((e) => e.who === 'b' && e.what === 'start')).toBe(false);
      // Now the server gives up on A's connections, freeing the lease: B takes the channel over.
      proxy.closeServerSide();
      await until(() => events.some((e) => e.who === 'b' && e.what === 'start'), 10_000, 'b to take the channel over');
      const aStop = events.find((e) => e.who === 'a' && e.what === 'stop')!.at;
      const bStart = events.find((e) => e.who === 'b' && e.what === 'start')!.at;
      expect(aStop).toBeLessThan(bStart);
    } finally {
      await proxy.close();
      await b?.close('test done');
      await a.close('test done');
      stateA.cleanup();
      stateB.cleanup();
    }
  }, 60_000);

  it('refuses to start with the reason when PostgreSQL refuses the password', async () => {
    const bad = makeTempState(withModel(config(`postgres://${pg.user}:not-the-password@127.0.0.1:${pg.port}/gateway`)));
    try {
      await expect(startGateway({ port: 0, env: bad.env })).rejects.toThrow(/cannot open the postgres state store: PostgreSQL at 127\.0\.0\.1:\d+ refused the password for user "openclaw_test"/);
    } finally {
      bad.cleanup();
    }
  });

  it('runs the chat channels on one gateway only; the other takes them over when the first stops', async () => {
    await pg.createDatabase('shared');
    /** A Telegram stand-in that reports when an adapter starts on a gateway. */
    const recording = (gateway: string, started: (who: string) => void): ChannelPlugin => ({
      id: 'telegram',
      label: 'Telegram',
      capabilities: { textLimit: 4096, format: 'plain', media: false, threads: false, livenessMs: 60_000 },
      checkConfig: () => ({ ok: true }),
      create: () => ({ start: async () => started(gateway), stop: async () => undefined, send: async () => ({ messageId: '1' }) }),
    });
    const shared = { ...withModel(config(pg.url('shared'))), channels: { telegram: { botToken: '123456:test-token' } } };
    const stateA = makeTempState(shared);
    const stateB = makeTempState(shared);
    const started: string[] = [];
    let onStart: (who: string) => void = () => undefined;
    const record = (who: string) => {
      started.push(who);
      onStart(who);
    };
    const next = () => new Promise<string>((resolve) => (onStart = resolve));
    try {
      const firstStart = next();
      const a = await startGateway({ port: 0, env: stateA.env, channelPlugins: [recording('a', record)] });
      expect(await firstStart).toBe('a');
      const b = await startGateway({ port: 0, env: stateB.env, channelPlugins: [recording('b', record)] });
      try {
        expect(started).toEqual(['a']); // b is up, standing by
        const takeover = next();
        await a.close('failover');
        expect(await takeover).toBe('b');
        expect(started).toEqual(['a', 'b']);
      } finally {
        await b.close('test done');
      }
    } finally {
      stateA.cleanup();
      stateB.cleanup();
    }
  }, 60_000);

  it('runs scheduled jobs on the gateway holding the channels lease: a job added through the other runs once; the other takes over', async () => {
    await pg.createDatabase('cron');
    const shared = withModel(config(pg.url('cron')));
    const stateA = makeTempState(shared);
    const stateB = makeTempState(shared);
    const connect = (url: string) => GatewayClient.connect({ url, token, device: generateDeviceKeys(), scopes: [...CLI_DEFAULT_SCOPES] });
    try {
      const a = await startGateway({ port: 0, env: stateA.env });
      const ca = await connect(a.wsUrl);
      await expect.poll(async () => (await ca.call('cron.status', {})).scheduler, { timeout: 10_000 }).toBe('running');
      const b = await startGateway({ port: 0, env: stateB.env });
      const cb = await connect(b.wsUrl);
      try {
        expect((await cb.call('cron.status', {})).scheduler).toBe('standby');
        const job = await cb.call('cron.add', { name: 'pg', schedule: { kind: 'every', everyMs: 1500 }, payload: { kind: 'agentTurn', message: 'from the standby' } });
        // The holder hears of the job through the database and runs it when due; both gateways' clients hear it finish.
        const heard = new Promise((resolve) => cb.on((e, p) => e === 'cron' && (p as { action?: string }).action === 'finished' && resolve(p)));
        await heard;
        await cb.call('cron.update', { id: job.id, patch: { enabled: false } });
        const runs = await cb.call('cron.runs', { id: job.id });
        expect(runs.entries[0]).toMatchObject({ status: 'ok', summary: 'stored in postgres', trigger: 'schedule' });
        // Every occurrence once: no run id twice, and each scheduled time once.
        expect(new Set(runs.entries.map((e) => e.runId)).size).toBe(runs.entries.length);
        ca.close();
        await a.close('failover');
        await expect.poll(async () => (await cb.call('cron.status', {})).scheduler, { timeout: 20_000 }).toBe('running');
      } finally {
        cb.close();
        await b.close('test done');
      }
    } finally {
      stateA.cleanup();
      stateB.cleanup();
    }
  }, 90_000);
});
