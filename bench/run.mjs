// `npm run bench`: gateway core figures, written to bench/results/gateway-core.json.
//  - cold start: spawn → first answered `health`, median of 10; RSS after 10 s idle
//  - `health` RPC throughput and p50/p99 with 1 and 16 clients, beside a bare ws echo server in the same run
//  - `telegram`: Telegram end to end through the fake Bot API (messages/s, p50/p99) beside a bare grammY echo bot
//  - `msteams`: Microsoft Teams end to end through the fake Bot Framework beside a bare echo bot on the same fake
//  - `mattermost`, `matrix`, `signal`, `line`, `nostr`, `twitch`, `zalo`: each plugin channel end to end against its local
//    server (fake, or a real relay / IRC server) beside a bare echo bot with the same SDK (bench/channel-bench.mjs)
//  - `channels`: every channel section above (Telegram, Teams and the seven plugin channels), one after another
//  - `ui`: Control UI bundle size (gzip), login to interactive, the Sessions page with 10,000 sessions and the Chat page with
//    a 2,000-message conversation (render and scroll frame times), in Chromium
//  - `plugins`: cold start with 0 and 20 plugins, and a plugin tool call in and out of process (bench/results/plugins.json)
//  - `memory`: the memory plugin's LanceDB store: search p50/p99 over 100,000 memories, recall@5 on paraphrases (bench/results/memory.json)
//  - `storage`: turns/s with 8 sessions on SQLite, PostgreSQL and two gateways sharing PostgreSQL beside the OpenAI SDK
//    alone, and failover time (primary killed → reply from the standby) (bench/results/storage.json)
//  - `voice`: a phone call with the agent, end of the caller's speech → first audio of the reply, p50/p99 with instant fakes (bench/results/voice.json)
//  - `nodes`: 5,000 connected idle nodes (gateway RSS and CPU) and node.invoke p50/p99 (bench/results/nodes.json)
//  - `mainloop`: event-loop delay (p50/p99/max vs one frame) of a process standing in for the desktop app's main
//    process, with the gateway in its own process as the app runs it (utilityProcess) and in-process as the baseline:
//    idle, 8 sessions busy, a Telegram burst (bench/results/mainloop.json)
//  - `remote`: what TLS on the gateway port costs: connect time and `health` RPC over ws and wss (bench/results/remote.json)
//  - `session-usage`: `sessions.usage` (the reference Usage page) over 1,000 sessions of 20 turns, and `health` meanwhile (bench/results/session-usage.json)
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { ROOT, connect, freePort, median, percentile, rssBytes, spawnGateway, tempState } from './lib.mjs';

const quick = process.argv.includes('--quick');
const RUNS = quick ? 3 : 10;
const IDLE_MS = quick ? 2000 : 10_000;
const LOAD_MS = quick ? 1000 : 4000;

async function coldStart() {
  const times = [];
  for (let i = 0; i < RUNS; i++) {
    const s = tempState();
    const port = await freePort();
    const t0 = performance.now();
    const child = spawnGateway(s.env, port);
    const c = await connect(`ws://127.0.0.1:${port}`, s.token, { retryUntil: Date.now() + 20_000 });
    const res = await c.call('health');
    const ms = performance.now() - t0;
    if (!res.ok) throw new Error('health failed');
    times.push(ms);
    c.close();
    child.kill('SIGTERM');
    await once(child, 'exit');
    s.cleanup();
  }
  return { runs: RUNS, medianMs: round(median(times)), minMs: round(Math.min(...times)), maxMs: round(Math.max(...times)) };
}

async function idleMemory() {
  const s = tempState();
  const port = await freePort();
  const child = spawnGateway(s.env, port);
  const c = await connect(`ws://127.0.0.1:${port}`, s.token, { retryUntil: Date.now() + 20_000 });
  await c.call('health');
  c.close();
  await new Promise((r) => setTimeout(r, IDLE_MS));
  const rss = rssBytes(child.pid);
  child.kill('SIGTERM');
  await once(child, 'exit');
  s.cleanup();
  return { idleMs: IDLE_MS, rssMiB: rss === null ? null : round(rss / 1048576), processes: 1 };
}

/** Closed loop: each client sends the next request when the previous answer arrives. */
async function load(url, token, clients, method) {
  const conns = await Promise.all(Array.from({ length: clients }, () => connect(url, token)));
  // Warm-up.
  await Promise.all(conns.map(async (c) => { for (let i = 0; i < 200; i++) await c.call(method); }));
  const lat = [];
  const end = performance.now() + LOAD_MS;
  const t0 = performance.now();
  await Promise.all(
    conns.map(async (c) => {
      while (performance.now() < end) {
        const s = performance.now();
        await c.call(method);
        lat.push(performance.now() - s);
      }
    }),
  );
  const secs = (performance.now() - t0) / 1000;
  for (const c of conns) c.close();
  lat.sort((a, b) => a - b);
  return { clients, requests: lat.length, reqPerSec: Math.round(lat.length / secs), p50Ms: round(percentile(lat, 50)), p99Ms: round(percentile(lat, 99)) };
}

