// The desktop app's main-process responsiveness (bench/results/mainloop.json). The app runs the gateway
// in its main process (`startGateway` from src-main/gateway/start.ts, in-process); this bench does the
// same in a plain Node process (the "host") and measures that process's event-loop delay with
// `perf_hooks.monitorEventLoopDelay` (p50/p99/max against one 60 Hz frame, 16.7 ms) while:
//  (a) idle, (b) 8 sessions busy in closed loop with the instant fake model, (c) a Telegram burst
//  (every user of the fake Bot API sends several messages at once, until every reply is out).
// The load (fake model, fake Telegram, protocol clients) runs in this process, not in the host, so
// only the gateway's own work lands on the measured loop.
//
//   node scripts/build-node.mjs && node bench/run.mjs mainloop [--quick] [--profile]
//   --profile also writes a CPU profile of the host (`--cpu-prof`) to out/bench/mainloop-prof/ and adds a
//   summary to the results: where the host's CPU time went (by package), and how often the profiler's own
//   sampling thread was not scheduled for 30 ms or more (the machine's other work taking the CPU).
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { buildBenchFixtures } from './build-fixtures.mjs';
import { turnClient } from './pipeline.mjs';
import { runAsScript } from './channel-bench.mjs';
import { ROOT, bundleTs, connect, freePort, tempState } from './lib.mjs';

const FRAME_MS = 1000 / 60;
const PROFILE_DIR = join(ROOT, 'out/bench/mainloop-prof');
const SESSIONS = 8;
const round = (n, d = 2) => Math.round(n * 10 ** d) / 10 ** d;

// ---- the host: a plain Node process running the gateway in-process, as the app's main process does ----

if (process.argv[2] === '--host') {
  const { startGateway } = await import(pathToFileURL(join(ROOT, 'out/bench/gateway-start.mjs')).href);
  const h = monitorEventLoopDelay({ resolution: 1 });
  h.enable();
  const gateway = await startGateway({ port: Number(process.argv[3]), env: process.env });
  const ms = (ns) => round(ns / 1e6);
  process.on('message', async (m) => {
    if (m.cmd === 'reset') {
      h.reset();
      process.send({ id: m.id });
    } else if (m.cmd === 'snapshot') {
      process.send({ id: m.id, p50Ms: ms(h.percentile(50)), p99Ms: ms(h.percentile(99)), maxMs: ms(h.max), meanMs: ms(h.mean), samples: h.count });
    } else if (m.cmd === 'stop') {
      h.disable();
      await gateway.close('bench done');
      process.send({ id: m.id });
      process.disconnect();
    }
  });
  process.send({ ready: true });
}

// ---- the bench ----

const buildGatewayModule = () => bundleTs({ 'gateway-start': 'src-main/gateway/start.ts' });

/** Fork the host with the gateway's config; resolves once it listens. */
async function startHost(s, port, profile) {
  const execArgv = profile ? ['--cpu-prof', '--cpu-prof-dir', PROFILE_DIR] : [];
  if (profile) {
    rmSync(PROFILE_DIR, { recursive: true, force: true });
    mkdirSync(PROFILE_DIR, { recursive: true });
  }
  const child = fork(fileURLToPath(import.meta.url), ['--host', String(port)], { env: s.env, execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  let next = 0;
  const pending = new Map();
  let ready;
  const readyP = new Promise((resolve, reject) => {
    ready = resolve;
    child.once('exit', (code) => reject(new Error(`the host exited (${code}) before the gateway listened`)));
  });
  child.on('message', (m) => {
    if (m.ready) ready();
    else pending.get(m.id)?.(m);
  });
  await readyP;
  const ask = (cmd) => new Promise((resolve) => {
    const id = ++next;
    pending.set(id, resolve);
    child.send({ id, cmd });
  });
  return {
    /** Event-loop delay over what `during` does, from a fresh histogram. */
    async measure(during) {
      await ask('reset');
      const extra = await during();
      const { id: _id, ...delay } = await ask('snapshot');
      return { ...extra, ...delay, p99OverFrame: delay.p99Ms > FRAME_MS };
    },
    async stop() {
      await ask('stop');
      if (child.exitCode === null) await once(child, 'exit');
    },
  };
}

/** Self time by package (gateway code, each dependency, Node internals, GC, idle) and the sampler's gaps. */
function summariseProfile() {
  const file = readdirSync(PROFILE_DIR).find((f) => f.endsWith('.cpuprofile'));
  if (!file) return { error: 'no profile was written' };
  const p = JSON.parse(readFileSync(join(PROFILE_DIR, file), 'utf8'));
  const nodes = new Map(p.nodes.map((n) => [n.id, n.callFrame]));
  const byPackage = new Map();
  let total = 0;
  for (let i = 0; i < p.samples.length; i++) {
    const dt = p.timeDeltas[i + 1] ?? 0;
    total += dt;
    const cf = nodes.get(p.samples[i]);
    const pkg = cf.url.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/)?.[1]
      ?? (cf.url.includes('/out/bench/gateway-start') ? 'gateway' : cf.url.includes('/extensions/') ? 'channel plugins' : cf.url.startsWith('node:') ? 'node internals' : cf.functionName || 'other');
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + dt);
  }
  const gaps = p.timeDeltas.filter((d) => d >= 30_000);
  return {
    file: `out/bench/mainloop-prof/${file}`,
    totalMs: round(total / 1000, 0),
    selfMsByPackage: Object.fromEntries([...byPackage].sort((a, b) => b[1] - a[1]).slice(0, 15).map(([k, v]) => [k, round(v / 1000, 0)])),
    samplerGapsOver30Ms: gaps.length,
    longestSamplerGapMs: round(Math.max(0, ...p.timeDeltas) / 1000, 1),
  };
}

