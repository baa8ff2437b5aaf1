// Many idle nodes: 5,000 real WebSocket nodes, each with its own Ed25519 key and a signed v3
// connect, against the gateway in its own process. Measures the connect phase, the gateway's RSS
// and CPU over an idle minute (30 s with --quick), and node.invoke round trips against one node.
// The nodes connect directly on loopback with the gateway token, so their devices are approved at
// once (as on the user's own machine); their commands still need approval, given to the one node
// that is invoked. `OPENCLAW_BENCH_NODES` changes the count.
import { execSync } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import WebSocket from 'ws';
import { buildBenchFixtures } from './build-fixtures.mjs';
import { connect, freePort, percentile, rssBytes, spawnGateway, tempState } from './lib.mjs';

const round = (n, d = 2) => Math.round(n * 10 ** d) / 10 ** d;
const MiB = (b) => (b === null ? null : round(b / 1048576, 1));

/** Soft limit on open files for a process (Linux /proc). */
function openFileLimit(pid = 'self') {
  const m = /Max open files\s+(\d+|unlimited)/.exec(readFileSync(`/proc/${pid}/limits`, 'utf8'));
  return !m || m[1] === 'unlimited' ? Infinity : Number(m[1]);
}

/** utime + stime of a process, in seconds. */
function cpuSeconds(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
}
const CLK_TCK = (() => {
  try {
    return Number(execSync('getconf CLK_TCK').toString().trim()) || 100;
  } catch {
    return 100;
  }
})();

/** One node: challenge → signed connect (role node) → hello; answers every invoke at once. */
function connectNode(url, token, keys, sign) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { perMessageDeflate: false });
    ws.on('error', reject);
    ws.on('message', (data) => {
      const f = JSON.parse(data.toString());
      if (f.type === 'event' && f.event === 'connect.challenge') {
        const client = { id: 'node-host', mode: 'node', version: 'bench', platform: 'linux' };
        const device = sign(keys, { clientId: client.id, clientMode: client.mode, role: 'node', scopes: [], signedAtMs: f.payload.ts, token, nonce: f.payload.nonce, platform: client.platform });
        ws.send(JSON.stringify({ type: 'req', id: 'c', method: 'connect', params: { minProtocol: 4, maxProtocol: 4, client, role: 'node', scopes: [], commands: ['system.notify'], auth: { token }, device } }));
      } else if (f.type === 'res' && f.id === 'c') {
        if (f.ok) resolve(ws);
        else reject(new Error(`node connect refused: ${f.error.message}`));
      } else if (f.type === 'event' && f.event === 'node.invoke.request') {
        ws.send(JSON.stringify({ type: 'req', id: `r${f.payload.id}`, method: 'node.invoke.result', params: { id: f.payload.id, ok: true, payloadJSON: '{"shown":true}' } }));
      }
    });
  });
}

export async function runNodesBench({ quick = false } = {}) {
  const count = Number(process.env.OPENCLAW_BENCH_NODES ?? 5000);
  const idleMs = quick ? 30_000 : 60_000;
  const invokes = quick ? 1000 : 5000;
  // Each node is one socket here and one in the gateway (which inherits this limit).
  const limit = openFileLimit();
  if (limit < count + 500) {
    throw new Error(`open-file limit is ${limit}; ${count} nodes need about ${count + 500} descriptors in this process and in the gateway: raise it first (ulimit -n ${count + 1000})`);
  }
  const { deviceKeys } = await buildBenchFixtures();
  const out = { benchmark: 'nodes', when: new Date().toISOString(), quick, nodes: count, openFileLimit: limit };

  const s = tempState();
  const port = await freePort();
  const url = `ws://127.0.0.1:${port}`;
  const child = spawnGateway(s.env, port);
  const op = await connect(url, s.token, { retryUntil: Date.now() + 20_000, scopes: ['operator.read', 'operator.write', 'operator.pairing', 'operator.admin'] });
  out.gatewayRssMiBBeforeNodes = MiB(rssBytes(child.pid));

  const keys = Array.from({ length: count }, () => deviceKeys.generateDeviceKeys());
  const sockets = [];
  const t0 = performance.now();
  const BATCH = 200;
  for (let i = 0; i < count; i += BATCH) {
    sockets.push(...(await Promise.all(keys.slice(i, i + BATCH).map((k) => connectNode(url, s.token, k, deviceKeys.signDeviceProof)))));
  }
  const connectSecs = (performance.now() - t0) / 1000;
  out.connect = { seconds: round(connectSecs), perSecond: Math.round(count / connectSecs) };

  const list = await op.call('node.list');
  out.connectedPerGateway = list.payload.nodes.filter((n) => n.connected).length;
  if (out.connectedPerGateway !== count) throw new Error(`gateway reports ${out.connectedPerGateway} connected nodes, expected ${count}`);
  // One node's commands approved: the invoke target.
  const target = keys[Math.floor(count / 2)].deviceId;
  const pending = (await op.call('node.pair.list')).payload.pending;
  out.pendingNodeRequests = pending.length;
  const approved = await op.call('node.pair.approve', { requestId: pending.find((p) => p.node.nodeId === target).requestId });
  if (!approved.ok) throw new Error(`approve failed: ${approved.error.message}`);

  // Idle: nothing but ticks and keepalive pings. Let the connect burst's garbage settle first.
  await new Promise((r) => setTimeout(r, 2000));
  const rssStart = rssBytes(child.pid);
  const cpu0 = cpuSeconds(child.pid);
  const i0 = performance.now();
  let rssPeak = rssStart;
  while (performance.now() - i0 < idleMs) {
    await new Promise((r) => setTimeout(r, 1000));
    rssPeak = Math.max(rssPeak, rssBytes(child.pid) ?? 0);
  }
  const idleSecs = (performance.now() - i0) / 1000;
  const cpuPct = ((cpuSeconds(child.pid) - cpu0) / idleSecs) * 100;
  out.idle = { seconds: round(idleSecs, 1), gatewayCpuPercent: round(cpuPct), gatewayRssMiBStart: MiB(rssStart), gatewayRssMiBEnd: MiB(rssBytes(child.pid)), gatewayRssMiBPeak: MiB(rssPeak), rssKiBPerNode: round((rssStart - (out.gatewayRssMiBBeforeNodes * 1048576)) / 1024 / count, 1) };

  // node.invoke round trips, one at a time, against the approved node while the others idle.
  for (let i = 0; i < 200; i++) await op.call('node.invoke', { nodeId: target, command: 'system.notify', params: { title: 'warm' }, idempotencyKey: `w${i}` });
  const lat = [];
  const l0 = performance.now();
  for (let i = 0; i < invokes; i++) {
    const a = performance.now();
    const r = await op.call('node.invoke', { nodeId: target, command: 'system.notify', params: { title: 'bench' }, idempotencyKey: `i${i}` });
    lat.push(performance.now() - a);
    if (!r.ok || !r.payload.ok) throw new Error(`invoke failed: ${JSON.stringify(r.error ?? r.payload)}`);
  }
  const invokeSecs = (performance.now() - l0) / 1000;
  lat.sort((a, b) => a - b);
  out.invoke = { count: invokes, perSecond: Math.round(invokes / invokeSecs), p50Ms: round(percentile(lat, 50), 3), p99Ms: round(percentile(lat, 99), 3), maxMs: round(lat.at(-1), 3) };

  op.close();
  for (const ws of sockets) ws.terminate();
  child.kill('SIGTERM');
  await once(child, 'exit');
  s.cleanup();
  return out;
}
