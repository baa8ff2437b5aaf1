import { afterAll, describe, expect, it } from 'vitest';
import type { ChannelContext } from '../../src-shared/domain/channel.js';
import { fixtureCandidate, memoryLogger, tempDir } from '../../test-support/plugin-fixtures/index.js';
import { pluginChannelCatalog, toChannelPlugin } from './channel-bridge.js';
import { createInProcessLoader } from './guard.js';
import { createPluginRegistry } from './registry.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

function registry() {
  const loader = createInProcessLoader();
  return createPluginRegistry({ discovery: { candidates: [fixtureCandidate('channel', 'bundled')], duplicates: [] }, config: {}, stateDir: tmp.dir, loaders: { inprocess: loader, process: loader }, log: memoryLogger() });
}

describe('plugin channels', () => {
  it('are in the catalog from the manifest before any code loads', () => {
    const r = registry();
    const [entry] = pluginChannelCatalog(r);
    expect(entry).toMatchObject({ id: 'echochat', label: 'Echo Chat', personalNumber: false, pluginId: 'echochat' });
    expect(entry!.bareTargetKind!('g:42')).toBe('group');
    expect(entry!.bareTargetKind!('u:7')).toBe('direct');
    expect(r.get('echochat')?.state).toBe('not-loaded');
  });

  it('load the plugin on first use and run as a ChannelPlugin', async () => {
    const r = registry();
    const plugin = await pluginChannelCatalog(r)[0]!.load();
    expect(r.get('echochat')?.state).toBe('loaded');
    expect(plugin.checkConfig({}, { platform: 'linux' })).toEqual({ ok: false, reason: 'token is missing' });
    const ctx = { channel: 'echochat', accountId: 'work', config: { token: 't' }, heartbeat: () => {} } as unknown as ChannelContext;
    const adapter = plugin.create(ctx);
    await adapter.start();
    await expect(adapter.send({ to: { kind: 'direct', id: 'u:1' }, text: 'hi' })).resolves.toEqual({ messageId: 'm1' });
    const mod = (await import('../../test-support/plugin-fixtures/channel/index.js' as string)) as { sent: unknown[] };
    expect(mod.sent).toContainEqual({ account: 'work', to: { kind: 'direct', id: 'u:1' }, text: 'hi' });
  });

  it('explain a channel that came without adapter code', () => {
    const plugin = toChannelPlugin({ pluginId: 'x', id: 'xchat', label: 'X', capabilities: { textLimit: 1, format: 'plain', media: false, threads: false, livenessMs: 1000 } });
    expect(plugin.checkConfig({}, { platform: 'linux' })).toEqual({ ok: false, reason: expect.stringMatching(/no adapter code for channel "xchat"/) });
    expect(() => plugin.create({} as ChannelContext)).toThrow(/no adapter code/);
  });
});
