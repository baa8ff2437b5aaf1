import { openSqliteStore } from '../store/sqlite-store.js';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildPluginChild, fixtureCandidate, memoryLogger, tempDir, type FixtureName } from '../../test-support/plugin-fixtures/index.js';
import { Waiters } from '../../test-support/wait-until.js';
import type { PluginContributions } from './contributions.js';
import type { PluginLoadRequest } from './plugin-registry.js';
import { createProcessLoader, type ProcessLoaderOptions } from './process-host.js';
import { createPluginRegistry } from './registry.js';
import { createInProcessLoader } from './guard.js';
import { toChannelPlugin } from './channel-bridge.js';
import { ChannelRateLimitError, type ChannelContext } from '../../src-shared/domain/channel.js';
import type { InboundMessage } from '../../src-shared/domain/inbound.js';

const tmp = tempDir();
let childEntry = '';
const stops: (() => Promise<void>)[] = [];
beforeAll(async () => {
  childEntry = await buildPluginChild(tmp.dir);
});
afterEach(async () => {
  await Promise.all(stops.splice(0).map((s) => s()));
});
afterAll(() => tmp.cleanup());

const ctx = { agentId: 'main', sessionKey: 'agent:main:main' };

/** Starts a fixture out of process; records restarts and failures so tests can await them. */
async function start(name: FixtureName, opts: Partial<ProcessLoaderOptions> = {}, config: unknown = {}) {
  const waiters = new Waiters();
  const events = { restarts: [] as string[], failures: [] as string[] };
  const log = memoryLogger();
  const candidate = fixtureCandidate(name, 'installed');
  const dataDir = join(tmp.dir, 'data', `${name}-${Math.random().toString(36).slice(2)}`);
  const req: PluginLoadRequest = {
    candidate,
    config,
    dataDir,
    guard: { pluginId: candidate.id, critical: false, timeouts: { toolMs: 5000, methodMs: 5000, hookMs: 5000, routeMs: 5000, channelMs: 1500 }, onCallError: () => {}, unavailable: () => undefined },
    log,
    attempt: 0,
    onFailure: (reason) => {
      events.failures.push(reason);
      waiters.notify();
    },
    onRestart: (reason) => {
      events.restarts.push(reason);
      waiters.notify();
    },
  };
  const loader = createProcessLoader({ childEntry, restart: { initialMs: 10, maxMs: 50, maxCrashes: 3, windowMs: 60_000 }, random: () => 0.5, ...opts });
  const outcome = await loader(req);
  if (outcome.ok) stops.push(outcome.stop);
  const tool = (n: string) => (outcome.ok ? outcome.contributions.tools.find((t) => t.name === n)! : undefined)!;
  return { outcome, contributions: (outcome.ok ? outcome.contributions : undefined) as PluginContributions, tool, events, waiters, log, dataDir };
}

