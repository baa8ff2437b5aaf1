import type { Store } from '../../src-shared/store/types.js';
import { describe, expect, it } from 'vitest';
import type { PluginKind } from '../../src-shared/plugin/api.js';
import { memoryLogger } from '../../test-support/plugin-fixtures/index.js';
import { createApiCollector, runStopHandlers } from './api-collector.js';

const collector = (kinds: PluginKind[] = ['skill'], channelIds: string[] = []) =>
  createApiCollector({ id: 'acme', kinds, channelIds, config: { a: 1 }, log: memoryLogger(), dataDir: '/data/acme' });
const tool = (name: string) => ({ name, description: 'd', schema: { type: 'object' }, execute: () => 'x' });
const channel = (id: string) => ({ id, label: 'L', capabilities: { textLimit: 10, format: 'plain' as const, media: false, threads: false, livenessMs: 1000 }, create: () => ({}) as never });

describe('createApiCollector', () => {
  it('exposes id, config, dataDir and collects registrations', () => {
    const { api, collected } = collector(['skill', 'channel', 'memory', 'storage'], ['acme-chat']);
    expect([api.id, api.config, api.dataDir]).toEqual(['acme', { a: 1 }, '/data/acme']);
    api.registerTool(tool('acme_tool'));
    api.registerMethod('acme.status', 'operator.read', () => 1);
    api.registerHttpRoute({ method: 'POST', path: '/hook', public: true, handler: () => ({}) });
    api.on('after_reply', () => {});
    api.registerChannel(channel('acme-chat'));
    api.registerMemory({ search: async () => [] });
    api.registerStore({ id: 'acme-db', create: async () => ({}) as Store });
    expect(collected.tools.map((t) => t.name)).toEqual(['acme_tool']);
    expect(collected.methods.map((m) => [m.name, m.scope])).toEqual([['acme.status', 'operator.read']]);
    expect(collected.routes).toMatchObject([{ method: 'POST', path: '/hook', public: true }]);
    expect(collected.hooks.map((h) => h.name)).toEqual(['after_reply']);
    expect(collected.channels.map((c) => c.id)).toEqual(['acme-chat']);
    expect(collected.memory).toBeDefined();
    expect(collected.stores.map((s) => s.id)).toEqual(['acme-db']);
  });

  it.each<[string, (api: ReturnType<typeof collector>['api']) => void, RegExp]>([
    ['a method outside its namespace', (api) => api.registerMethod('chat.send', 'operator.write', () => 1), /must be named "acme\.<name>"/],
    ['a method named only by the prefix', (api) => api.registerMethod('acme.', 'operator.read', () => 1), /must be named/],
    ['an unknown scope', (api) => api.registerMethod('acme.x', 'root' as never, () => 1), /unknown scope "root"/],
    ['a bad tool name', (api) => api.registerTool(tool('has space')), /must be 1-64 letters/],
    ['a tool without a schema object', (api) => api.registerTool({ ...tool('t'), schema: 'x' as never }), /JSON Schema object/],
    ['a duplicate tool', (api) => [api.registerTool(tool('t')), api.registerTool(tool('t'))], /registered twice/],
    ['a channel without the channel kind', (api) => api.registerChannel(channel('acme-chat')), /needs kind "channel"/],
    ['memory without the memory kind', (api) => api.registerMemory({ search: async () => [] }), /needs kind "memory"/],
    ['a store without the storage kind', (api) => api.registerStore({ id: 's', create: async () => ({}) as Store }), /needs kind "storage"/],
    ['an unknown hook', (api) => (api.on as (hook: string, handler: () => void) => void)('on_everything', () => {}), /unknown hook/],
    ['a route path with ..', (api) => api.registerHttpRoute({ method: 'GET', path: '/a/../b', handler: () => ({}) }), /no \. or \.\. segments/],
    ['a route with a bad method', (api) => api.registerHttpRoute({ method: 'TRACE' as never, path: '/a', handler: () => ({}) }), /method must be one of/],
  ])('refuses %s with a clear error', (_what, act, message) => {
    const { api } = collector();
    expect(() => act(api)).toThrow(message);
  });

  it('accepts only channels the manifest lists', () => {
    const { api } = collector(['channel'], ['acme-chat']);
    expect(() => api.registerChannel(channel('other'))).toThrow(/not listed in the manifest's channels/);
  });

  it('refuses registrations once sealed', () => {
    const { api, seal, collected } = collector();
    seal();
    expect(() => api.registerTool(tool('late'))).toThrow(/after register\(\) finished/);
    expect(collected.tools).toEqual([]);
  });

  it('collects onStop handlers, and runs them in order with a deadline, reporting failures without throwing', async () => {
    const { api, collected, seal } = collector();
    const ran: string[] = [];
    api.onStop(() => void ran.push('first'));
    api.onStop(() => {
      throw new Error('socket already gone');
    });
    api.onStop(() => new Promise<void>(() => ran.push('never settles')));
    api.onStop(async () => void ran.push('last'));
    expect(() => api.onStop('nope' as never)).toThrow(/onStop handler must be a function/);
    seal();
    expect(() => api.onStop(() => {})).toThrow(/after register\(\) finished/);
    const problems: string[] = [];
    await runStopHandlers(collected.stopHandlers, (p) => problems.push(p), 50);
    expect(ran).toEqual(['first', 'never settles', 'last']);
    expect(problems).toEqual(['an onStop handler failed: socket already gone', 'an onStop handler did not finish within 50 ms']);
  });
});
