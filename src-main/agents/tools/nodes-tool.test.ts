import { describe, expect, it } from 'vitest';
import { nodesTool } from './nodes-tool.js';
import type { ToolContext } from './types.js';

const ctx = (services: ToolContext['services']): ToolContext => ({
  agentId: 'main',
  sessionKey: 'agent:main:main',
  workspace: '/tmp',
  signal: new AbortController().signal,
  execAllow: [],
  execTimeoutMs: 1000,
  webAllowPrivate: false,
  webMaxBytes: 1000,
  services,
});

describe('nodes tool', () => {
  const calls: unknown[] = [];
  const services: ToolContext['services'] = {
    listNodes: async () => [{ nodeId: 'n1', displayName: 'Phone', platform: 'android', connected: true, commands: ['location.get', 'system.run'] }],
    invokeNode: async (req) => {
      calls.push(req);
      return { ok: true, payload: { lat: 1, lon: 2 } };
    },
  };

  it('lists nodes and invokes a command the node offers', async () => {
    expect((await nodesTool.execute({ action: 'list' }, ctx(services))).content).toContain('n1 Phone (android, connected): location.get, system.run');
    const r = await nodesTool.execute({ action: 'invoke', nodeId: 'n1', command: 'location.get' }, ctx(services));
    expect(r).toMatchObject({ content: '{"lat":1,"lon":2}' });
    expect(calls).toEqual([{ nodeId: 'n1', command: 'location.get', params: undefined, timeoutMs: 30_000 }]);
  });

  it('lists only what may run now, and names what still waits for approval', async () => {
    const r = await nodesTool.execute({ action: 'list' }, ctx({ listNodes: async () => [{ nodeId: 'n2', displayName: 'Phone', platform: 'web', connected: true, commands: ['system.notify', 'camera.snap'], allowedCommands: ['system.notify'] }], invokeNode: services.invokeNode }));
    expect(r.content).toBe('- n2 Phone (web, connected): system.notify (not approved or not allowed yet: camera.snap)');
  });

  it('never lets an agent run host commands on a node', async () => {
    for (const command of ['system.run', 'fs.read', 'browser.proxy']) {
      expect(await nodesTool.execute({ action: 'invoke', nodeId: 'n1', command }, ctx(services))).toMatchObject({ isError: true, content: expect.stringMatching(/only be invoked by the user/) });
    }
    expect(calls).toHaveLength(1);
  });
});
