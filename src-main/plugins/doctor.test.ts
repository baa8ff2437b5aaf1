import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fixtureDir, memoryLogger, tempDir } from '../../test-support/plugin-fixtures/index.js';
import { discoverPlugins } from './discovery.js';
import { diagnosePlugins } from './doctor.js';
import { createInProcessLoader } from './guard.js';
import { createPluginRegistry } from './registry.js';
import type { PluginsConfig } from './types.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

describe('plugins doctor', () => {
  it('lists every problem with its fix', async () => {
    const bundledDir = join(tmp.dir, 'bundled');
    const stateDir = join(tmp.dir, 'state');
    for (const name of ['good', 'channel', 'throws-in-register', 'future-api', 'needs-config'] as const) cpSync(fixtureDir(name), join(bundledDir, name), { recursive: true });
    mkdirSync(join(stateDir, 'extensions', 'broken'), { recursive: true });
    writeFileSync(join(stateDir, 'extensions', 'broken', 'openclaw.plugin.json'), JSON.stringify({ id: 'broken', main: 'i.js', critical: 'yes' }));
    cpSync(fixtureDir('good'), join(stateDir, 'extensions', 'good'), { recursive: true });
    cpSync(fixtureDir('loops'), join(stateDir, 'extensions', 'loops'), { recursive: true });

    const config: PluginsConfig = {
      entries: {
        good: { enabled: false, config: { greeting: 'x' } },
        'throws-in-register': { enabled: true },
        'future-api': { enabled: true },
        'needs-config': { enabled: true, config: {} },
        ghost: { enabled: true },
      },
      slots: { memory: 'good' },
    };
    const discovery = discoverPlugins({ bundledDir, stateDir });
    const log = memoryLogger();
    const loader = createInProcessLoader();
    const registry = createPluginRegistry({ discovery, config, stateDir, loaders: { inprocess: loader, process: loader }, log });
    await registry.loadEnabled((r) => r.id === 'throws-in-register');
    const findings = diagnosePlugins({
      discovery,
      records: registry.list(),
      config,
      channels: { echochat: { token: '' }, matrix: {} },
      providers: registry.channelProviders(),
    });
    const byCode = (code: string) => findings.filter((f) => f.code === code);

    expect(byCode('manifest-invalid')).toEqual([expect.objectContaining({ severity: 'error', pluginId: 'broken', problem: expect.stringMatching(/openclaw\.plugin\.json: critical: must be true or false/), fix: expect.stringMatching(/fix that field/) })]);
    expect(byCode('duplicate-id')).toEqual([expect.objectContaining({ pluginId: 'good', problem: expect.stringMatching(/bundled\) is used, .*extensions\/good \(installed\) is ignored/) })]);
    expect(byCode('api-version')).toEqual([expect.objectContaining({ pluginId: 'future-api', problem: 'plugin "future-api" is written for plugin API v99; this gateway supports v1', fix: 'update OpenClaw, or install a version of the plugin made for this one' })]);
    expect(byCode('plugin-failed')).toEqual([expect.objectContaining({ pluginId: 'throws-in-register', problem: 'plugin "throws-in-register" failed: register() threw: boom in register', fix: expect.stringMatching(/openclaw plugins enable throws-in-register/) })]);
    expect(byCode('invalid-config')).toEqual([expect.objectContaining({ pluginId: 'needs-config', problem: 'plugins.entries.needs-config.config.apiKey: required' })]);
    expect(byCode('invalid-channel-config')).toEqual([expect.objectContaining({ problem: 'channels.echochat.token: must NOT have fewer than 1 characters' })]);
    expect(byCode('unknown-channel')).toEqual([expect.objectContaining({ problem: 'channels.matrix: no plugin provides channel "matrix"', fix: expect.stringMatching(/install one .* or remove channels\.matrix/) })]);
    expect(byCode('disabled-but-configured')).toEqual([expect.objectContaining({ pluginId: 'good', fix: 'run openclaw plugins enable good, or remove plugins.entries.good.config' })]);
    expect(byCode('unknown-plugin-in-config')).toEqual([expect.objectContaining({ pluginId: 'ghost' })]);
    expect(byCode('memory-slot')).toEqual([expect.objectContaining({ problem: 'plugins.slots.memory chooses "good", which is not a memory plugin' })]);
    expect(findings.map((f) => f.severity)).toEqual([...findings.map((f) => f.severity)].sort((a, b) => ['error', 'warning', 'info'].indexOf(a) - ['error', 'warning', 'info'].indexOf(b)));
  });

  it('has nothing to say about an installed channel plugin running in its own process, and notes a disabled channel provider', () => {
    const stateDir = join(tmp.dir, 'state2');
    cpSync(fixtureDir('channel'), join(stateDir, 'extensions', 'echochat'), { recursive: true });
    const discovery = discoverPlugins({ stateDir });
    const loader = createInProcessLoader();
    const mk = (config: PluginsConfig) => createPluginRegistry({ discovery, config, stateDir, loaders: { inprocess: loader, process: loader }, log: memoryLogger() });
    const on = mk({});
    expect(diagnosePlugins({ discovery, records: on.list(), config: {}, providers: on.channelProviders() }).map((f) => f.code)).toEqual([]);
    const off = mk({ deny: ['echochat'] });
    const findings = diagnosePlugins({ discovery, records: off.list(), config: { deny: ['echochat'] }, channels: { echochat: {} }, providers: off.channelProviders() });
    expect(findings).toEqual([expect.objectContaining({ code: 'channel-plugin-disabled', problem: expect.stringMatching(/channels\.echochat: kept but not running/), fix: 'run openclaw plugins enable echochat' })]);
  });
});
