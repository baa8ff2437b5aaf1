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
    guard: { pluginId: candidate.id, critical: false, timeouts: { toolMs: 5000, methodMs: 5000, hookMs: 5000, routeMs: 5000 }, onCallError: () => {}, unavailable: () => undefined },
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
