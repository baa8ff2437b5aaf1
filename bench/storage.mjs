// Storage and high availability, with the instant fake model (bench/results/storage.json):
//  - turns/s with 8 sessions in closed loop: the OpenAI SDK alone against the fake (the floor a turn
//    cannot beat), the SDK alone sending the gateway's own request (its system prompt, tool schemas and
//    the session's history, taken from the middle of the SQLite run: what the model call itself costs at
//    that size), a gateway on SQLite, a gateway on PostgreSQL, and two gateways sharing PostgreSQL
//    (4 sessions through each; their combined rate)
//  - failover: two gateways on PostgreSQL with the fake Telegram; the one running the channel is killed
//    with SIGKILL and a Telegram message is posted at once; time to its reply from the other, p50 of 5 runs
//
//   node scripts/build-node.mjs && node bench/run.mjs storage [--quick]
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import OpenAI from 'openai';
import { buildBenchFixtures } from './build-fixtures.mjs';
import { turnClient } from './pipeline.mjs';
import { ROOT, connect, freePort, loadTs, median, spawnGateway, tempState } from './lib.mjs';

const round = (n, d = 1) => Math.round(n * 10 ** d) / 10 ** d;
const SESSIONS = 8;

const loadPostgres = async () => (await loadTs({ postgres: 'test-support/postgres.ts' })).postgres;

function configFor(s, modelUrl, extra = {}) {
  return {
    gateway: { auth: { mode: 'token', token: s.token } },
    logging: { file: join(s.dir, 'gateway.log'), level: 'warn' },
    models: { providers: { fake: { baseUrl: `${modelUrl}/v1`, apiKey: 'x', api: 'openai-completions', models: [{ id: 'instant', contextWindow: 128000, maxTokens: 256 }] } } },
    agents: { defaults: { model: { primary: 'fake/instant' } } },
    ...extra,
  };
}

async function startGateway(s, config) {
  writeFileSync(join(s.stateDir, 'openclaw.json'), JSON.stringify(config));
  const port = await freePort();
  const child = spawnGateway(s.env, port);
  const c = await connect(`ws://127.0.0.1:${port}`, s.token, { retryUntil: Date.now() + 30_000 });
  return { child, port, c };
}

async function stop(g) {
  g.c.close();
  if (g.child.exitCode === null && g.child.signalCode === null) {
    g.child.kill('SIGTERM');
    await once(g.child, 'exit');
  }
}

/** 8 sessions in closed loop for `durationMs`, spread over the given turn functions; turns per second. */
async function loop(turns, durationMs) {
  let n = 0;
  for (let k = 0; k < SESSIONS; k++) await turns[k % turns.length](`agent:main:warm${k}`, 'warm');
  const end = performance.now() + durationMs;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: SESSIONS }, async (_, k) => {
      while (performance.now() < end) {
        await turns[k % turns.length](`agent:main:s${k}`, 'x');
        n++;
      }
    }),
  );
  return { turns: n, turnsPerSec: round(n / ((performance.now() - t0) / 1000)) };
}

/** The floor: the same streamed model call through the OpenAI SDK, 8 at a time, no gateway; `body` defaults to one short message. */
async function sdkAlone(modelUrl, durationMs, body = { model: 'instant', messages: [{ role: 'user', content: 'x' }] }) {
  const client = new OpenAI({ baseURL: `${modelUrl}/v1`, apiKey: 'x' });
  const call = async () => {
    const stream = await client.chat.completions.create({ ...body, stream: true });
    for await (const _chunk of stream);
  };
  return loop([call, call], durationMs);
}

/** The request body the gateway sent halfway through a run (the model calls it made, in order). */
function middleRequest(model) {
  const calls = model.requests.filter((r) => r.path.endsWith('/chat/completions') && r.body);
  if (!calls.length) throw new Error('the gateway made no model call');
  const { stream: _stream, stream_options: _opts, ...body } = calls[Math.floor(calls.length / 2)].body;
  return body;
}

