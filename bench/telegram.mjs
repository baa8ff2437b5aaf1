// Telegram end to end with an instant model: a user's message goes into the fake Bot API, the real
// gateway (its own process) long-polls it with grammY, queues it, runs the turn and sends the reply
// back; we time from posting the update to the reply reaching the fake server. Baseline in the same
// run: a bare grammY echo bot polling the same fake server (the platform + SDK floor).
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Api } from 'grammy';
import { buildBenchFixtures } from './build-fixtures.mjs';
import { connect, freePort, percentile, rssBytes, spawnGateway, tempState } from './lib.mjs';

const round = (n, d = 2) => Math.round(n * 10 ** d) / 10 ** d;
const CHATS = 8;

async function startFake(telegram) {
  const fake = await telegram.FakeTelegram.start();
  for (let i = 0; i < CHATS; i++) fake.api.addUser({ id: 2001 + i, first_name: `User${i}` });
  return fake;
}

/** Closed loop per chat: post, wait for the reply to this chat, repeat. */
async function drive(fake, durationMs) {
  const lat = [];
  let n = 0;
  const end = performance.now() + durationMs;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: CHATS }, async (_, k) => {
      const id = 2001 + k;
      let seen = fake.api.sentTo(id).length;
      while (performance.now() < end) {
        const s0 = performance.now();
        await fake.post({ chat: id, from: id, text: `m${n}` });
        await fake.waitUntil(() => (fake.api.sentTo(id).length > seen ? true : undefined), 30_000, 'a reply');
        seen = fake.api.sentTo(id).length;
        lat.push(performance.now() - s0);
        n++;
      }
    }),
  );
  lat.sort((a, b) => a - b);
  const secs = (performance.now() - t0) / 1000;
  return { messages: n, messagesPerSec: round(n / secs, 1), p50Ms: round(percentile(lat, 50)), p99Ms: round(percentile(lat, 99)) };
}

/** The floor: poll getUpdates and echo each message back, nothing else. */
function echoBot(fake) {
  const api = new Api(fake.token, { apiRoot: fake.apiRoot });
  let stop = false;
  let offset = 0;
  const loop = (async () => {
    while (!stop) {
      const updates = await api.getUpdates({ offset, timeout: 1 }).catch(() => []);
      for (const u of updates) {
        offset = u.update_id + 1;
        if (u.message) await api.sendMessage(u.message.chat.id, `echo: ${u.message.text}`);
      }
    }
  })();
  return async () => {
    stop = true;
    await loop;
  };
}

export async function runTelegramBench({ quick = false } = {}) {
  const { fake: fakeModel, telegram } = await buildBenchFixtures();
  const model = new fakeModel.FakeOpenAIServer({ script: () => ({ text: 'ok' }) });
  await model.start();
  const durationMs = quick ? 3000 : 10_000;
  const out = { benchmark: 'telegram', when: new Date().toISOString(), quick, chats: CHATS };

  // Baseline: grammY echo bot against the same fake.
  {
    const fake = await startFake(telegram);
    const stopBot = echoBot(fake);
    await drive(fake, 500);
    out.echoBotBaseline = await drive(fake, durationMs);
    await stopBot();
    await fake.close();
  }

  // The gateway.
  {
    const fake = await startFake(telegram);
    const s = tempState();
    writeFileSync(
      join(s.stateDir, 'openclaw.json'),
      JSON.stringify({
        gateway: { auth: { mode: 'token', token: s.token } },
        logging: { file: join(s.dir, 'gateway.log'), level: 'warn' },
        models: { providers: { fake: { baseUrl: `${model.baseUrl}/v1`, apiKey: 'x', api: 'openai-completions', models: [{ id: 'instant' }] } } },
        agents: { defaults: { model: { primary: 'fake/instant' } } },
        session: { dmScope: 'per-channel-peer' },
        channels: { telegram: { botToken: fake.token, apiRoot: fake.apiRoot, dmPolicy: 'open', allowFrom: ['*'] } },
      }),
    );
    const port = await freePort();
    const child = spawnGateway(s.env, port);
    const c = await connect(`ws://127.0.0.1:${port}`, s.token, { retryUntil: Date.now() + 20_000 });
    for (;;) {
      const st = await c.call('channels.status');
      if (st.ok && st.payload.channelAccounts.telegram?.[0]?.connected) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    await drive(fake, 1000);
    out.gateway = await drive(fake, durationMs);
    out.gateway.rssMiBAfter = (() => {
      const r = rssBytes(child.pid);
      return r === null ? null : round(r / 1048576, 1);
    })();
    out.ratioToEchoBot = {
      messagesPerSec: round(out.gateway.messagesPerSec / out.echoBotBaseline.messagesPerSec, 3),
      p50: round(out.gateway.p50Ms / out.echoBotBaseline.p50Ms, 2),
      p99: round(out.gateway.p99Ms / out.echoBotBaseline.p99Ms, 2),
    };
    c.close();
    child.kill('SIGTERM');
    await once(child, 'exit');
    await fake.close();
    s.cleanup();
  }
  await model.close();
  return out;
}