export async function runMainloopBench({ quick = false, profile = process.argv.includes('--profile') } = {}) {
  const { fake, telegram: tg } = await buildBenchFixtures();
  await buildGatewayModule();
  const idleMs = quick ? 2000 : 10_000;
  const busyMs = quick ? 3000 : 10_000;
  const burstUsers = 20;
  const burstPerUser = quick ? 5 : 20;

  const model = new fake.FakeOpenAIServer({ script: () => ({ text: 'ok' }) });
  await model.start();
  const telegram = await tg.FakeTelegram.start();
  const users = Array.from({ length: burstUsers }, (_, i) => 3001 + i);
  for (const id of users) telegram.api.addUser({ id, first_name: `User${id}` });

  const s = tempState();
  writeFileSync(
    join(s.stateDir, 'openclaw.json'),
    JSON.stringify({
      gateway: { auth: { mode: 'token', token: s.token } },
      logging: { file: join(s.dir, 'gateway.log'), level: 'warn' },
      models: { providers: { fake: { baseUrl: `${model.baseUrl}/v1`, apiKey: 'x', api: 'openai-completions', models: [{ id: 'instant', contextWindow: 128000, maxTokens: 256 }] } } },
      agents: { defaults: { model: { primary: 'fake/instant' } } },
      session: { dmScope: 'per-channel-peer' },
      channels: { telegram: { botToken: telegram.token, apiRoot: telegram.apiRoot, dmPolicy: 'open', allowFrom: ['*'] } },
    }),
  );
  const port = await freePort();
  const out = {
    benchmark: 'mainloop',
    when: new Date().toISOString(),
    // The load average says how much of the delay is other work on the machine taking the CPU.
    machine: { cpus: cpus().length, memGiB: round(totalmem() / 2 ** 30, 1), node: process.version, loadAvg1mAtStart: round(loadavg()[0]) },
    quick,
    frameMs: round(FRAME_MS),
    note: 'event-loop delay of a plain Node process running the gateway in-process, as the desktop app main process does',
  };
  const host = await startHost(s, port, profile);
  try {
    const c = await connect(`ws://127.0.0.1:${port}`, s.token, { retryUntil: Date.now() + 30_000 });
    // The Telegram account connects before anything is measured.
    for (const deadline = Date.now() + 20_000; ; ) {
      const st = await c.call('channels.status');
      if (st.ok && st.payload.channelAccounts.telegram?.[0]?.connected) break;
      if (Date.now() > deadline) throw new Error(`telegram did not connect: ${JSON.stringify(st)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    const turn = turnClient(c);
    for (let k = 0; k < SESSIONS; k++) await turn(`agent:main:warm${k}`, 'warm');

    out.idle = await host.measure(async () => {
      await new Promise((r) => setTimeout(r, idleMs));
      return { durationMs: idleMs };
    });

    out.sessions8 = await host.measure(async () => {
      let n = 0;
      const end = performance.now() + busyMs;
      const t0 = performance.now();
      await Promise.all(
        Array.from({ length: SESSIONS }, async (_, k) => {
          while (performance.now() < end) {
            await turn(`agent:main:s${k}`, 'x');
            n++;
          }
        }),
      );
      return { sessions: SESSIONS, durationMs: busyMs, turns: n, turnsPerSec: round(n / ((performance.now() - t0) / 1000), 1) };
    });

    out.telegramBurst = await host.measure(async () => {
      const before = telegram.api.sent.length;
      const total = burstUsers * burstPerUser;
      const t0 = performance.now();
      await Promise.all(users.flatMap((u) => Array.from({ length: burstPerUser }, (_, i) => telegram.post({ chat: u, from: u, text: `burst ${i}` }))));
      await telegram.waitUntil(() => (telegram.api.sent.length - before >= total ? true : undefined), 120_000, 'every burst reply');
      return { users: burstUsers, messages: total, drainMs: round(performance.now() - t0, 0) };
    });
    c.close();
  } finally {
    await host.stop();
    await telegram.close();
    await model.close();
    s.cleanup();
  }
  out.machine.loadAvg1mAtEnd = round(loadavg()[0]);
  if (profile) out.profile = summariseProfile();
  return out;
}

if (process.argv[2] !== '--host') await runAsScript(import.meta.url, 'mainloop', runMainloopBench);