export async function runStorageBench({ quick = false } = {}) {
  const { fake, telegram: tg } = await buildBenchFixtures();
  const pgMod = await loadPostgres();
  const reason = pgMod.postgresUnavailableReason();
  if (reason) throw new Error(`the storage bench needs a PostgreSQL server: ${reason}`);
  const model = new fake.FakeOpenAIServer({ script: () => ({ text: 'ok' }) });
  await model.start();
  const pg = await pgMod.startTestPostgres();
  const durationMs = quick ? 3000 : 10_000;
  const out = { benchmark: 'storage', when: new Date().toISOString(), quick, sessions: SESSIONS };
  const states = [];
  const state = () => {
    const s = tempState();
    states.push(s);
    return s;
  };
  try {
    out.sdkAlone = await sdkAlone(model.baseUrl, durationMs);
    model.reset();

    const sq = state();
    const g1 = await startGateway(sq, configFor(sq, model.baseUrl));
    out.sqlite = await loop([turnClient(g1.c)], durationMs);
    await stop(g1);
    const gatewayRequest = middleRequest(model);
    model.reset();
    out.sdkAloneGatewayRequest = { requestBytes: JSON.stringify(gatewayRequest).length, messages: gatewayRequest.messages.length, tools: gatewayRequest.tools?.length ?? 0, ...(await sdkAlone(model.baseUrl, durationMs, gatewayRequest)) };
    model.reset();

    await pg.createDatabase('bench_one');
    const p1 = state();
    const g2 = await startGateway(p1, configFor(p1, model.baseUrl, { storage: { backend: 'postgres', postgres: { url: pg.url('bench_one') } } }));
    out.postgres = await loop([turnClient(g2.c)], durationMs);
    await stop(g2);
    model.reset();

    await pg.createDatabase('bench_two');
    const shared = { storage: { backend: 'postgres', postgres: { url: pg.url('bench_two') } } };
    const [a, b] = [state(), state()];
    const ga = await startGateway(a, configFor(a, model.baseUrl, shared));
    const gb = await startGateway(b, configFor(b, model.baseUrl, shared));
    out.postgresTwoGateways = await loop([turnClient(ga.c), turnClient(gb.c)], durationMs);
    await stop(ga);
    await stop(gb);
    model.reset();

    for (const key of ['sqlite', 'postgres', 'postgresTwoGateways']) {
      out[key].vsSdkAlone = round(out[key].turnsPerSec / out.sdkAlone.turnsPerSec, 2);
      out[key].vsSdkAloneGatewayRequest = round(out[key].turnsPerSec / out.sdkAloneGatewayRequest.turnsPerSec, 2);
    }

    // Failover: kill -9 the gateway running Telegram, post at once, time to the reply from the other.
    const runs = quick ? 2 : 5;
    const times = [];
    for (let r = 0; r < runs; r++) {
      const bot = await tg.FakeTelegram.start();
      bot.api.addUser({ id: 9001, first_name: 'Bench' });
      await pg.createDatabase(`failover_${r}`);
      const cfg = { storage: { backend: 'postgres', postgres: { url: pg.url(`failover_${r}`) } }, channels: { telegram: { botToken: bot.token, apiRoot: bot.apiRoot, dmPolicy: 'open', allowFrom: ['*'], livenessMs: 3000 } } };
      const pair = [];
      for (let i = 0; i < 2; i++) {
        const s = state();
        pair.push(await startGateway(s, configFor(s, model.baseUrl, cfg)));
      }
      const roleOf = async (g) => (await g.c.call('status', {})).payload?.cluster?.role;
      let primary;
      for (const deadline = Date.now() + 20_000; !primary && Date.now() < deadline; ) {
        for (const g of pair) if ((await roleOf(g)) === 'primary') primary = g;
        if (!primary) await new Promise((res) => setTimeout(res, 50));
      }
      if (!primary) throw new Error('no gateway took the channels lease');
      // One message answered first, so the channel is warm.
      await bot.post({ chat: 9001, from: 9001, text: 'warm' });
      while (bot.api.sent.length < 1) await bot.changes.wait(10_000);
      const t0 = performance.now();
      primary.child.kill('SIGKILL');
      await bot.post({ chat: 9001, from: 9001, text: 'are you there' });
      while (bot.api.sent.length < 2) await bot.changes.wait(30_000);
      times.push(performance.now() - t0);
      for (const g of pair) await stop(g);
      await bot.close();
    }
    times.sort((x, y) => x - y);
    out.failover = { runs, replyAfterKillP50Ms: Math.round(median(times)), minMs: Math.round(times[0]), maxMs: Math.round(times.at(-1)) };
  } finally {
    await model.close();
    await pg.stop();
    for (const s of states) s.cleanup();
  }
  const file = join(ROOT, 'bench', 'results', 'storage.json');
  writeFileSync(file, JSON.stringify(out, null, 2) + '\n');
  return out;
}
