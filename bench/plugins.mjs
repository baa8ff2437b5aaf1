// `node bench/run.mjs plugins`: what plugins cost (bench/results/plugins.json).
//  - cold start to the first answered `health` with 0 and with 20 enabled fixture plugins, median of N runs
//    (and, with 20, the time until every plugin reports loaded): the per-plugin difference
//  - a plugin tool call through `tools.invoke`, in process and out of process, p50/p99 over the same RPC path
import { once } from 'node:events';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { connect, freePort, median, percentile, spawnGateway, tempState } from './lib.mjs';

const round = (n, d = 2) => Math.round(n * 10 ** d) / 10 ** d;

/** Writes `count` small skill plugins (each registers one tool) into `<dir>/plugins`. */
function writePlugins(dir, count, isolation = 'inprocess') {
  const root = join(dir, 'plugins');
  const ids = [];
  for (let i = 0; i < count; i++) {
    const id = `bench${isolation === 'process' ? 'out' : 'in'}${i}`;
    ids.push(id);
    const p = join(root, id);
    mkdirSync(p, { recursive: true });
    writeFileSync(join(p, 'openclaw.plugin.json'), JSON.stringify({ id, name: id, version: '1.0.0', kind: 'skill', main: 'index.js' }));
    writeFileSync(
      join(p, 'index.js'),
      `export default { id: ${JSON.stringify(id)}, register(api) { api.registerTool({ name: ${JSON.stringify(`${id}_echo`)}, description: 'echo', schema: { type: 'object', properties: { text: { type: 'string' } } }, execute: (p) => ({ content: String(p.text ?? '') }) }); } };\n`,
    );
  }
  return { root, ids };
}

/** Rewrites the temp state's config with a `plugins` section (and tools that may be invoked directly). */
function configure(s, plugins, allowTools) {
  const gateway = { auth: { mode: 'token', token: s.token }, ...(allowTools ? { tools: { allow: allowTools } } : {}) };
  writeFileSync(join(s.stateDir, 'openclaw.json'), JSON.stringify({ gateway, logging: { file: join(s.dir, 'gateway.log'), level: 'warn' }, ...(plugins ? { plugins } : {}) }));
}

const ADMIN = ['operator.read', 'operator.write', 'operator.admin'];

/** Waits until `count` bench plugins have loaded or failed (the bundled plugins, which load only when used, are left out). */
async function untilLoaded(c, count) {
  for (;;) {
    const l = await c.call('plugins.list');
    const ps = l.payload.plugins.filter((p) => p.id.startsWith('bench'));
    if (ps.length >= count && ps.every((p) => p.state === 'loaded' || p.state === 'failed')) return ps;
    await new Promise((r) => setTimeout(r, 2));
  }
}

async function coldStart(count, runs) {
  const times = [];
  const allLoaded = [];
  for (let i = 0; i < runs; i++) {
    const s = tempState();
    const { root } = writePlugins(s.dir, count);
    configure(s, count ? { load: { paths: [root] } } : undefined);
    const port = await freePort();
    const t0 = performance.now();
    const child = spawnGateway(s.env, port);
    const c = await connect(`ws://127.0.0.1:${port}`, s.token, { retryUntil: Date.now() + 20_000, scopes: ADMIN });
    const res = await c.call('health');
    times.push(performance.now() - t0);
    if (!res.ok) throw new Error('health failed');
    if (count) {
      const ps = await untilLoaded(c, count);
      if (ps.some((p) => p.state !== 'loaded')) throw new Error(`a bench plugin failed: ${JSON.stringify(ps.find((p) => p.state !== 'loaded'))}`);
      allLoaded.push(performance.now() - t0);
    }
    c.close();
    child.kill('SIGTERM');
    await once(child, 'exit');
    s.cleanup();
  }
  return { plugins: count, runs, medianMs: round(median(times)), ...(allLoaded.length ? { allLoadedMedianMs: round(median(allLoaded)) } : {}) };
}

async function toolRoundTrip(calls) {
  const s = tempState();
  // Both plugins live under the same root: one runs in the gateway, the other in its own process.
  const { root } = writePlugins(s.dir, 1, 'inprocess');
  writePlugins(s.dir, 1, 'process');
  configure(s, { load: { paths: [root] }, entries: { benchout0: { isolation: 'process' } } }, ['benchin0_echo', 'benchout0_echo']);
  const port = await freePort();
  const child = spawnGateway(s.env, port);
  const c = await connect(`ws://127.0.0.1:${port}`, s.token, { retryUntil: Date.now() + 20_000, scopes: ADMIN });
  const ps = await untilLoaded(c, 2);
  if (ps.some((p) => p.state !== 'loaded')) throw new Error(`a bench plugin failed: ${JSON.stringify(ps)}`);
  const measure = async (tool) => {
    for (let i = 0; i < 200; i++) await c.call('tools.invoke', { tool, args: { text: 'x' } });
    const lat = [];
    for (let i = 0; i < calls; i++) {
      const t = performance.now();
      const r = await c.call('tools.invoke', { tool, args: { text: 'hi' } });
      if (!r.ok || r.payload.result.isError) throw new Error(`${tool} failed: ${JSON.stringify(r.error ?? r.payload)}`);
      lat.push(performance.now() - t);
    }
    lat.sort((a, b) => a - b);
    return { calls, p50Ms: round(percentile(lat, 50), 3), p99Ms: round(percentile(lat, 99), 3) };
  };
  const inProcess = await measure('benchin0_echo');
  const outOfProcess = await measure('benchout0_echo');
  c.close();
  child.kill('SIGTERM');
  await once(child, 'exit');
  s.cleanup();
  return { inProcess, outOfProcess, p50OverheadMs: round(outOfProcess.p50Ms - inProcess.p50Ms, 3) };
}

export async function runPluginsBench({ quick }) {
  const runs = quick ? 3 : 10;
  const none = await coldStart(0, runs);
  const twenty = await coldStart(20, runs);
  return {
    benchmark: 'plugins',
    when: new Date().toISOString(),
    quick,
    coldStart: { none, twenty, perPluginMs: round((twenty.medianMs - none.medianMs) / 20, 3), perPluginUntilLoadedMs: round((twenty.allLoadedMedianMs - none.medianMs) / 20, 3) },
    toolCall: await toolRoundTrip(quick ? 500 : 3000),
  };
}
