// What every channel's end-to-end benchmark shares: simulated users in closed loop against the
// platform's local fake (or real) server, once through a bare echo bot written with the platform's
// SDK (the platform + SDK floor) and once through the real gateway in its own process, its channel
// plugin pointed at its own copy of the same server and an instant fake model answering. Both run
// side by side and are measured in alternating slices, so a machine shared with other work loads
// both alike and the ratio stays meaningful. Each channel's file says only what is particular to
// its platform:
//
//   runChannelBench({ id, start, echoBot }, { quick })
//     start(role)      → a platform: { users, send(user, text), replies(user), waitFor(user, check, timeoutMs),
//                        channelConfig(), close() }; `role` is 'echo' or 'gateway'
//     echoBot(platform) → a function that stops the bot
//
// Result (bench/results/<id>.json): machine, quick, users, rounds, echoBotBaseline and gateway
// { messages, messagesPerSec, p50Ms, p99Ms } (gateway also cpuMsPerMessage and rssMiBAfter), and ratioToEchoBot.
import { once } from 'node:events';
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT, connect, freePort, loadTs, percentile, rssBytes, spawnGateway, tempState } from './lib.mjs';

const round = (n, d = 2) => Math.round(n * 10 ** d) / 10 ** d;

/** Simulated users per run. */
export const USERS = 8;
const REPLY_TIMEOUT_MS = 30_000;
const CONNECT_TIMEOUT_MS = 30_000;

export { loadTs } from './lib.mjs';

/**
 * Counts items of a growing list by key, reading only what was added since the last look, so
 * waiting on replies costs the same at the ten-thousandth message as at the first.
 */
export function keyCounter(list, keyOf) {
  const counts = new Map();
  let scanned = 0;
  return (key) => {
    const items = list();
    for (; scanned < items.length; scanned++) {
      const k = keyOf(items[scanned]);
      if (k !== undefined) counts.set(k, (counts.get(k) ?? 0) + 1);
    }
    return counts.get(key) ?? 0;
  };
}

/**
 * A `waitFor` for fakes that can only say "something changed": look, and when the check fails,
 * wait for the next change (`nextChange(leftMs)`, which may reject on its own timeout) and look again.
 */
export function waitByChanges(nextChange) {
  return async (_user, check, timeoutMs) => {
    const deadline = Date.now() + timeoutMs;
    while (!check()) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no reply within ${timeoutMs} ms`);
      await nextChange(left).catch(() => undefined);
    }
  };
}

/** Closed loop per user for `durationMs`: send a DM, wait until the bot's reply to that user arrives, repeat. */
async function closedLoop(platform, durationMs) {
  const lat = [];
  const end = performance.now() + durationMs;
  const t0 = performance.now();
  await Promise.all(
    platform.users.map(async (user) => {
      let seen = platform.replies(user);
      while (performance.now() < end) {
        const s0 = performance.now();
        await platform.send(user, `m${lat.length}`);
        await platform.waitFor(user, () => platform.replies(user) > seen, REPLY_TIMEOUT_MS);
        seen = platform.replies(user);
        lat.push(performance.now() - s0);
      }
    }),
  );
  return { lat, secs: (performance.now() - t0) / 1000 };
}

/** Figures over several closed-loop slices. */
function summarize(slices) {
  const lat = slices.flatMap((s) => s.lat).sort((a, b) => a - b);
  const secs = slices.reduce((t, s) => t + s.secs, 0);
  return { messages: lat.length, messagesPerSec: round(lat.length / secs, 1), p50Ms: round(percentile(lat, 50)), p99Ms: round(percentile(lat, 99)) };
}

/** CPU time (user + system) a process has used, in ms (Linux /proc; clock ticks of 10 ms). */
function cpuMs(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return null;
  }
}

/** The real gateway with one channel configured, an instant model, DMs open to everyone. */
async function startGateway(id, channelConfig, model) {
  const s = tempState();
  writeFileSync(
    join(s.stateDir, 'openclaw.json'),
    JSON.stringify({
      gateway: { auth: { mode: 'token', token: s.token } },
      logging: { file: join(s.dir, 'gateway.log'), level: 'warn' },
      models: { providers: { fake: { baseUrl: `${model.baseUrl}/v1`, apiKey: 'x', api: 'openai-completions', models: [{ id: 'instant' }] } } },
      agents: { defaults: { model: { primary: 'fake/instant' } } },
      session: { dmScope: 'per-channel-peer' },
      channels: { [id]: { ...channelConfig, dmPolicy: 'open', allowFrom: ['*'] } },
    }),
  );
  const port = await freePort();
  const child = spawnGateway(s.env, port);
  try {
    const c = await connect(`ws://127.0.0.1:${port}`, s.token, { retryUntil: Date.now() + 20_000 });
    const deadline = Date.now() + CONNECT_TIMEOUT_MS;
    for (;;) {
      const st = await c.call('channels.status');
      const account = st.ok ? st.payload.channelAccounts[id]?.[0] : undefined;
      if (account?.connected) break;
      if (Date.now() > deadline) throw new Error(`${id} did not connect within ${CONNECT_TIMEOUT_MS} ms: ${JSON.stringify(account ?? st)}`);
      // The gateway announces no event for this; status is what a user would look at.
      await new Promise((r) => setTimeout(r, 50));
    }
    // Only the channel's users are measured: an operator client left connected would get every turn's events.
    c.close();
  } catch (err) {
    child.kill('SIGKILL');
    s.cleanup();
    throw err;
  }
  return {
    cpuMs: () => cpuMs(child.pid),
    rssMiB: () => {
      const r = rssBytes(child.pid);
      return r === null ? null : round(r / 1048576, 1);
    },
    async stop() {
      child.kill('SIGTERM');
      await once(child, 'exit');
      s.cleanup();
    },
  };
}

