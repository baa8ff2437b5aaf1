// Pipeline benchmarks: chat.send → final with an instant fake model (sequential and 8 sessions in
// parallel), chat.history on a 1-million-message session, and RSS over a long soak.
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildBenchFixtures } from './build-fixtures.mjs';
import { ROOT, connect, freePort, percentile, rssBytes, spawnGateway, tempState } from './lib.mjs';

const round = (n, d = 2) => Math.round(n * 10 ** d) / 10 ** d;

function configFor(s, fakeUrl) {
  return {
    gateway: { auth: { mode: 'token', token: s.token } },
    logging: { file: join(s.dir, 'gateway.log'), level: 'warn' },
    models: { providers: { fake: { baseUrl: `${fakeUrl}/v1`, apiKey: 'x', api: 'openai-completions', models: [{ id: 'instant', contextWindow: 128000, maxTokens: 256 }] } } },
    agents: { defaults: { model: { primary: 'fake/instant' } } },
  };
}

async function startGateway(s) {
  const port = await freePort();
  const child = spawnGateway(s.env, port);
  const probe = await connect(`ws://127.0.0.1:${port}`, s.token, { retryUntil: Date.now() + 20_000 });
  return { child, port, probe };
}

async function stopGateway(g, s, c) {
  c.close();
  g.child.kill('SIGTERM');
  await once(g.child, 'exit');
  s.cleanup();
}

/** A client that sends chat.send and resolves when that run's final event arrives. */
export function turnClient(c) {
  const waiting = new Map();
  c.ws.on('message', (data) => {
    const f = JSON.parse(data.toString());
    if (f.type === 'event' && f.event === 'chat' && f.payload.state !== 'delta') {
      const w = waiting.get(f.payload.runId);
      if (w) {
        waiting.delete(f.payload.runId);
        w(f.payload);
      }
    }
  });
  let n = 0;
  return async (sessionKey, text) => {
    const runId = `b-${process.pid}-${sessionKey}-${++n}`;
    const done = new Promise((r) => waiting.set(runId, r));
    const res = await c.call('chat.send', { sessionKey, message: text, idempotencyKey: runId });
    if (!res.ok) throw new Error(JSON.stringify(res.error));
    const final = await done;
    if (final.state !== 'final') throw new Error(`run ended ${final.state}: ${final.errorMessage ?? ''}`);
  };
}

