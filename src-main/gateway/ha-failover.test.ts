import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_DEFAULT_SCOPES } from '../../src-shared/protocol/index.js';
import { echoScript } from '../../test-support/fake-model-script.js';
import { FakeOpenAIServer } from '../../test-support/fake-openai.js';
import { FakeTelegram } from '../../test-support/fake-telegram/fake-telegram.js';
import { freePort } from '../../test-support/free-port.js';
import { generateDeviceKeys, spawnGateway, type SpawnedGateway } from '../../test-support/gateway.js';
import { haproxyUnavailableReason, startHaproxy, type TestHaproxy } from '../../test-support/haproxy.js';
import { postgresUnavailableReason, startTestPostgres, type TestPostgres } from '../../test-support/postgres.js';
import { makeTempState, type TempState } from '../../test-support/state-dir.js';
import { GatewayClient } from '../cli/gateway-client.js';

const skipReason = postgresUnavailableReason() ?? haproxyUnavailableReason();
const TOKEN = 'ha-failover-token-0123456789';
const USERS = 20;
const PER_USER = 10;

/**
 * High availability, end to end: two gateway processes share one real PostgreSQL behind a real HAProxy,
 * with the fake Telegram Bot API and the fake model. 200 Telegram messages arrive in a burst; the gateway
 * running the channels is killed with SIGKILL in the middle. The other one takes the channel over within
 * 5 s, every message is answered exactly once (no reply sent twice), and clients reconnect through the balancer.
 */