/** Echo bot and gateway on platforms of their own, warmed up, then timed in alternating slices. */
export async function runChannelBench({ id, start, echoBot, warmupMs = 1000 }, { quick = false } = {}) {
  const { 'fake-openai': fakeModel } = await loadTs({ 'fake-openai': 'test-support/fake-openai.ts' });
  const model = new fakeModel.FakeOpenAIServer({ script: () => ({ text: 'ok' }) });
  await model.start();
  const rounds = quick ? 3 : 5;
  const sliceMs = (quick ? 3000 : 10_000) / rounds;
  const out = {
    benchmark: id,
    when: new Date().toISOString(),
    machine: { cpus: cpus().length, memGiB: round(totalmem() / 2 ** 30, 1), node: process.version },
    quick,
    users: USERS,
    rounds,
  };
  const stops = [() => model.close()];
  try {
    const echo = await start('echo');
    stops.unshift(() => echo.close());
    stops.unshift(await echoBot(echo));
    const viaGateway = await start('gateway');
    stops.unshift(() => viaGateway.close());
    const gateway = await startGateway(id, await viaGateway.channelConfig(), model);
    stops.unshift(() => gateway.stop());
    await closedLoop(echo, warmupMs);
    await closedLoop(viaGateway, warmupMs);
    const slices = { echo: [], gateway: [] };
    let gatewayCpuMs = 0;
    for (let r = 0; r < rounds; r++) {
      // Which goes first alternates, so neither is always measured right after the other.
      const order = r % 2 ? ['gateway', 'echo'] : ['echo', 'gateway'];
      for (const who of order) {
        const cpu0 = gateway.cpuMs();
        slices[who].push(await closedLoop(who === 'echo' ? echo : viaGateway, sliceMs));
        if (who === 'gateway') gatewayCpuMs += gateway.cpuMs() - cpu0;
      }
    }
    out.echoBotBaseline = summarize(slices.echo);
    out.gateway = summarize(slices.gateway);
    // Less sensitive than throughput to other work on the machine: what one message costs the gateway process.
    out.gateway.cpuMsPerMessage = round(gatewayCpuMs / out.gateway.messages, 1);
    out.gateway.rssMiBAfter = gateway.rssMiB();
  } finally {
    for (const stop of stops) await stop();
  }
  out.ratioToEchoBot = {
    messagesPerSec: round(out.gateway.messagesPerSec / out.echoBotBaseline.messagesPerSec, 3),
    p50: round(out.gateway.p50Ms / out.echoBotBaseline.p50Ms, 2),
    p99: round(out.gateway.p99Ms / out.echoBotBaseline.p99Ms, 2),
  };
  return out;
}

/** `node bench/<id>.mjs [--quick]`: run one channel's benchmark and write bench/results/<id>.json. */
export async function runAsScript(moduleUrl, id, run) {
  if (moduleUrl !== pathToFileURL(process.argv[1] ?? '').href) return;
  const result = await run({ quick: process.argv.includes('--quick') });
  const file = join(ROOT, 'bench', 'results', `${id}.json`);
  writeFileSync(file, JSON.stringify(result, null, 2) + '\n');
  process.stdout.write(JSON.stringify(result, null, 2) + '\n');
  process.stdout.write(`written to ${file}\n`);
}
