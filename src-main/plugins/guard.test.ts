import { afterAll, describe, expect, it } from 'vitest';
import { fixtureCandidate, memoryLogger, tempDir, type FixtureName } from '../../test-support/plugin-fixtures/index.js';
import type { CallGuard, PluginContributions } from './contributions.js';
import { PluginCallError, PluginParamsError } from './errors.js';
import { createInProcessLoader } from './guard.js';
import type { PluginLoadRequest } from './plugin-registry.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

function request(name: FixtureName, config: unknown = {}, timeouts: Partial<CallGuard['timeouts']> = {}) {
  const errors: PluginCallError[] = [];
  const candidate = fixtureCandidate(name);
  const req: PluginLoadRequest = {
    candidate,
    config,
    dataDir: tmp.dir,
    guard: { pluginId: candidate.id, critical: false, timeouts: { toolMs: 2000, methodMs: 2000, hookMs: 2000, routeMs: 2000, channelMs: 2000, ...timeouts }, onCallError: (e) => errors.push(e), unavailable: () => undefined },
    log: memoryLogger(),
    attempt: 0,
    onFailure: () => {},
    onRestart: () => {},
  };
  return { req, errors };
}

async function loaded(name: FixtureName, config?: unknown, timeouts?: Partial<CallGuard['timeouts']>): Promise<{ c: PluginContributions; errors: PluginCallError[] }> {
  const { req, errors } = request(name, config, timeouts);
  const outcome = await createInProcessLoader()(req);
  if (!outcome.ok) throw new Error(outcome.error);
  return { c: outcome.contributions, errors };
}

const ctx = { agentId: 'main', sessionKey: 'agent:main:main' };

describe('in-process loader', () => {
  it('loads a good plugin and its contributions work', async () => {
    const { c } = await loaded('good', { greeting: 'hi' });
    const echo = c.tools.find((t) => t.name === 'good_echo')!;
    await expect(echo.execute({ text: 'there' }, ctx)).resolves.toEqual({ content: 'hi there', details: { agentId: 'main' } });
    await expect(c.methods[0]!.call({ n: 1 }, { clientId: 'cli', scopes: [] })).resolves.toEqual({ ok: true, echo: { n: 1 } });
    expect(c.routes[0]).toMatchObject({ method: 'GET', path: '/plugins/good/hello', public: false });
    await expect(c.routes[0]!.handle({ method: 'GET', path: '/hello', query: { name: 'ann' }, headers: {}, body: '' })).resolves.toEqual({ status: 200, json: { hello: 'ann' } });
    expect(c.hooks.map((h) => h.name).sort()).toEqual(['after_reply', 'before_agent', 'before_tool_call']);
  });

  it('validates params before calling the plugin, without blaming it', async () => {
    const { c, errors } = await loaded('good');
    await expect(c.tools[0]!.execute({ text: 5 }, ctx)).rejects.toBeInstanceOf(PluginParamsError);
    await expect(c.methods[0]!.call({ n: 'x' }, { clientId: 'cli', scopes: [] })).rejects.toThrow(/invalid params for method "good.status".*n: expected integer/);
    expect(errors).toEqual([]);
  });

  it.each<[FixtureName, RegExp]>([
    ['throws-at-import', /threw while loading .*throws-at-import\/index\.js: boom at import/],
    ['throws-in-register', /^register\(\) threw: boom in register$/],
    ['future-api', /written for plugin API v99; this gateway supports v1: update OpenClaw/],
  ])('fails %s with a reason and keeps the gateway running', async (name, reason) => {
    const outcome = await createInProcessLoader()(request(name).req);
    expect(outcome).toEqual({ ok: false, error: expect.stringMatching(reason) });
  });

  it('never imports a plugin written for an unsupported API version', async () => {
    await createInProcessLoader()(request('future-api').req);
    expect((globalThis as { __futureApiImported?: boolean }).__futureApiImported).toBeUndefined();
  });

  it('gives up on a register() that never settles', async () => {
    const outcome = await createInProcessLoader({ registerTimeoutMs: 50 })(request('register-hangs').req);
    expect(outcome).toEqual({ ok: false, error: 'import and register() did not finish within 50 ms' });
  });

  it('finds the entry through package.json openclaw.extensions', async () => {
    const { c } = await loaded('package-entry');
    await expect(c.tools[0]!.execute({}, ctx)).resolves.toEqual({ content: 'loaded via openclaw.extensions' });
  });

  it('fails only the call when a tool throws, returns garbage or hangs; the rest keeps working', async () => {
    const { c, errors } = await loaded('tool-throws', {}, { toolMs: 50 });
    const byName = (n: string) => c.tools.find((t) => t.name === n)!;
    await expect(byName('explode').execute({}, ctx)).rejects.toThrow('plugin "tool-throws" tool "explode" failed: thrown from tool-throws');
    await expect(byName('explode').execute({}, ctx)).rejects.toBeInstanceOf(PluginCallError);
    await expect(byName('bad_result').execute({}, ctx)).rejects.toThrow(/neither a string nor/);
    await expect(byName('never_ends').execute({}, ctx)).rejects.toThrow(/timed out after 50 ms/);
    await expect(byName('still_fine').execute({}, ctx)).resolves.toEqual({ content: 'fine' });
    expect(errors.map((e) => e.target)).toEqual(['tool "explode"', 'tool "explode"', 'tool "bad_result"', 'tool "never_ends"']);
  });
});
