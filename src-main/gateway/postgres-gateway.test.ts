import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChannelPlugin } from '../../src-shared/domain/channel.js';
import { CLI_DEFAULT_SCOPES } from '../../src-shared/protocol/index.js';
import { FakeOpenAIServer } from '../../test-support/fake-openai.js';
import { FaultProxy } from '../../test-support/fault-proxy.js';
import { asChannelPlugin } from '../../test-support/channel-plugin.js';
import { sentText } from '../../test-support/fake-whatsapp/driver.js';
import { FakeWhatsApp } from '../../test-support/fake-whatsapp/fake-whatsapp.js';
import { text } from '../../test-support/fake-whatsapp/messages.js';
import { createWhatsAppChannel } from '../../extensions/whatsapp/src/index.js';
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

  it('lets the standby take WhatsApp over with the linked credentials: no new QR scan', async () => {
    await pg.createDatabase('whatsapp');
    const wa = new FakeWhatsApp();
    const plugin = () => asChannelPlugin(createWhatsAppChannel({ makeSocket: wa.makeSocket, resolveVersion: async () => undefined }));
    const shared = { ...withModel(config(pg.url('whatsapp'))), channels: { whatsapp: {} } };
    const stateA = makeTempState(shared);
    const stateB = makeTempState(shared);
    const a = await startGateway({ port: 0, env: stateA.env, channelPlugins: [plugin()], channelBackoff: { initialMs: 50, maxMs: 200 } });
    let b: Awaited<ReturnType<typeof startGateway>> | undefined;
    const callOn = async <T>(gw: { createLocalClient(): ReturnType<typeof a.createLocalClient> }, method: string, params: unknown = {}) => {
      const r = await gw.createLocalClient().call(method, params);
      if (!r.ok) throw new Error(`${method}: ${r.error.message}`);
      return r.value as T;
    };
    const connectedOn = async (gw: typeof a) => (await callOn<any>(gw, 'channels.status')).channelAccounts.whatsapp?.[0]?.connected === true;
    const until = async (probe: () => Promise<boolean>, what: string) => {
      for (const deadline = Date.now() + 20_000; !(await probe()); ) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
        await new Promise((r) => setTimeout(r, 25));
      }
    };
    try {
      // Linked once, on the gateway that runs the channels.
      await until(async () => (await callOn<any>(a, 'status')).cluster?.role === 'primary', 'a to hold the channels lease');
      await callOn(a, 'web.login.start', {});
      const waiting = callOn<any>(a, 'web.login.wait', { timeoutMs: 10_000 });
      await wa.scanQr();
      expect(await waiting).toMatchObject({ connected: true });
      await until(() => connectedOn(a), 'a connected');
      const qrs = wa.qrShown.length;
      b = await startGateway({ port: 0, env: stateB.env, channelPlugins: [plugin()], channelBackoff: { initialMs: 50, maxMs: 200 } });
      // A goes; B runs WhatsApp from the credentials in the shared store, and answers the owner.
      await a.close('failover');
      await until(() => connectedOn(b!), 'b connected with the stored link');
      expect(wa.qrShown.length).toBe(qrs);
      wa.sendSelf(text('still there?'));
      const [reply] = await wa.waitForSent('15550009999@s.whatsapp.net', 1);
      expect(sentText(reply!)).toBe('stored in postgres');
    } finally {
      await b?.close('test done');
      await a.close('test done');
      wa.close();
      stateA.cleanup();
      stateB.cleanup();
    }
  }, 60_000);

  it('uses one generated token on every gateway sharing the database, so a client is let in by any of them', async () => {
    await pg.createDatabase('token');
    const noToken = () => {
      const c = withModel(config(pg.url('token')));
      return { ...c, gateway: { auth: { mode: 'token' } } };
    };
    const stateA = makeTempState(noToken());
    const stateB = makeTempState(noToken());
    const a = await startGateway({ port: 0, env: stateA.env });
    const b = await startGateway({ port: 0, env: stateB.env });
    try {
      const tokenA = readFileSync(a.tokenPath!, 'utf8').trim();
      // B had generated its own before it saw the database; it now uses (and keeps on file) A's.
      expect(readFileSync(b.tokenPath!, 'utf8').trim()).toBe(tokenA);
      const c = await GatewayClient.connect({ url: b.wsUrl, token: tokenA, device: generateDeviceKeys(), scopes: [...CLI_DEFAULT_SCOPES] });
      expect((await c.call<any>('health', {})).ok).toBeDefined();
      c.close();
    } finally {
      await b.close('test done');
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
        // An occurrence due while the first run still goes (a slow machine) finishes as skipped: the first ok one is awaited.
        const heard = new Promise<{ runId: string }>((resolve) =>
          cb.on((e, p) => e === 'cron' && (p as { action?: string; status?: string }).action === 'finished' && (p as { status?: string }).status === 'ok' && resolve(p as { runId: string })),
        );
        const { runId } = await heard;
        await cb.call('cron.update', { id: job.id, patch: { enabled: false } });
        const runs = await cb.call('cron.runs', { id: job.id });
        // The run heard of (later ones may have started meanwhile).
        expect(runs.entries.find((e) => e.runId === runId)).toMatchObject({ status: 'ok', summary: 'stored in postgres', trigger: 'schedule' });
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

  it('runs heartbeats on the gateway holding the channels lease; the other takes them over, from the due times in the database', async () => {
    await pg.createDatabase('beat');
    const base = withModel(config(pg.url('beat')));
    const shared = { ...base, agents: { ...base.agents, defaults: { ...base.agents.defaults, heartbeat: { every: '1s', target: 'none' } } } };
    const stateA = makeTempState(shared);
    const stateB = makeTempState(shared);
    const connect = (url: string) => GatewayClient.connect({ url, token, device: generateDeviceKeys(), scopes: [...CLI_DEFAULT_SCOPES] });
    type Beat = { ts: number; status: string; reason?: string; preview?: string; agentId?: string };
    // A heartbeat whose turn ran (the model's reply is not HEARTBEAT_OK, and target none keeps it from any chat).
    const beatAfter = (c: GatewayClient, afterMs: number) =>
      new Promise<Beat>((resolve) => c.on((e, p) => e === 'heartbeat' && (p as Beat).ts > afterMs && (p as Beat).preview !== undefined && resolve(p as Beat)));
    try {
      const a = await startGateway({ port: 0, env: stateA.env });
      const ca = await connect(a.wsUrl);
      expect(await beatAfter(ca, 0)).toMatchObject({ status: 'skipped', reason: 'target-none', preview: 'stored in postgres', agentId: 'main' });
      const b = await startGateway({ port: 0, env: stateB.env });
      const cb = await connect(b.wsUrl);
      try {
        ca.close();
        await a.close('failover');
        const closedAt = Date.now();
        // The standby takes the lease, and with it the heartbeats.
        expect(await beatAfter(cb, closedAt)).toMatchObject({ agentId: 'main' });
        expect(await cb.call('last-heartbeat', {})).toMatchObject({ agentId: 'main' });
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
