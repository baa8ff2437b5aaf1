// `npm run bench session-usage`: what the reference Usage page costs the gateway. `sessions.usage` reads every
// matching transcript, so its time grows with the history kept:
//  - seed: 1,000 sessions (quick: 200) of 20 turns each (a user message, an assistant reply with usage), written to the store
//  - allSessions: `sessions.usage` over every agent and all time (the page's widest view), median and max of 10 calls
//  - oneSession: the same for one session by key
//  - healthWhileBusy: `health` p50 measured while `sessions.usage` calls run back to back on another connection
import { once } from 'node:events';
import { join } from 'node:path';
import { buildBenchFixtures } from './build-fixtures.mjs';
import { connect, freePort, median, percentile, spawnGateway, tempState } from './lib.mjs';

const round = (n, d = 1) => Math.round(n * 10 ** d) / 10 ** d;
const TURNS = 20;

async function seed(storeMod, stateDir, sessions) {
  const st = storeMod.openSqliteStore(join(stateDir, 'state', 'openclaw.sqlite'));
  const now = Date.now();
  const t0 = performance.now();
  for (let i = 0; i < sessions; i++) {
    const key = `agent:main:telegram:direct:${100000 + i}`;
    await st.transaction(async (tx) => {
      const s = await tx.sessions.ensure(key, 'main', now - i * 60_000, () => `bench-usage-${i}`);
      const entries = [];
      for (let t = 0; t < TURNS; t++) {
        const at = now - i * 60_000 - (TURNS - t) * 1000;
        entries.push({ role: 'user', content: [{ type: 'text', text: `question ${t} of session ${i}` }], createdAtMs: at });
        entries.push({ role: 'assistant', content: [{ type: 'text', text: `answer ${t}, of an ordinary length for a reply in a chat` }], usage: { inputTokens: 900 + t, outputTokens: 40 + t, costUsd: 0.0012, model: 'fake/small' }, createdAtMs: at + 500 });
      }
      await tx.transcript.append(s.sessionId, entries);
    });
  }
  await st.close();
  return performance.now() - t0;
}

async function timeCalls(c, method, params, runs) {
  const times = [];
  let last;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    last = await c.call(method, params);
    times.push(performance.now() - t0);
    if (!last.ok) throw new Error(`${method} failed: ${JSON.stringify(last.error)}`);
  }
  return { times, last: last.payload };
}

export async function runSessionUsageBench({ quick = false } = {}) {
  const sessions = quick ? 200 : 1000;
  const runs = quick ? 3 : 10;
  const { store: storeMod } = await buildBenchFixtures();
  const s = tempState();
  const seedMs = await seed(storeMod, s.stateDir, sessions);
  const port = await freePort();
  const child = spawnGateway(s.env, port);
  const c = await connect(`ws://127.0.0.1:${port}`, s.token, { retryUntil: Date.now() + 20_000 });
  const other = await connect(`ws://127.0.0.1:${port}`, s.token);
  try {
    await c.call('sessions.usage', { agentScope: 'all', range: 'all', limit: 1000 }); // warm-up
    const all = await timeCalls(c, 'sessions.usage', { agentScope: 'all', range: 'all', limit: 1000 }, runs);
    if (all.last.aggregates.sessionCount !== sessions) throw new Error(`expected ${sessions} sessions, got ${all.last.aggregates.sessionCount}`);
    const one = await timeCalls(c, 'sessions.usage', { key: 'agent:main:telegram:direct:100000', range: 'all' }, runs * 5);
    // `health` from a second client while the widest report runs again and again.
    let busy = true;
    const loop = (async () => {
      while (busy) await c.call('sessions.usage', { agentScope: 'all', range: 'all', limit: 1000 });
    })();
    const health = [];
    for (let i = 0; i < runs * 5; i++) {
      const t0 = performance.now();
      await other.call('health');
      health.push(performance.now() - t0);
    }
    busy = false;
    await loop;
    health.sort((a, b) => a - b);
    return {
      benchmark: 'session-usage',
      when: new Date().toISOString(),
      quick,
      seed: { sessions, turnsPerSession: TURNS, transcriptEntries: sessions * TURNS * 2, seedMs: Math.round(seedMs) },
      allSessions: { runs, medianMs: round(median(all.times)), maxMs: round(Math.max(...all.times)), totalTokens: all.last.totals.totalTokens },
      oneSession: { runs: runs * 5, medianMs: round(median(one.times)), maxMs: round(Math.max(...one.times)) },
      healthWhileBusy: { runs: runs * 5, p50Ms: round(percentile(health, 50)), maxMs: round(health.at(-1)) },
    };
  } finally {
    c.close();
    other.close();
    child.kill('SIGTERM');
    await once(child, 'exit');
    s.cleanup();
  }
}