export async function runPipelineBench({ quick = false } = {}) {
  const { fake, store: storeMod } = await buildBenchFixtures();
  const server = new fake.FakeOpenAIServer({ script: () => ({ text: 'ok' }) });
  await server.start();
  const out = { benchmark: 'pipeline', when: new Date().toISOString(), quick };

  // 1. Latency, sequential, one session.
  {
    const s = tempState();
    writeFileSync(join(s.stateDir, 'openclaw.json'), JSON.stringify(configFor(s, server.baseUrl)));
    const g = await startGateway(s);
    const c = await connect(`ws://127.0.0.1:${g.port}`, s.token);
    const turn = turnClient(c);
    for (let i = 0; i < 50; i++) await turn('agent:main:warm', 'warm');
    const N = quick ? 300 : 2000;
    const lat = [];
    for (let i = 0; i < N; i++) {
      const t0 = performance.now();
      await turn('agent:main:seq', `m${i}`);
      lat.push(performance.now() - t0);
    }
    lat.sort((a, b) => a - b);
    // The floor: the same model call straight to the fake server, no gateway.
    const floor = [];
    for (let i = 0; i < (quick ? 100 : 500); i++) {
      const t0 = performance.now();
      const r = await fetch(`${server.baseUrl}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer x' }, body: JSON.stringify({ model: 'instant', stream: true, messages: [{ role: 'user', content: 'hi' }] }) });
      await r.text();
      floor.push(performance.now() - t0);
    }
    floor.sort((a, b) => a - b);
    server.reset();
    out.chatSendToFinalSequential = { turns: N, p50Ms: round(percentile(lat, 50)), p99Ms: round(percentile(lat, 99)), modelCallAloneP50Ms: round(percentile(floor, 50)), modelCallAloneP99Ms: round(percentile(floor, 99)) };

    // 2. Throughput, 8 sessions in parallel (closed loop per session).
    const SESSIONS = 8;
    const durationMs = quick ? 3000 : 10_000;
    let turns = 0;
    const conc = [];
    const end = performance.now() + durationMs;
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: SESSIONS }, async (_, k) => {
        while (performance.now() < end) {
          const s0 = performance.now();
          await turn(`agent:main:par${k}`, 'x');
          conc.push(performance.now() - s0);
          turns++;
        }
      }),
    );
    conc.sort((a, b) => a - b);
    out.eightSessions = { sessions: SESSIONS, turns, turnsPerSec: Math.round(turns / ((performance.now() - t0) / 1000)), p50Ms: round(percentile(conc, 50)), p99Ms: round(percentile(conc, 99)) };
    await stopGateway(g, s, c);
  }

  // 3. chat.history on a 1-million-message session.
  {
    const s = tempState();
    writeFileSync(join(s.stateDir, 'openclaw.json'), JSON.stringify(configFor(s, server.baseUrl)));
    const dbPath = join(s.stateDir, 'state', 'openclaw.sqlite');
    const st = storeMod.openSqliteStore(dbPath);
    const TOTAL = quick ? 100_000 : 1_000_000;
    const t0 = performance.now();
    const sess = await st.sessions.ensure('agent:main:big', 'main', Date.now(), () => 'big-session');
    for (let i = 0; i < TOTAL; i += 5000) {
      await st.transaction((tx) => tx.transcript.append(sess.sessionId, Array.from({ length: 5000 }, (_, j) => ({ role: (i + j) % 2 ? 'assistant' : 'user', content: [{ type: 'text', text: `message ${i + j} with some ordinary length of text in it` }], createdAtMs: Date.now() }))));
    }
    const seedMs = performance.now() - t0;
    await st.close();
    const g = await startGateway(s);
    const c = await connect(`ws://127.0.0.1:${g.port}`, s.token);
    const lat = [];
    for (let i = 0; i < 300; i++) {
      const q0 = performance.now();
      const r = await c.call('chat.history', { sessionKey: 'agent:main:big', limit: 50 });
      lat.push(performance.now() - q0);
      if (!r.ok || r.payload.messages.length !== 50) throw new Error('history failed');
    }
    // An older page, by cursor, from the middle.
    const mid = [];
    for (let i = 0; i < 100; i++) {
      const q0 = performance.now();
      await c.call('chat.history', { sessionKey: 'agent:main:big', limit: 50, cursor: String(Math.floor(TOTAL / 2) + i) });
      mid.push(performance.now() - q0);
    }
    lat.sort((a, b) => a - b);
    mid.sort((a, b) => a - b);
    out.chatHistory = { sessionMessages: TOTAL, seedSeconds: round(seedMs / 1000), last50P50Ms: round(percentile(lat, 50)), last50P99Ms: round(percentile(lat, 99)), middlePageP50Ms: round(percentile(mid, 50)) };
    await stopGateway(g, s, c);
  }

  // 4. Soak: RSS while many turns run through 8 sessions.
  {
    const s = tempState();
    writeFileSync(join(s.stateDir, 'openclaw.json'), JSON.stringify(configFor(s, server.baseUrl)));
    const g = await startGateway(s);
    const c = await connect(`ws://127.0.0.1:${g.port}`, s.token);
    const turn = turnClient(c);
    const TOTAL = quick ? 5000 : 200_000;
    const samples = [];
    let done = 0;
    const sampleEvery = Math.max(1000, Math.floor(TOTAL / 40));
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: 8 }, async (_, k) => {
        while (done < TOTAL) {
          done++;
          await turn(`agent:main:soak${k}`, 'soak');
          if (done % sampleEvery === 0) {
            samples.push({ turns: done, rssMiB: round(rssBytes(g.child.pid) / 1048576) });
            // The fake server records every request for tests; a soak must not keep them.
            server.reset();
          }
        }
      }),
    );
    const secs = (performance.now() - t0) / 1000;
    // Growth measured from the first sample after warm-up to the end.
    const warm = samples[Math.min(2, samples.length - 1)];
    const last = samples.at(-1);
    out.soak = { turns: done, seconds: round(secs, 1), turnsPerSec: Math.round(done / secs), rssStartMiB: warm?.rssMiB, rssEndMiB: last?.rssMiB, rssMaxMiB: Math.max(...samples.map((x) => x.rssMiB)), growthPercent: warm && last ? round(((last.rssMiB - warm.rssMiB) / warm.rssMiB) * 100, 1) : null, samples };
    await stopGateway(g, s, c);
  }

  await server.close();
  const file = join(ROOT, 'bench', 'results', 'pipeline.json');
  writeFileSync(file, JSON.stringify(out, null, 2) + '\n');
  return out;
}