async function rpc() {
  const s = tempState();
  const port = await freePort();
  const gw = spawnGateway(s.env, port);
  await (await connect(`ws://127.0.0.1:${port}`, s.token, { retryUntil: Date.now() + 20_000 })).close();
  const echo = spawn(process.execPath, [join(ROOT, 'bench', 'echo-server.mjs'), '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const echoPort = await new Promise((resolve) => echo.stdout.on('data', (d) => { const m = /listening (\d+)/.exec(String(d)); if (m) resolve(Number(m[1])); }));
  const out = {};
  for (const clients of [1, 16]) {
    const gateway = await load(`ws://127.0.0.1:${port}`, s.token, clients, 'health');
    const floor = await load(`ws://127.0.0.1:${echoPort}`, 'x', clients, 'health');
    out[`clients${clients}`] = { gateway, echoFloor: floor, throughputRatio: round(gateway.reqPerSec / floor.reqPerSec, 3) };
  }
  gw.kill('SIGTERM');
  echo.kill('SIGTERM');
  await Promise.all([once(gw, 'exit'), once(echo, 'exit')]);
  s.cleanup();
  return out;
}

function round(n, d = 2) {
  return Math.round(n * 10 ** d) / 10 ** d;
}

/** The benchmarks after `core`, each in its own module writing `bench/results/<name>.json` (pipeline writes its own); `channel` ones also run under `channels`. */
const SECTIONS = [
  { name: 'pipeline', module: './pipeline.mjs', run: 'runPipelineBench', writesItself: true },
  { name: 'telegram', module: './telegram.mjs', run: 'runTelegramBench', channel: true },
  { name: 'msteams', module: './msteams.mjs', run: 'runMsTeamsBench', channel: true },
  { name: 'mattermost', module: './mattermost.mjs', run: 'runMattermostBench', channel: true },
  { name: 'matrix', module: './matrix.mjs', run: 'runMatrixBench', channel: true },
  { name: 'signal', module: './signal.mjs', run: 'runSignalBench', channel: true },
  { name: 'line', module: './line.mjs', run: 'runLineBench', channel: true },
  { name: 'nostr', module: './nostr.mjs', run: 'runNostrBench', channel: true },
  { name: 'twitch', module: './twitch.mjs', run: 'runTwitchBench', channel: true },
  { name: 'zalo', module: './zalo.mjs', run: 'runZaloBench', channel: true },
  { name: 'ui', module: './ui.mjs', run: 'runUiBench' },
  { name: 'nodes', module: './nodes.mjs', run: 'runNodesBench' },
  { name: 'plugins', module: './plugins.mjs', run: 'runPluginsBench' },
  { name: 'memory', module: './memory.mjs', run: 'runMemoryBench', writesItself: true },
  { name: 'storage', module: './storage.mjs', run: 'runStorageBench', writesItself: true },
  { name: 'voice', module: './voice.mjs', run: 'runVoiceBench' },
  { name: 'remote', module: './remote.mjs', run: 'runRemoteBench' },
  { name: 'mainloop', module: './mainloop.mjs', run: 'runMainloopBench' },
  { name: 'session-usage', module: './session-usage.mjs', run: 'runSessionUsageBench' },
];
const only = process.argv.slice(2).find((a) => a === 'core' || a === 'channels' || SECTIONS.some((s) => s.name === a));

if (!only || only === 'core') {
  const result = {
    benchmark: 'gateway-core',
    when: new Date().toISOString(),
    machine: { cpus: cpus().length, memGiB: round(totalmem() / 2 ** 30, 1), node: process.version },
    quick,
    coldStartToHealth: await coldStart(),
    idleMemory: await idleMemory(),
    healthRpc: await rpc(),
  };
  const file = join(ROOT, 'bench', 'results', 'gateway-core.json');
  writeFileSync(file, JSON.stringify(result, null, 2) + '\n');
  process.stdout.write(JSON.stringify(result, null, 2) + '\n');
  process.stdout.write(`written to ${file}\n`);
}

for (const section of SECTIONS) {
  if (only && only !== section.name && !(only === 'channels' && section.channel)) continue;
  const run = (await import(section.module))[section.run];
  const result = await run({ quick });
  const file = join(ROOT, 'bench', 'results', `${section.name}.json`);
  if (!section.writesItself) writeFileSync(file, JSON.stringify(result, null, 2) + '\n');
  // Long sample series are summarised on the terminal; the file keeps them.
  const shown = result.soak?.samples ? { ...result, soak: { ...result.soak, samples: `${result.soak.samples.length} samples` } } : result;
  process.stdout.write(JSON.stringify(shown, null, 2) + '\n');
  process.stdout.write(`written to ${file}\n`);
}