describe.skipIf(skipReason)('two gateways on one PostgreSQL behind HAProxy', () => {
  let pg: TestPostgres;
  let model: FakeOpenAIServer;
  let telegram: FakeTelegram;
  let lb: TestHaproxy | undefined;
  const states: TempState[] = [];
  const gateways: SpawnedGateway[] = [];

  beforeAll(async () => {
    pg = await startTestPostgres();
    await pg.createDatabase('ha');
    model = new FakeOpenAIServer({ script: echoScript, latencyMs: 5 });
    await model.start();
    telegram = await FakeTelegram.start();
    for (let u = 0; u < USERS; u++) telegram.api.addUser({ id: 5000 + u, first_name: `User ${u}` });
  }, 120_000);
  afterAll(async () => {
    for (const g of gateways) if (g.child.exitCode === null && g.child.signalCode === null) g.child.kill('SIGKILL');
    await Promise.all(gateways.map((g) => g.exited));
    await lb?.close();
    await telegram?.close();
    await model?.close();
    await pg?.stop();
    for (const s of states) s.cleanup();
  });

  const connect = (port: number) => GatewayClient.connect({ url: `ws://127.0.0.1:${port}`, token: TOKEN, device: generateDeviceKeys(), scopes: [...CLI_DEFAULT_SCOPES] });
  const clusterOf = async (port: number) => {
    const c = await connect(port);
    try {
      return (await c.call('status', {})).cluster;
    } finally {
      c.close();
    }
  };
  /** Waits for `check` to hold, looking again each time the fake Telegram changes (a call, a sent message). */
  const sentUntil = async (check: () => true | undefined, timeoutMs: number, what: string) => {
    const deadline = Date.now() + timeoutMs;
    while (!check()) {
      if (Date.now() > deadline) {
        // What the gateways said, for whoever reads the failure.
        const said = gateways.map((g) => `gateway pid ${g.child.pid}:\n${g.stdout().slice(-4000)}${g.stderr().slice(-2000)}`).join('\n');
        throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}\n${said}`);
      }
      await telegram.changes.wait(Math.max(1, deadline - Date.now()));
    }
  };
  const roleOf = async (port: number) => (await clusterOf(port))?.role;

  it('survives the death of the gateway running the channels: each message answered once, the standby takes over within 5 s', async () => {
    const config = {
      gateway: { auth: { mode: 'token', token: TOKEN } },
      storage: { backend: 'postgres', postgres: { url: pg.url('ha') } },
      models: { providers: { local: { baseUrl: `${model.baseUrl}/v1`, apiKey: 'x', api: 'openai-completions', models: [{ id: 'echo', contextWindow: 100_000, maxTokens: 500 }] } } },
      agents: { defaults: { model: { primary: 'local/echo' } } },
      channels: { telegram: { botToken: telegram.token, apiRoot: telegram.apiRoot, dmPolicy: 'open', allowFrom: ['*'], livenessMs: 3000 } },
    };
    const ports = [await freePort(), await freePort()];
    for (const port of ports) {
      const s = makeTempState(config);
      states.push(s);
      gateways.push(await spawnGateway(s.env, ['--port', String(port)]));
    }
    lb = await startHaproxy(ports.map((port, i) => ({ name: `gw${i}`, port })));

    // One of them runs the channel; the other stands by; each sees the other alive (they read each other every second).
    let roles: (string | undefined)[] = [];
    for (const deadline = Date.now() + 15_000; Date.now() < deadline; ) {
      const clusters = await Promise.all(ports.map(clusterOf));
      roles = clusters.map((c) => c?.role);
      if (roles.includes('primary') && roles.includes('standby') && clusters.every((c) => c?.peers.length === 1 && c.peers[0]!.alive)) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(roles.sort()).toEqual(['primary', 'standby']);
    const primaryIndex = (await roleOf(ports[0]!)) === 'primary' ? 0 : 1;
    const primary = gateways[primaryIndex]!;
    const standbyPort = ports[1 - primaryIndex]!;

    // A client through the balancer sees the other gateway as a peer.
    const viaLb = await connect(lb.port);
    const st = await viaLb.call('status', {});
    expect(st.cluster?.peers.length).toBe(1);
    expect(st.cluster?.peers[0]?.alive).toBe(true);
    viaLb.close();

    const replies = () => telegram.api.sent.filter((m) => m.method === 'sendMessage');
    const total = USERS * PER_USER;
    const posting = (async () => {
      for (let i = 0; i < PER_USER; i++) {
        await Promise.all(Array.from({ length: USERS }, (_, u) => telegram.post({ chat: 5000 + u, from: 5000 + u, text: `u${u} m${i}` })));
      }
    })();

    // Mid-burst: the primary dies without a word.
    await sentUntil(() => (replies().length >= 60 ? true : undefined), 60_000, '60 replies');
        const killedAt = Date.now();
    primary.child.kill('SIGKILL');
    await primary.exited;
    await posting;

    // The standby takes the channel over (the dead one's lease connection is gone from the server) and answers the rest.
    let takeoverMs = -1;
    for (const deadline = Date.now() + 10_000; Date.now() < deadline; ) {
      if ((await roleOf(standbyPort)) === 'primary') {
        takeoverMs = Date.now() - killedAt;
        break;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(takeoverMs).toBeGreaterThanOrEqual(0);
    expect(takeoverMs).toBeLessThan(5000);
    const sentAtTakeover = replies().length;
    await sentUntil(() => (replies().length > sentAtTakeover ? true : undefined), 20_000, 'a reply from the standby');

    const expected = new Set<string>();
    for (let u = 0; u < USERS; u++) for (let i = 0; i < PER_USER; i++) expected.add(`u${u} m${i}`);
    await sentUntil(
      () => {
        const answered = new Set(replies().map((m) => m.text.replace(/^echo: /, '')));
        return [...expected].every((t) => answered.has(t)) ? true : undefined;
      },
      120_000,
      `all ${total} messages answered`,
    );
    // Each message was answered by exactly one turn: one user entry and one reply per message in the transcripts.
    const viaStandby = await connect(standbyPort);
    for (let u = 0; u < USERS; u++) {
      const h = await viaStandby.call('chat.history', { sessionKey: `agent:main:telegram:direct:${5000 + u}`, limit: 1000 });
      const texts = h.messages.map((m) => `${m.role}:${(m.content as { type: string; text?: string }[]).find((b) => b.type === 'text')?.text}`);
      expect(texts.filter((t) => t.startsWith('user:')).length).toBe(PER_USER);
      expect(texts.filter((t) => t.startsWith('assistant:')).length).toBe(PER_USER);
      expect(new Set(texts).size).toBe(texts.length);
    }
    viaStandby.close();
    // Sending is at least once: a reply handed to Telegram whose success was not recorded (in flight at the
    // instant of the kill, or its answer lost on a loaded machine) goes out again. Never more than twice, and
    // at most a few: one per chat.
    const counts = new Map<string, number>();
    for (const m of replies()) counts.set(m.text, (counts.get(m.text) ?? 0) + 1);
    const twice = [...counts.entries()].filter(([, n]) => n > 1);
    expect(twice.every(([, n]) => n === 2)).toBe(true);
    expect(twice.length).toBeLessThanOrEqual(USERS);
    expect(replies().length).toBe(total + twice.length);

    // Clients reconnect through the balancer (the dead gateway is out of rotation) and see the conversations.
    const again = await connect(lb.port);
    const sessions = await again.call('sessions.list', { limit: 100 });
    expect(sessions.sessions.length).toBe(USERS);
    const after = await again.call('status', {});
    expect(after.cluster?.role).toBe('primary');
    expect(after.cluster?.peers.find((p) => !p.alive)).toBeDefined();
    again.close();
  }, 240_000);
});
