// The desktop app's main-process responsiveness (bench/results/mainloop.json). A plain Node process
// stands in for the app's main process (the "host"), and its event-loop delay is measured with
// `perf_hooks.monitorEventLoopDelay` (p50/p99/max against one 60 Hz frame, 16.7 ms) in two arrangements,
// one after the other in the same run:
//  - `utilityProcess`, the app as it is: the host forks the gateway host entry (out/node/gateway-host.js)
//    through the app's supervisor (src-main/app/gateway-process.ts; `child_process.fork` standing in for
//    Electron's `utilityProcess.fork`) and serves a client of it through the app's remote client over
//    loopback WS, each event structured-cloned as the IPC send to the window would;
//  - `inProcess`, the old arrangement as the baseline: the host runs `startGateway` itself.
// Each while: (a) idle, (b) 8 sessions busy in closed loop with the instant fake model, (c) a Telegram
// burst (every user of the fake Bot API sends several messages at once, until every reply is out).
// The load (fake model, fake Telegram, protocol clients) runs in this process, not in the host, so
// only what the arrangement puts on the host's loop is measured.
//
//   node scripts/build-node.mjs && node bench/run.mjs mainloop [--quick] [--profile]
//   --profile also writes a CPU profile of the in-process host (`--cpu-prof`) to out/bench/mainloop-prof/ and adds a
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
// The app's gateway host entry, built by scripts/build-node.mjs.
const GATEWAY_HOST = join(ROOT, 'out/node/gateway-host.js');
const round = (n, d = 2) => Math.round(n * 10 ** d) / 10 ** d;

// ---- the host: a plain Node process standing in for the app's main process ----

/** `inProcess`: the gateway on this loop. Returns what stops it. */
async function hostInProcess(port) {
  const { startGateway } = await import(pathToFileURL(join(ROOT, 'out/bench/gateway-start.mjs')).href);
  const gateway = await startGateway({ port, env: process.env });
  return { stop: () => gateway.close('bench done'), extra: () => ({}) };
}

/** `utilityProcess`: the gateway in a child the app's supervisor owns; this loop serves a client of it. */
async function hostUtilityProcess(port) {
  const app = await import(pathToFileURL(join(ROOT, 'out/bench/mainloop-app.mjs')).href);
  const supervisor = app.createGatewayProcess({ spawn: app.nodeForkSpawner(), modulePath: GATEWAY_HOST, start: { secretEnv: {}, port } });
  const ready = await supervisor.start();
  const client = app.createRemoteClient({ name: 'the gateway', connect: () => app.connectCli({ url: ready.wsUrl }, { id: 'openclaw-linux', mode: 'ui' }), retryMs: { min: 200, max: 2000 } });
  let events = 0;
  // What main.ts does with each event: hand it to the window (webContents.send structured-clones it).
  client.onEvent((event, payload) => {
    structuredClone({ event, payload });
    events++;
  });
  await client.connected;
  return {
    stop: async () => {
      client.close();
      await supervisor.stop('bench done');
    },
    extra: () => {
      const n = events;
      events = 0;
      return { eventsForwarded: n };
    },
  };
}

if (process.argv[2] === '--host') {
  const h = monitorEventLoopDelay({ resolution: 1 });
  h.enable();
  const port = Number(process.argv[3]);
  const gateway = process.argv[4] === 'utilityProcess' ? await hostUtilityProcess(port) : await hostInProcess(port);
  const ms = (ns) => round(ns / 1e6);
  process.on('message', async (m) => {
    if (m.cmd === 'reset') {
      h.reset();
      gateway.extra();
      process.send({ id: m.id });
    } else if (m.cmd === 'snapshot') {
      process.send({ id: m.id, ...gateway.extra(), p50Ms: ms(h.percentile(50)), p99Ms: ms(h.percentile(99)), maxMs: ms(h.max), meanMs: ms(h.mean), samples: h.count });
    } else if (m.cmd === 'stop') {
      h.disable();
      await gateway.stop();
      process.send({ id: m.id });
      process.disconnect();
    }
  });
  process.send({ ready: true });
}

