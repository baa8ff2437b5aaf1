import { afterAll, describe, expect, it, vi } from 'vitest';
import type { PluginKind } from '../../src-shared/plugin/api.js';
import type { PluginManifest } from '../../src-shared/plugin/manifest-schema.js';
import { fixtureCandidate, memoryLogger, tempDir } from '../../test-support/plugin-fixtures/index.js';
import type { PluginContributions, RegisteredTool } from './contributions.js';
import { createInProcessLoader } from './guard.js';
import type { PluginLoader } from './plugin-registry.js';
import { createPluginRegistry } from './registry.js';
import type { PluginCandidate, PluginRecord, PluginsConfig, PluginSource } from './types.js';

const state = tempDir();
afterAll(() => state.cleanup());

function candidate(id: string, over: Partial<PluginManifest> = {}, source: PluginSource = 'path', kinds: PluginKind[] = ['skill']): PluginCandidate {
  return { id, source, rootDir: `/plugins/${id}`, manifestPath: `/plugins/${id}/openclaw.plugin.json`, manifest: { id, ...over }, entry: `/plugins/${id}/index.js`, kinds, warnings: [] };
}

function contributions(pluginId: string, toolNames: string[] = [], extra: Partial<PluginContributions> = {}): PluginContributions {
  const tools: RegisteredTool[] = toolNames.map((name) => ({ pluginId, name, description: '', schema: {}, execute: async () => ({ content: name }) }));
  return { channels: [], tools, methods: [], routes: [], wsRoutes: [], hooks: [], stores: [], ...extra };
}

/** A loader answering from a table; `delays` lets a test finish loads out of order. */
function fakeLoader(table: Record<string, () => PluginContributions | Error>, delays: Record<string, number> = {}): PluginLoader & { calls: string[] } {
  const calls: string[] = [];
  const loader = (async (req) => {
    const id = req.candidate.manifest.id;
    calls.push(id);
    await new Promise((r) => setTimeout(r, delays[id] ?? 0));
    const out = table[id]!();
    return out instanceof Error ? { ok: false, error: out.message } : { ok: true, contributions: out, stop: async () => {} };
  }) as PluginLoader & { calls: string[] };
  loader.calls = calls;
  return loader;
}

function registry(candidates: PluginCandidate[], loader: PluginLoader, config: PluginsConfig = {}, reserved?: { tools?: string[] }) {
  return createPluginRegistry({ discovery: { candidates, duplicates: [] }, config, stateDir: state.dir, loaders: { inprocess: loader, process: loader }, log: memoryLogger(), ...(reserved ? { reserved } : {}) });
}

