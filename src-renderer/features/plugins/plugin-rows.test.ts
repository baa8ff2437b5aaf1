import { describe, expect, it } from 'vitest';
import {
  criticalFailures,
  describeFailure,
  describePluginState,
  describeToggle,
  formatLoadTime,
  kindLabel,
  runtimeTrouble,
  sortPlugins,
  sourceLabel,
  stateAdvice,
  summarizeCounts,
  type PluginRecord,
  type PluginsList,
} from './plugin-rows.js';

const plugin = (id: string, extra: Partial<PluginRecord> = {}): PluginRecord => ({
  id,
  name: id,
  kind: ['skill'],
  channels: [],
  source: 'path',
  rootDir: `/plugins/${id}`,
  enabled: true,
  reason: 'listed in plugins.load.paths',
  state: 'loaded',
  critical: false,
  isolation: 'inprocess',
  apiVersion: 1,
  callErrors: 0,
  restarts: 0,
  ...extra,
});

describe('sortPlugins', () => {
  it('puts failed critical plugins first, then other failed ones, then the rest by name (case-insensitive)', () => {
    const sorted = sortPlugins([
      plugin('zeta', { name: 'zeta' }),
      plugin('broken', { name: 'Broken', state: 'failed' }),
      plugin('alpha', { name: 'Alpha', state: 'disabled', enabled: false }),
      plugin('guard', { name: 'Guard', state: 'failed', critical: true }),
      plugin('beta', { name: 'beta' }),
    ]);
    expect(sorted.map((p) => p.id)).toEqual(['guard', 'broken', 'alpha', 'beta', 'zeta']);
  });

  it('breaks name ties by id and leaves the input alone', () => {
    const input = [plugin('b', { name: 'Same' }), plugin('a', { name: 'Same' })];
    expect(sortPlugins(input).map((p) => p.id)).toEqual(['a', 'b']);
    expect(input.map((p) => p.id)).toEqual(['b', 'a']);
  });
});

describe('describePluginState', () => {
  it.each([
    ['loaded', 'Loaded', 'ok'],
    ['failed', 'Failed', 'bad'],
    ['disabled', 'Disabled', 'off'],
    ['not-loaded', 'Not loaded', 'off'],
  ] as const)('%s → %s (%s)', (state, label, tone) => {
    expect(describePluginState(plugin('p', { state }))).toEqual({ label, tone });
  });

  it("shows the gateway's word for a state it does not know", () => {
    expect(describePluginState(plugin('p', { state: 'paused' as PluginRecord['state'] }))).toEqual({ label: 'paused', tone: 'warn' });
  });
});

describe('stateAdvice and describeFailure', () => {
  it('says what a failure costs: refused turns for a critical plugin, its contributions otherwise', () => {
    expect(stateAdvice(plugin('p', { state: 'failed', critical: true }))).toContain('agent turns are refused until it is fixed');
    expect(stateAdvice(plugin('p', { state: 'failed' }))).toContain('tools, methods and channels are unavailable');
    expect(stateAdvice(plugin('p', { state: 'failed' }))).toContain('press Retry');
  });

  it('points a settings failure at the settings form', () => {
    expect(stateAdvice(plugin('p', { state: 'failed', error: 'invalid settings: plugins.entries.p.config.apiKey: required' }))).toContain('Correct its settings under Details');
  });

  it('gives the reason a plugin is off and when a not-loaded one will load', () => {
    expect(stateAdvice(plugin('p', { state: 'disabled', enabled: false, reason: 'turned off (plugins.entries.p.enabled is false)' }))).toBe('Turned off (plugins.entries.p.enabled is false).');
    expect(stateAdvice(plugin('p', { state: 'not-loaded', enabled: false, reason: 'listed in plugins.deny' }))).toBe('Listed in plugins.deny.');
    expect(stateAdvice(plugin('p', { state: 'not-loaded', kind: ['channel'] }))).toBe('Loads when one of its channels starts.');
    expect(stateAdvice(plugin('p', { state: 'not-loaded', kind: ['channel', 'skill'] }))).toBe('Loads when it is first needed.');
    expect(stateAdvice(plugin('p'))).toBeUndefined();
  });

  it("words a failure as a sentence, with the gateway's reason", () => {
    expect(describeFailure(plugin('p', { state: 'failed', error: 'threw while loading index.js: boom at import' }))).toBe('Failed to load: threw while loading index.js: boom at import');
    expect(describeFailure(plugin('p', { state: 'failed' }))).toContain('gateway log');
    expect(describeFailure(plugin('p'))).toBeUndefined();
  });
});

describe('runtimeTrouble', () => {
  it('reports the last failed call, the count, and restarts', () => {
    expect(runtimeTrouble(plugin('p'))).toEqual([]);
    expect(runtimeTrouble(plugin('p', { callErrors: 3, lastCallError: 'tool x threw: nope', restarts: 1 }))).toEqual([
      'Last failed call: tool x threw: nope (3 failed calls so far)',
      'Its process was restarted 1 time.',
    ]);
    expect(runtimeTrouble(plugin('p', { callErrors: 1 }))).toEqual(['1 failed call so far.']);
  });
});

describe('labels', () => {
  it('formats load times for people', () => {
    expect(formatLoadTime(undefined)).toBe('');
    expect(formatLoadTime(0.4)).toBe('<1 ms');
    expect(formatLoadTime(21.13)).toBe('21 ms');
    expect(formatLoadTime(1420)).toBe('1.4 s');
    expect(formatLoadTime(12_600)).toBe('13 s');
  });

  it('names sources and kinds', () => {
    expect(sourceLabel('bundled')).toBe('Bundled');
    expect(sourceLabel('installed')).toBe('Installed');
    expect(sourceLabel('path')).toBe('Folder');
    expect(kindLabel(['channel', 'skill'])).toBe('channel, skill');
    expect(kindLabel([])).toBe('none');
  });
});

describe('criticalFailures and summarizeCounts', () => {
  const list: PluginsList = {
    plugins: [plugin('guard', { name: 'Guard', state: 'failed', critical: true })],
    health: { ok: false, plugins: { loaded: 2, failed: 1, disabled: 0, notLoaded: 1 }, failedCritical: [{ id: 'guard', error: 'boom' }, { id: 'gone', error: 'x' }] },
  };

  it('names the failed critical plugins for the banner', () => {
    expect(criticalFailures(list)).toEqual([
      { id: 'guard', name: 'Guard', error: 'boom' },
      { id: 'gone', name: 'gone', error: 'x' },
    ]);
  });

  it('lists only the non-zero counts', () => {
    expect(summarizeCounts(list.health)).toBe('2 loaded · 1 failed · 1 not loaded');
  });
});

describe('describeToggle', () => {
  it('says what happened, including an enable whose load failed', () => {
    expect(describeToggle(plugin('good', { name: 'Good', enabled: false, state: 'disabled' }), false)).toBe('Turned Good off.');
    expect(describeToggle(plugin('good', { name: 'Good' }), true)).toBe('Turned Good on; it is loaded.');
    expect(describeToggle(plugin('bad', { name: 'Bad', state: 'failed' }), true)).toContain('failed to load');
    expect(describeToggle(plugin('x', { name: 'X', enabled: false, state: 'disabled', reason: 'plugins.enabled is false' }), true)).toBe('X stays off: plugins.enabled is false.');
  });
});