describe('out-of-process plugins', () => {
  it('run their tools, methods, hooks and routes over JSON-RPC', async () => {
    const { contributions: c, tool } = await start('good', {}, { greeting: 'yo' });
    await expect(tool('good_echo').execute({ text: 'there' }, ctx)).resolves.toEqual({ content: 'yo there', details: { agentId: 'main' } });
    await expect(c.methods[0]!.call({ n: 2 }, { clientId: 'cli', scopes: ['operator.read'] })).resolves.toEqual({ ok: true, echo: { n: 2 } });
    const blocker = c.hooks.find((h) => h.name === 'before_tool_call')!;
    await expect(blocker.run({ ...ctx, toolName: 'forbidden', params: {} } as never)).resolves.toEqual({ block: true, reason: 'good says no' });
    await expect(c.routes[0]!.handle({ method: 'GET', path: '/hello', query: {}, headers: {}, body: '' })).resolves.toEqual({ status: 200, json: { hello: 'world' } });
  });

  it('keeps the protocol clean when the plugin prints, turning output into log lines', async () => {
    const { tool, log } = await start('good');
    await expect(tool('good_print').execute({}, ctx)).resolves.toEqual({ content: 'printed' });
    expect(log.lines).toContainEqual(expect.objectContaining({ subsystem: 'plugins', level: 'info', msg: 'printed by the plugin' }));
  });

  it('gets a scrubbed environment with its data folder as HOME and working directory', async () => {
    const parentEnv = { PATH: process.env.PATH, OPENCLAW_GATEWAY_TOKEN: 'top-secret', GOOD_PLUGIN_TOKEN: 'mine', AWS_SECRET_ACCESS_KEY: 'no' };
    const { tool, log, dataDir } = await start('good', { parentEnv });
    const seen = JSON.parse((await tool('good_env').execute({}, ctx)).content) as { env: Record<string, string>; cwd: string };
    expect(seen.env.OPENCLAW_GATEWAY_TOKEN).toBeUndefined();
    expect(seen.env.AWS_SECRET_ACCESS_KEY).toBeUndefined();
    expect(seen.env.GOOD_PLUGIN_TOKEN).toBe('mine');
    expect(seen.env.HOME).toBe(dataDir);
    expect(seen.cwd).toBe(dataDir);
    expect(log.lines).toContainEqual(expect.objectContaining({ level: 'warn', fields: { refused: ['OPENCLAW_GATEWAY_TOKEN'] } }));
  });

  it('may write only its own data folder under the permission model', async () => {
    const { tool, dataDir } = await start('good', { permissionModel: 'on' });
    await expect(tool('good_write').execute({ path: 'inside.txt' }, ctx)).resolves.toEqual({ content: 'written' });
    expect(existsSync(join(dataDir, 'inside.txt'))).toBe(true);
    const outside = join(tmp.dir, 'outside.txt');
    await expect(tool('good_write').execute({ path: outside }, ctx)).rejects.toThrow(/tool "good_write" failed: .*(Access to this API has been restricted|ERR_ACCESS_DENIED)/);
    expect(existsSync(outside)).toBe(false);
  });

  it('reports a register() that throws as a load failure', async () => {
    const { outcome } = await start('throws-in-register');
    expect(outcome).toEqual({ ok: false, error: 'register() threw: boom in register' });
  });

  it('fails the call in flight when the process exits, then restarts it', async () => {
    const { tool, events, waiters, dataDir } = await start('crashes');
    await expect(tool('crash').execute({}, ctx)).rejects.toThrow('plugin "crashes" tool "crash" failed: its process exited with code 3 during the call');
    await expect(tool('ok').execute({}, ctx)).rejects.toThrow(/restarting after a crash \(exited with code 3\)/);
    await waiters.until(() => events.restarts[0], 10_000, 'a restart');
    await expect(tool('ok').execute({}, ctx)).resolves.toEqual({ content: 'ok' });
    expect(readFileSync(join(dataDir, 'starts'), 'utf8')).toBe('xx');
  });

  it('restarts after an uncaught exception thrown from a timer', async () => {
    const { tool, events, waiters } = await start('crashes');
    await expect(tool('crash_later').execute({}, ctx)).resolves.toEqual({ content: 'soon' });
    expect(await waiters.until(() => events.restarts[0], 10_000, 'a restart')).toBe('exited with code 70');
  });

  it('stops restarting after too many crashes in the window and says why', async () => {
    const { tool, events, waiters } = await start('crashes', { restart: { initialMs: 10, maxMs: 20, maxCrashes: 2, windowMs: 60_000 } });
    await tool('crash').execute({}, ctx).catch(() => {});
    await waiters.until(() => events.restarts[0], 10_000, 'the first restart');
    await tool('crash').execute({}, ctx).catch(() => {});
    const failure = await waiters.until(() => events.failures[0], 10_000, 'the failure');
    expect(failure).toMatch(/its process crashed 2 times within 60 s \(last: exited with code 3\); fix the plugin, then enable it again \(openclaw plugins enable crashes\)/);
    await expect(tool('ok').execute({}, ctx)).rejects.toThrow(/unavailable: its process crashed 2 times/);
  });

  it('kills a process stuck in an endless loop, fails the call and recovers', async () => {
    const { tool, events, waiters } = await start('loops', { pingIntervalMs: 50, pingTimeoutMs: 200 });
    const started = Date.now();
    await expect(tool('spin').execute({}, ctx)).rejects.toThrow(/tool "spin" failed: its process stopped answering \(no reply to a ping within 200 ms.*\) and was killed during the call/);
    expect(Date.now() - started).toBeLessThan(5000);
    await waiters.until(() => events.restarts[0], 10_000, 'a restart');
    await expect(tool('ok').execute({}, ctx)).resolves.toEqual({ content: 'ok' });
  });

  it('run as installed plugins through the registry, which counts restarts and records the final failure', async () => {
    const stateDir = join(tmp.dir, 'registry-state');
    const processLoader = createProcessLoader({ childEntry, restart: { initialMs: 10, maxMs: 20, maxCrashes: 2, windowMs: 60_000 }, random: () => 0.5 });
    const registry = createPluginRegistry({
      discovery: { candidates: [fixtureCandidate('crashes', 'installed')], duplicates: [] },
      config: {},
      stateDir,
      loaders: { inprocess: createInProcessLoader(), process: processLoader },
      log: memoryLogger(),
    });
    stops.push(() => registry.stop());
    const waiters = new Waiters();
    registry.onStateChange(() => waiters.notify());
    expect((await registry.ensureLoaded('crashes')).isolation).toBe('process');
    const crash = () => registry.tools().find((t) => t.name === 'crash')!.execute({}, ctx).catch(() => undefined);
    await crash();
    await waiters.until(() => (registry.get('crashes')!.restarts === 1 ? true : undefined), 10_000, 'a counted restart');
    await crash();
    const failed = await waiters.until(() => (registry.get('crashes')!.state === 'failed' ? registry.get('crashes') : undefined), 10_000, 'the failed state');
    expect(failed).toMatchObject({ callErrors: 2, error: expect.stringMatching(/crashed 2 times/) });
    expect(registry.tools()).toEqual([]);
  });
});

