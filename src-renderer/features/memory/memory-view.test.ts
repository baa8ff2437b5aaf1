import { describe, expect, it } from 'vitest';
import type { PluginRecord, PluginsList } from '../plugins/plugin-rows.js';
import { describeOrigin, describeOwner, forgetPersonOffer, forgetQuestion, forgottenText, formatScore, memorySource } from './memory-view.js';

const plugin = (id: string, extra: Partial<PluginRecord> = {}): PluginRecord => ({
  id,
  name: id,
  kind: ['memory'],
  channels: [],
  source: 'bundled',
  rootDir: `/plugins/${id}`,
  enabled: false,
  reason: `memory plugins run only when chosen: set plugins.slots.memory to "${id}"`,
  state: 'disabled',
  critical: false,
  isolation: 'inprocess',
  apiVersion: 1,
  callErrors: 0,
  restarts: 0,
  ...extra,
});
const list = (...plugins: PluginRecord[]): PluginsList => ({ plugins, health: { ok: true, plugins: { loaded: 0, failed: 0, disabled: 0, notLoaded: 0 }, failedCritical: [] } });

describe('memory page', () => {
  it('talks to the memory plugin the slot chose, and only when it is on', () => {
    const chosen = plugin('memory-lancedb', { enabled: true, state: 'loaded', reason: 'chosen in plugins.slots.memory' });
    expect(memorySource(list(plugin('other', { kind: ['skill'], enabled: true }), chosen))).toEqual({ kind: 'active', plugin: chosen });
    expect(memorySource(list(plugin('memory-lancedb', { enabled: true, state: 'not-loaded' }))).kind).toBe('starting');
  });

  it('says why there is no memory: none installed, or each one off with its reason', () => {
    expect(memorySource(list(plugin('tools', { kind: ['skill'], enabled: true })))).toEqual({ kind: 'none', candidates: [] });
    expect(memorySource(list(plugin('memory-lancedb')))).toEqual({
      kind: 'none',
      candidates: [{ id: 'memory-lancedb', name: 'memory-lancedb', reason: 'memory plugins run only when chosen: set plugins.slots.memory to "memory-lancedb"' }],
    });
  });

  it('shows a failed memory plugin with its error', () => {
    const failed = plugin('memory-lancedb', { enabled: true, state: 'failed', error: 'embedding.baseUrl is required' });
    expect(memorySource(list(failed))).toEqual({ kind: 'failed', plugin: failed, error: 'embedding.baseUrl is required' });
    expect(memorySource(list({ ...failed, error: undefined }))).toMatchObject({ kind: 'failed', error: 'it failed to start, and gave no reason' });
  });

  it('names whose memory it is in words', () => {
    expect(describeOwner('main')).toBe('You (the owner)');
    expect(describeOwner('direct:alice')).toBe('alice');
    expect(describeOwner('direct:telegram:12345')).toBe('12345 on telegram');
    expect(describeOwner('group:discord:guild:chan')).toBe('group guild:chan on discord');
    expect(describeOwner('session:odd')).toBe('session odd');
    expect(describeOwner('something-else')).toBe('something-else');
  });

  it('formats scores and origins, and asks before forgetting', () => {
    expect(formatScore(0.81234)).toEqual({ text: '0.812', percent: 81 });
    expect(formatScore(-0.2)).toEqual({ text: '-0.200', percent: 0 });
    expect(describeOrigin('tool')).toMatch(/assistant/);
    expect(describeOrigin('weird')).toBe('weird');
    expect(forgetQuestion('I park on level 3')).toContain('“I park on level 3”');
    expect(forgetQuestion('x'.repeat(200))).toContain('…”');
  });
});

describe('forgetPersonOffer', () => {
  it('offers only when a memory plugin counted at least one memory', () => {
    expect(forgetPersonOffer(undefined)).toBeUndefined();
    expect(forgetPersonOffer({ available: false })).toBeUndefined();
    expect(forgetPersonOffer({ available: true, owner: 'direct:alice', count: 0 })).toBeUndefined();
    expect(forgetPersonOffer({ available: true, owner: 'direct:alice', count: 1 })).toBe('Also forget what alice told the assistant (1 memory)');
    expect(forgetPersonOffer({ available: true, owner: 'direct:telegram:4242', count: 3 }, 'Ada (4242)')).toBe('Also forget what Ada (4242) told the assistant (3 memories)');
    expect(forgetPersonOffer({ available: true, owner: 'main', count: 2 })).toBe('Also forget what you told the assistant (2 memories)');
    expect(forgetPersonOffer({ available: true, owner: 'group:telegram:-100', count: 2 })).toBe('Also forget what group -100 on telegram told the assistant (2 memories)');
  });

  it('says what forgetting did', () => {
    expect(forgottenText(undefined)).toBe('');
    expect(forgottenText({ removed: 1 })).toBe(' 1 memory was forgotten.');
    expect(forgottenText({ removed: 0, note: 'no memory plugin is active' })).toBe(' No memories were forgotten: no memory plugin is active.');
  });
});
