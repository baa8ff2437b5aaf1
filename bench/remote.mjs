// Remote mode: what TLS on the gateway port costs. The same gateway build twice, plain and with
// `gateway.tls` (a generated self-signed certificate), each in its own process: connect time
// (TCP + TLS + challenge + hello) and `health` RPC throughput and p50/p99 with 1 and 16 clients.
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { connect, freePort, median, percentile, spawnGateway, tempState } from './lib.mjs';

const round = (n, d = 2) => Math.round(n * 10 ** d) / 10 ** d;
// The bench measures cost, not trust: the certificate is the gateway's own self-signed one.
const TLS = { rejectUnauthorized: false };

async function startGateway(tls) {
  const s = tempState();
  if (tls) {
    const config = JSON.parse((await import('node:fs')).readFileSync(join(s.stateDir, 'openclaw.json'), 'utf8'));
    config.gateway.tls = { enabled: true };
    writeFileSync(join(s.stateDir, 'openclaw.json'), JSON.stringify(config));
  }
  const port = await freePort();
  const child = spawnGateway(s.env, port);
  const url = `${tls ? 'wss' : 'ws'}://127.0.0.1:${port}`;
  const opts = tls ? { wsOptions: TLS } : {};
  (await connect(url, s.token, { retryUntil: Date.now() + 30_000, ...opts })).close();
  return {
    url,
    connect: (o = {}) => connect(url, s.token, { ...opts, ...o }),
    async stop() {
      child.kill('SIGTERM');
      await once(child, 'exit');
      s.cleanup();
    },
  };
}

async function connectTimes(gw, runs) {
  const times = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const c = await gw.connect();
    times.push(performance.now() - t0);
    c.close();
  }
  times.sort((a, b) => a - b);
  return { runs, medianMs: round(median(times)), p99Ms: round(percentile(times, 99)) };
}

async function load(gw, clients, ms) {
  const conns = await Promise.all(Array.from({ length: clients }, () => gw.connect()));
  await Promise.all(conns.map(async (c) => { for (let i = 0; i < 200; i++) await c.call('health'); }));
  const lat = [];
  const end = performance.now() + ms;
  const t0 = performance.now();
  await Promise.all(conns.map(async (c) => {
    while (performance.now() < end) {
      const s = performance.now();
      await c.call('health');
      lat.push(performance.now() - s);
    }
  }));
  const secs = (performance.now() - t0) / 1000;
  for (const c of conns) c.close();
  lat.sort((a, b) => a - b);
  return { clients, requests: lat.length, reqPerSec: Math.round(lat.length / secs), p50Ms: round(percentile(lat, 50)), p99Ms: round(percentile(lat, 99)) };
}

export async function runRemoteBench({ quick = false } = {}) {
  const runs = quick ? 20 : 100;
  const loadMs = quick ? 1000 : 4000;
  const plain = await startGateway(false);
  const tls = await startGateway(true);
  try {
    const out = { benchmark: 'remote', when: new Date().toISOString(), quick, connect: {}, healthRpc: {} };
    out.connect = { ws: await connectTimes(plain, runs), wss: await connectTimes(tls, runs) };
    for (const clients of [1, 16]) {
      const ws = await load(plain, clients, loadMs);
      const wss = await load(tls, clients, loadMs);
      out.healthRpc[`clients${clients}`] = { ws, wss, wssShareOfWs: round(wss.reqPerSec / ws.reqPerSec, 3) };
    }
    return out;
  } finally {
    await plain.stop();
    await tls.stop();
  }
}