/** A channel context that records what the adapter does; `emit` waits for `release` when `hold` is set. */
function channelContext(dataDir: string, waiters: Waiters, channel = 'procchat', state?: ChannelContext['state']) {
  const rec = { emitted: [] as InboundMessage[], heartbeats: 0, failures: [] as Error[], log: memoryLogger('channels/procchat'), hold: false };
  let release: () => void = () => {};
  const ctx: ChannelContext = {
    channel,
    accountId: 'work',
    config: { token: 't' },
    dataDir,
    ...(state ? { state } : {}),
    log: rec.log,
    emit: async (msg) => {
      rec.emitted.push(msg);
      waiters.notify();
      if (rec.hold) await new Promise<void>((resolve) => (release = resolve));
    },
    heartbeat: () => {
      rec.heartbeats++;
      waiters.notify();
    },
    fail: (err) => {
      rec.failures.push(err);
      waiters.notify();
    },
    signal: new AbortController().signal,
  };
  return { ctx, rec, release: () => release() };
}

const platform = (dataDir: string) => `http://127.0.0.1:${readFileSync(join(dataDir, 'port'), 'utf8')}`;
const post = (url: string, body: unknown = {}) => fetch(url, { method: 'POST', body: JSON.stringify(body) }).then((r) => r.json() as Promise<Record<string, unknown>>);
const sentLines = (dataDir: string) => readFileSync(join(dataDir, 'sent.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as unknown);

describe('out-of-process channels', () => {
  it('run their adapters across the process boundary and come back after a crash', async () => {
    const { contributions, events, waiters, dataDir, log } = await start('process-channel');
    const plugin = toChannelPlugin(contributions.channels[0]!);
    expect(plugin).toMatchObject({ id: 'procchat', label: 'Process Chat' });
    expect(plugin.checkConfig({ token: 't' }, { platform: 'linux' })).toEqual({ ok: true });

    // The gateway hands the child a folder inside the plugin's own data folder: the only place it may write.
    const accountDir = join(dataDir, 'channels', 'procchat', 'work');
    const first = channelContext(join(dataDir, 'gateway-side', 'work'), waiters);
    const adapter = plugin.create(first.ctx);
    await adapter.start();
    await waiters.until(() => (first.rec.heartbeats > 0 ? true : undefined), 5000, 'a heartbeat');
    // describe() is synchronous on the gateway side: it answers from the facts the child reported at start.
    expect(adapter.describe!()).toEqual({ botName: 'procbot', inbound: 0 });
    // The adapter's log lines reach its own logger, not the plugin's.
    expect(first.rec.log.lines).toContainEqual(expect.objectContaining({ level: 'info', msg: 'listening', fields: { account: 'work' } }));
    expect(log.lines.some((l) => l.msg === 'listening')).toBe(false);

    // Inbound: the child acknowledges the platform only after the gateway's emit resolved.
    const url = platform(accountDir);
    first.rec.hold = true;
    const answered = post(`${url}/inbound`, { id: 'm1', text: 'hello' });
    const msg = await waiters.until(() => first.rec.emitted[0], 5000, 'the inbound message');
    expect(msg).toMatchObject({ channel: 'procchat', accountId: 'work', messageId: 'm1', text: 'hello', peer: { kind: 'direct', id: 'u:1' } });
    expect(await fetch(`${url}/state`).then((r) => r.json())).toEqual({ acked: [], aborted: false });
    first.release();
    await expect(answered).resolves.toEqual({ acked: 'm1' });
    expect(first.rec.heartbeats).toBeGreaterThanOrEqual(2);
    // Changed facts travel with the next heartbeat.
    first.rec.hold = false;
    await post(`${url}/inbound`, { id: 'm1b', text: 'again' });
    await waiters.until(() => (adapter.describe!().inbound === 1 ? true : undefined), 5000, 'the facts after the first message');

    // A send the child never answers fails on its own after the channel call time (delivery then retries it),
    // and the adapter keeps working.
    const hung = (await adapter.send({ to: { kind: 'direct', id: 'u:1' }, text: 'hang' }).catch((e: unknown) => e)) as Error;
    expect(hung.message).toMatch(/^plugin "procchat" channel "procchat" send failed: .*(timed out|abort)/i);

    // Outbound, typing, and a platform rate limit that keeps its kind and delay.
    await expect(adapter.send({ to: { kind: 'direct', id: 'u:1' }, text: 'hi' })).resolves.toEqual({ messageId: 's1' });
    await adapter.sendTyping!({ kind: 'direct', id: 'u:1' });
    expect(sentLines(accountDir)).toEqual([{ to: { kind: 'direct', id: 'u:1' }, text: 'hi' }, { typing: { kind: 'direct', id: 'u:1' } }]);
    const limited = await adapter.send({ to: { kind: 'direct', id: 'u:1' }, text: 'slow down' }).catch((e: unknown) => e);
    expect(limited).toBeInstanceOf(ChannelRateLimitError);
    expect(limited).toMatchObject({ retryAfterMs: 1500, message: 'too many messages' });

    // A connection the adapter reports dead reaches ctx.fail.
    await post(`${url}/fail`);
    expect(await waiters.until(() => first.rec.failures[0], 5000, 'the adapter failure')).toMatchObject({ message: 'socket closed by the platform' });

    // The process dies: the live adapter fails, its calls reject, stopping it is harmless.
    await post(`${url}/crash`).catch(() => undefined);
    const crashFailure = await waiters.until(() => first.rec.failures[1], 5000, 'the crash failure');
    expect(crashFailure.message).toMatch(/^plugin process exited \(plugin "procchat": its process exited with code 5\)/);
    await expect(adapter.send({ to: { kind: 'direct', id: 'u:1' }, text: 'lost' })).rejects.toThrow(/plugin "procchat" channel "procchat" send failed: plugin process exited/);
    await expect(adapter.stop()).resolves.toBeUndefined();

    // Once the host restarted the child, a new adapter starts and delivers; its state lives in the gateway's store.
    await waiters.until(() => events.restarts[0], 10_000, 'a restart');
    const store = openSqliteStore(':memory:');
    const state: NonNullable<ChannelContext['state']> = {
      get: (key) => store.channelState.get('procchat', 'work', key),
      set: (entries) => store.channelState.set('procchat', 'work', entries, Date.now()),
      list: (prefix) => store.channelState.list('procchat', 'work', prefix),
      clear: async () => void (await store.channelState.clear('procchat', 'work')),
    };
    const second = channelContext(accountDir, waiters, 'procchat', state);
    const again = plugin.create(second.ctx);
    await again.start();
    await expect(post(`${platform(accountDir)}/remember`, { entries: { cursor: '42', creds: '{"me":1}' } })).resolves.toEqual({ remembered: true });
    expect(await store.channelState.get('procchat', 'work', 'cursor')).toBe('42');
    await post(`${platform(accountDir)}/remember`, { entries: { creds: null } });
    expect(await fetch(`${platform(accountDir)}/recall`).then((r) => r.json())).toEqual({ cursor: '42' });
    await store.close();
    await expect(post(`${platform(accountDir)}/inbound`, { id: 'm2', text: 'back' })).resolves.toEqual({ acked: 'm2' });
    expect(second.rec.emitted).toEqual([expect.objectContaining({ messageId: 'm2', text: 'back' })]);
    expect(first.rec.emitted).toHaveLength(2);
    await again.stop();
    await expect(fetch(`${platform(accountDir)}/state`)).rejects.toThrow();
    await expect(again.send({ to: { kind: 'direct', id: 'u:1' }, text: 'after stop' })).rejects.toThrow(/send failed: the adapter was stopped/);
  });

  it('report an adapter that cannot start, naming plugin and channel', async () => {
    const { contributions, waiters, dataDir } = await start('process-channel');
    const plugin = toChannelPlugin(contributions.channels[0]!);
    const { ctx } = channelContext(join(dataDir, 'gateway-side', 'bad'), waiters);
    const adapter = plugin.create({ ...ctx, config: {} });
    await expect(adapter.start()).rejects.toThrow('plugin "procchat" channel "procchat" start failed: token is missing');
    await expect(adapter.stop()).resolves.toBeUndefined();
  });

  it('run a QR login in the child: codes come back as they appear, credentials land in the account folder, logout removes them, cancel ends it', async () => {
    const { contributions, dataDir } = await start('process-channel');
    const plugin = toChannelPlugin(contributions.channels[0]!);
    expect(plugin.login).toBeTypeOf('function');
    const accountDir = join(dataDir, 'channels', 'procchat', 'work');
    const base = { channel: 'procchat', accountId: 'work', config: { token: 't' }, dataDir: join(dataDir, 'gateway-side'), log: memoryLogger('channels/procchat'), signal: new AbortController().signal };
    const codes: string[] = [];
    await expect(plugin.login!(base, { onQr: (qr) => codes.push(qr), signal: new AbortController().signal })).resolves.toEqual({ linkedAs: 'procchat:work' });
    expect(codes).toEqual(['qr-1', 'qr-2']);
    expect(JSON.parse(readFileSync(join(accountDir, 'creds.json'), 'utf8'))).toEqual({ account: 'work' });
    await plugin.logout!(base);
    expect(existsSync(join(accountDir, 'creds.json'))).toBe(false);

    // A login nobody completes is cancelled from the gateway side; the child stops waiting.
    const cancel = new AbortController();
    const seen = new Waiters();
    const shown: string[] = [];
    const pending = plugin.login!({ ...base, config: { token: 't', waitForever: true } }, { onQr: (qr) => (shown.push(qr), seen.notify()), signal: cancel.signal });
    await seen.until(() => (shown.length ? true : undefined), 5000, 'the first QR code');
    cancel.abort(new Error('closed by the user'));
    await expect(pending).rejects.toThrow(/login/);
    expect(shown).toEqual(['qr-1']);
  });
});