// ---- the bench ----

const buildGatewayModules = () => bundleTs({ 'gateway-start': 'src-main/gateway/start.ts', 'mainloop-app': 'bench/mainloop-app.ts' });

/** Fork the host in one arrangement with the gateway's config; resolves once the gateway listens. */
async function startHost(s, port, arrangement, profile) {
  const execArgv = profile ? ['--cpu-prof', '--cpu-prof-dir', PROFILE_DIR] : [];
  if (profile) {
    rmSync(PROFILE_DIR, { recursive: true, force: true });
    mkdirSync(PROFILE_DIR, { recursive: true });
  }
  const child = fork(fileURLToPath(import.meta.url), ['--host', String(port), arrangement], { env: s.env, execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
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

const ARRANGEMENTS = ['utilityProcess', 'inProcess'];

export async function runMainloopBench({ quick = false, profile = process.argv.includes('--profile') } = {}) {
  const { fake, telegram: tg } = await buildBenchFixtures();
  await buildGatewayModules();
  const timing = { idleMs: quick ? 2000 : 10_000, busyMs: quick ? 3000 : 10_000, burstUsers: 20, burstPerUser: quick ? 5 : 20 };

  const model = new fake.FakeOpenAIServer({ script: () => ({ text: 'ok' }) });
  await model.start();
  const out = {
    benchmark: 'mainloop',
    when: new Date().toISOString(),
    // The load average says how much of the delay is other work on the machine taking the CPU.
    machine: { cpus: cpus().length, memGiB: round(totalmem() / 2 ** 30, 1), node: process.version, loadAvg1mAtStart: round(loadavg()[0]) },
    quick,
    frameMs: round(FRAME_MS),
    note:
      'event-loop delay of a plain Node process standing in for the desktop app main process. utilityProcess: the app as it is, the gateway in a child forked by the app supervisor, a client of it over loopback WS on the measured loop. inProcess: the old arrangement (the gateway on the measured loop), as the baseline of the same run. turnsPerSec and drainMs are the rates of the load itself: on a shared 2-core machine they swing with the order of the runs and other work, so they are not a comparison of the arrangements.',
  };
  try {
    for (const arrangement of ARRANGEMENTS) out[arrangement] = await measureArrangement(arrangement, model, tg, timing, profile && arrangement === 'inProcess');
  } finally {
    await model.close();
  }
  out.machine.loadAvg1mAtEnd = round(loadavg()[0]);
  out.p99Ms = Object.fromEntries(ARRANGEMENTS.map((a) => [a, { idle: out[a].idle.p99Ms, sessions8: out[a].sessions8.p99Ms, telegramBurst: out[a].telegramBurst.p99Ms }]));
  out.utilityProcessUnderOneFrame = ['idle', 'sessions8', 'telegramBurst'].every((k) => !out.utilityProcess[k].p99OverFrame);
  if (profile) out.inProcess.profile = summariseProfile();
  return out;
}

/** One arrangement on a fresh state dir and a fresh fake Telegram: idle, 8 sessions busy, a Telegram burst. */
async function measureArrangement(arrangement, model, tg, { idleMs, busyMs, burstUsers, burstPerUser }, profile) {
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
  const result = {};
  const host = await startHost(s, port, arrangement, profile);
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

    result.idle = await host.measure(async () => {
      await new Promise((r) => setTimeout(r, idleMs));
      return { durationMs: idleMs };
    });

    result.sessions8 = await host.measure(async () => {
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

    result.telegramBurst = await host.measure(async () => {
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
    s.cleanup();
  }
  return result;
}

if (process.argv[2] !== '--host') await runAsScript(import.meta.url, 'mainloop', runMainloopBench);
