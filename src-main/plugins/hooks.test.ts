import { afterAll, describe, expect, it } from 'vitest';
import { fixtureCandidate, memoryLogger, tempDir } from '../../test-support/plugin-fixtures/index.js';
import { createInProcessLoader } from './guard.js';
import { createHookRunner } from './hooks.js';
import type { PluginLoader } from './plugin-registry.js';
import { createPluginRegistry } from './registry.js';
import type { PluginCandidate, PluginsConfig } from './types.js';

const state = tempDir();
afterAll(() => state.cleanup());

function setup(candidates: PluginCandidate[], config: PluginsConfig = {}, loader: PluginLoader = createInProcessLoader()) {
  const log = memoryLogger();
  const registry = createPluginRegistry({ discovery: { candidates, duplicates: [] }, config, stateDir: state.dir, loaders: { inprocess: loader, process: loader }, log });
  return { registry, runner: createHookRunner(registry, log), log };
}
const event = (toolName: string) => ({ agentId: 'main', sessionKey: 'agent:main:main', toolName, params: {} });

describe('hook runner', () => {
  it('lets a hook block a tool call with its reason', async () => {
    const { registry, runner } = setup([fixtureCandidate('good')]);
    await registry.loadEnabled();
    await expect(runner.beforeToolCall(event('forbidden'))).resolves.toEqual({ block: true, reason: 'good says no', pluginId: 'good' });
    await expect(runner.beforeToolCall(event('read'))).resolves.toEqual({ block: false });
  });

  it('collects before_agent context', async () => {
    const { registry, runner } = setup([fixtureCandidate('good')], { entries: { good: { config: { greeting: 'hey' } } } });
    await registry.loadEnabled();
    await expect(runner.beforeAgent({ agentId: 'main', sessionKey: 's', text: 'hi' })).resolves.toEqual(['hey from good']);
  });

  it('ignores a throwing hook of an ordinary plugin, but logs it', async () => {
    const { registry, runner, log } = setup([fixtureCandidate('tool-throws')]);
    await registry.loadEnabled();
    await expect(runner.beforeToolCall(event('read'))).resolves.toEqual({ block: false });
    expect(log.lines.some((l) => l.msg.includes('not a critical plugin'))).toBe(true);
  });

  it('fails closed when a critical plugin\'s hook throws', async () => {
    const c = fixtureCandidate('tool-throws');
    const critical = { ...c, manifest: { ...c.manifest, critical: true } };
    const { registry, runner } = setup([critical]);
    await registry.loadEnabled();
    const verdict = await runner.beforeToolCall(event('read'));
    expect(verdict).toMatchObject({ block: true, pluginId: 'tool-throws', reason: expect.stringMatching(/critical plugin "tool-throws" could not check this call: .*hook exploded/) });
  });

  it('loads critical plugins before the first check and blocks every call when one failed', async () => {
    const c = fixtureCandidate('throws-in-register');
    const critical = { ...c, manifest: { ...c.manifest, critical: true } };
    const { registry, runner } = setup([critical]);
    expect(registry.get('throws-in-register')?.state).toBe('not-loaded');
    const verdict = await runner.beforeToolCall(event('read'));
    expect(verdict).toMatchObject({ block: true, reason: expect.stringMatching(/critical plugin "throws-in-register" failed \(register\(\) threw: boom in register\); tool calls are refused/) });
    expect(registry.health().ok).toBe(false);
  });
});
