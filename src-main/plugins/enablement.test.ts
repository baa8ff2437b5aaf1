import { describe, expect, it } from 'vitest';
import type { PluginKind } from '../../src-shared/plugin/api.js';
import { decideEnablement } from './enablement.js';
import type { PluginsConfig, PluginSource } from './types.js';

const subject = (source: PluginSource, kinds: PluginKind[] = ['skill'], id = 'p') => ({ id, source, kinds });

describe('decideEnablement', () => {
  it.each<[string, ReturnType<typeof subject>, PluginsConfig, boolean, RegExp]>([
    ['installed plugins are on once installed', subject('installed'), {}, true, /^installed$/],
    ['load-path plugins are on', subject('path'), {}, true, /plugins\.load\.paths/],
    ['bundled channel plugins are on', subject('bundled', ['channel']), {}, true, /bundled channel/],
    ['other bundled plugins are opt-in', subject('bundled', ['skill']), {}, false, /opt-in: set plugins\.entries\.p\.enabled to true/],
    ['a bundled channel+skill plugin is opt-in', subject('bundled', ['channel', 'skill']), {}, false, /opt-in/],
    ['the global switch turns everything off', subject('installed'), { enabled: false }, false, /plugins\.enabled is false/],
    ['deny wins over allow', subject('installed'), { allow: ['p'], deny: ['p'] }, false, /plugins\.deny/],
    ['deny wins over entries.enabled', subject('installed'), { deny: ['p'], entries: { p: { enabled: true } } }, false, /plugins\.deny/],
    ['a non-empty allow list excludes the rest', subject('installed'), { allow: ['other'] }, false, /not listed in plugins\.allow/],
    ['an empty allow list restricts nothing', subject('installed'), { allow: [] }, true, /installed/],
    ['allow turns a bundled plugin on', subject('bundled'), { allow: ['p'] }, true, /listed in plugins\.allow/],
    ['entries.enabled false turns it off', subject('bundled', ['channel']), { entries: { p: { enabled: false } } }, false, /plugins\.entries\.p\.enabled is false/],
    ['entries.enabled true turns a bundled plugin on', subject('bundled'), { entries: { p: { enabled: true } } }, true, /plugins\.entries\.p\.enabled is true/],
    ['a memory plugin needs the slot', subject('installed', ['memory']), {}, false, /set plugins\.slots\.memory to "p"/],
    ['a memory plugin needs the slot even when enabled', subject('installed', ['memory']), { entries: { p: { enabled: true } } }, false, /plugins\.slots\.memory/],
    ['the slot chooses one memory plugin', subject('installed', ['memory']), { slots: { memory: 'p' } }, true, /chosen in plugins\.slots\.memory/],
    ['another memory plugin in the slot turns this one off', subject('installed', ['memory']), { slots: { memory: 'q' } }, false, /chooses "q"; only one memory plugin runs/],
    ['slot none turns memory off', subject('installed', ['memory']), { slots: { memory: 'none' } }, false, /plugins\.slots\.memory/],
    ['the slot does not override deny', subject('installed', ['memory']), { slots: { memory: 'p' }, deny: ['p'] }, false, /plugins\.deny/],
  ])('%s', (_name, s, config, enabled, reason) => {
    const d = decideEnablement(s, config);
    expect(d.enabled).toBe(enabled);
    expect(d.reason).toMatch(reason);
  });

  it.each<[PluginSource, PluginsConfig, string]>([
    ['installed', {}, 'process'],
    ['bundled', {}, 'inprocess'],
    ['path', {}, 'inprocess'],
    ['installed', { entries: { p: { isolation: 'inprocess' } } }, 'inprocess'],
    ['bundled', { entries: { p: { isolation: 'process' } } }, 'process'],
  ])('isolation of a %s plugin with %j is %s', (source, config, isolation) => {
    expect(decideEnablement(subject(source), config).isolation).toBe(isolation);
  });
});