describe('plugin registry', () => {
  it('builds records before loading anything', () => {
    const bad: PluginCandidate = { id: 'broken', source: 'installed', rootDir: '/x', manifestPath: '/x/openclaw.plugin.json', kinds: [], warnings: [], problem: { file: '/x/openclaw.plugin.json', field: 'id', message: 'is required' } };
    const loader = fakeLoader({});
    const r = registry([candidate('a'), candidate('old', { apiVersion: 99 }), candidate('opt', {}, 'bundled'), bad], loader);
    expect(r.list().map((p) => [p.id, p.state, p.enabled])).toEqual([
      ['a', 'not-loaded', true],
      ['old', 'failed', true],
      ['opt', 'disabled', false],
      ['broken', 'failed', false],
    ]);
    expect(r.get('old')?.error).toMatch(/written for plugin API v99/);
    expect(r.get('broken')?.error).toBe('/x/openclaw.plugin.json: id: is required');
    expect(r.get('a')?.isolation).toBe('inprocess');
    expect(loader.calls).toEqual([]);
  });

  it('loads once for concurrent callers and exposes the contributions', async () => {
    const loader = fakeLoader({ a: () => contributions('a', ['a_tool']) });
    const r = registry([candidate('a')], loader);
    const [one, two] = await Promise.all([r.ensureLoaded('a'), r.ensureLoaded('a')]);
    expect([one.state, two.state]).toEqual(['loaded', 'loaded']);
    expect(loader.calls).toEqual(['a']);
    expect(typeof r.get('a')?.loadMs).toBe('number');
    expect(r.tools().map((t) => t.name)).toEqual(['a_tool']);
  });

  it('fails a plugin whose settings do not match its schema, without loading it', async () => {
    const loader = vi.fn(createInProcessLoader());
    const r = registry([fixtureCandidate('needs-config')], loader, { entries: { 'needs-config': { config: { retries: 'many' } } } });
    const rec = await r.ensureLoaded('needs-config');
    expect(rec.state).toBe('failed');
    expect(rec.error).toBe('invalid settings: plugins.entries.needs-config.config.apiKey: required; plugins.entries.needs-config.config.retries: expected integer, got string');
    expect(loader).not.toHaveBeenCalled();
  });

  it('resolves conflicts in discovery order even when the later plugin finishes loading first', async () => {
    const loader = fakeLoader({ first: () => contributions('first', ['shared']), second: () => contributions('second', ['shared', 'other']) }, { first: 30, second: 0 });
    const r = registry([candidate('first'), candidate('second')], loader);
    await r.loadEnabled();
    expect(r.get('first')?.state).toBe('loaded');
    expect(r.get('second')).toMatchObject({ state: 'failed', error: 'tool "shared" is already registered by plugin "first"; disable one of the two (openclaw plugins disable second)' });
    expect(r.tools().map((t) => `${t.pluginId}:${t.name}`)).toEqual(['first:shared']);
  });

  it('fails a plugin that registers a name the gateway owns', async () => {
    const r = registry([candidate('p')], fakeLoader({ p: () => contributions('p', ['Exec']) }), {}, { tools: ['exec'] });
    expect((await r.ensureLoaded('p')).error).toMatch(/tool "Exec" is already registered by the gateway/);
  });

  it('loadEnabled honours a filter and skips disabled plugins', async () => {
    const loader = fakeLoader({ a: () => contributions('a'), b: () => contributions('b') });
    const r = registry([candidate('a'), candidate('b'), candidate('c', {}, 'bundled')], loader);
    await r.loadEnabled((rec) => rec.id !== 'b');
    expect(loader.calls).toEqual(['a']);
  });

  it('reports health: not ok only when a critical plugin failed', async () => {
    const loader = fakeLoader({ guard: () => new Error('cannot reach policy server'), extra: () => new Error('meh') });
    const r = registry([candidate('guard', { critical: true }), candidate('extra')], loader);
    await r.loadEnabled();
    expect(r.health()).toEqual({ ok: false, plugins: { loaded: 0, failed: 2, disabled: 0, notLoaded: 0 }, failedCritical: [{ id: 'guard', error: 'cannot reach policy server' }] });
  });

  it('tells listeners about state changes', async () => {
    const seen: [string, string, string][] = [];
    const r = registry([candidate('a')], fakeLoader({ a: () => contributions('a', ['t']) }));
    r.onStateChange((rec: PluginRecord, prev) => seen.push([rec.id, prev, rec.state]));
    await r.ensureLoaded('a');
    r.fail('a', 'threw outside a call');
    expect(seen).toEqual([
      ['a', 'not-loaded', 'loaded'],
      ['a', 'loaded', 'failed'],
    ]);
  });

  it('withdraws contributions of a plugin marked failed, and its old handles refuse calls', async () => {
    const r = registry([fixtureCandidate('good')], createInProcessLoader());
    await r.ensureLoaded('good');
    const tool = r.tools().find((t) => t.name === 'good_echo')!;
    r.fail('good', 'threw outside any call');
    expect(r.tools()).toEqual([]);
    await expect(tool.execute({ text: 'x' }, { agentId: 'a', sessionKey: 's' })).rejects.toThrow('plugin "good" is unavailable: threw outside any call');
  });

  it('counts failed calls on the record', async () => {
    const r = registry([fixtureCandidate('tool-throws')], createInProcessLoader());
    await r.ensureLoaded('tool-throws');
    await r.tools().find((t) => t.name === 'explode')!.execute({}, { agentId: 'a', sessionKey: 's' }).catch(() => {});
    expect(r.get('tool-throws')).toMatchObject({ state: 'loaded', callErrors: 1, lastCallError: 'plugin "tool-throws" tool "explode" failed: thrown from tool-throws' });
  });

  it('applies config changes: disabling unloads, enabling makes it loadable, changed settings reload', async () => {
    const loader = fakeLoader({ a: () => contributions('a', ['t']) });
    const r = registry([candidate('a', { configSchema: { type: 'object' } })], loader);
    await r.ensureLoaded('a');
    await r.applyConfig({ entries: { a: { enabled: false } } });
    expect(r.get('a')).toMatchObject({ state: 'disabled', enabled: false, reason: 'turned off (plugins.entries.a.enabled is false)' });
    expect(r.tools()).toEqual([]);
    await r.applyConfig({});
    expect(r.get('a')?.state).toBe('not-loaded');
    await r.ensureLoaded('a');
    await r.applyConfig({ entries: { a: { config: { x: 1 } } } });
    expect(r.get('a')?.state).toBe('loaded');
    expect(loader.calls).toEqual(['a', 'a', 'a']);
  });

  it('lists channel providers from manifests, enabled or not', () => {
    const r = registry([fixtureCandidate('channel', 'bundled'), candidate('x', { channels: ['xchat'] }, 'bundled', ['channel', 'skill'])], fakeLoader({}));
    expect(r.channelProviders().map((p) => [p.channelId, p.pluginId, p.enabled])).toEqual([
      ['echochat', 'echochat', true],
      ['xchat', 'x', false],
    ]);
  });

  it('refreshes after an install or uninstall without touching the plugins it knows', async () => {
    const loader = fakeLoader({ a: () => contributions('a', ['a_tool']), b: () => contributions('b') });
    const a = candidate('a');
    const r = registry([a], loader);
    await r.ensureLoaded('a');
    await r.refresh({ candidates: [a, candidate('b', {}, 'installed')], duplicates: [] });
    expect(r.list().map((p) => [p.id, p.state, p.isolation])).toEqual([
      ['a', 'loaded', 'inprocess'],
      ['b', 'not-loaded', 'process'],
    ]);
    await r.refresh({ candidates: [candidate('b', {}, 'installed')], duplicates: [] });
    expect(r.list().map((p) => p.id)).toEqual(['b']);
    expect(r.tools()).toEqual([]);
    expect(loader.calls).toEqual(['a']);
  });
});
