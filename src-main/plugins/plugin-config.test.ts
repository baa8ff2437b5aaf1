import { describe, expect, it } from 'vitest';
import type { PluginManifest } from '../../src-shared/plugin/manifest-schema.js';
import { fixtureCandidate } from '../../test-support/plugin-fixtures/index.js';
import { buildChannelsSchema, validateChannelConfig, validateChannelsConfig, validatePluginConfig, type ChannelProvider } from './plugin-config.js';

const needsConfig = fixtureCandidate('needs-config').manifest;
const echochat = fixtureCandidate('channel').manifest;
const provider = (over: Partial<ChannelProvider> = {}): ChannelProvider => ({ channelId: 'echochat', pluginId: 'echochat', manifest: echochat, enabled: true, ...over });
const sharedKeys = { enabled: { type: 'boolean' }, dmPolicy: { enum: ['open', 'pairing', 'allowlist'] } };

describe('validatePluginConfig', () => {
  it('accepts a valid config', () => {
    expect(validatePluginConfig(needsConfig, { apiKey: 'k', retries: 2 })).toEqual([]);
  });

  it('names each bad key by its config path, without echoing values', () => {
    expect(validatePluginConfig(needsConfig, { apiKey: 12345, retries: -1, colour: 'red' })).toEqual([
      { path: 'plugins.entries.needs-config.config.colour', message: 'unknown key' },
      { path: 'plugins.entries.needs-config.config.apiKey', message: 'expected string, got integer' },
      { path: 'plugins.entries.needs-config.config.retries', message: 'must be >= 0' },
    ]);
  });

  it('checks an absent config as {} (so required keys are reported)', () => {
    expect(validatePluginConfig(needsConfig, undefined)).toEqual([{ path: 'plugins.entries.needs-config.config.apiKey', message: 'required' }]);
  });

  it('refuses settings for a plugin without a configSchema', () => {
    const manifest = { id: 'bare' } as PluginManifest;
    expect(validatePluginConfig(manifest, undefined)).toEqual([]);
    expect(validatePluginConfig(manifest, {})).toEqual([]);
    expect(validatePluginConfig(manifest, { a: 1 })[0]?.message).toMatch(/takes no settings/);
  });

  it('reports a broken plugin schema as the plugin\'s bug', () => {
    const manifest = { id: 'broken', configSchema: { type: 'object', properties: { a: { type: 'no-such-type' } } } } as PluginManifest;
    expect(validatePluginConfig(manifest, {})[0]?.message).toMatch(/invalid schema .*bug in the plugin/);
  });

  it('supports 2020-12 schemas', () => {
    const manifest = { id: 'modern', configSchema: { $schema: 'https://json-schema.org/draft/2020-12/schema', $defs: { int: { type: 'integer' } }, type: 'object', properties: { n: { $ref: '#/$defs/int' } } } } as PluginManifest;
    expect(validatePluginConfig(manifest, { n: 'x' })).toEqual([{ path: 'plugins.entries.modern.config.n', message: 'expected integer, got string' }]);
  });
});

describe('channel settings', () => {
  it('validates the channel and its accounts against own plus shared keys', () => {
    expect(validateChannelConfig(provider(), { token: 't', enabled: true, dmPolicy: 'open', accounts: { work: { token: 'w', room: 'r' } } }, { sharedKeys })).toEqual([]);
    expect(validateChannelConfig(provider(), { tokn: 't', accounts: { work: { dmPolicy: 'everyone' } } }, { sharedKeys })).toEqual([
      { path: 'channels.echochat.tokn', message: 'unknown key' },
      { path: 'channels.echochat.accounts.work.dmPolicy', message: 'expected one of "open", "pairing", "allowlist"' },
    ]);
  });

  it('builds the channels schema from the providers', () => {
    const schema = buildChannelsSchema([provider()], { sharedKeys }) as { properties: Record<string, { properties: Record<string, unknown> }> };
    expect(Object.keys(schema.properties)).toEqual(['echochat']);
    expect(Object.keys(schema.properties.echochat!.properties).sort()).toEqual(['accounts', 'dmPolicy', 'enabled', 'room', 'token']);
  });

  it('errors on a channel id no plugin provides, naming what to install', () => {
    const r = validateChannelsConfig({ matrix: {} }, [provider()], { installHints: { matrix: '@openclaw/matrix' } });
    expect(r.issues).toEqual([{ path: 'channels.matrix', message: 'no plugin provides channel "matrix"; install one (openclaw plugins install @openclaw/matrix) or remove channels.matrix' }]);
  });

  it('keeps the settings of a channel whose plugin is disabled, with a notice', () => {
    const r = validateChannelsConfig({ echochat: { nonsense: true } }, [provider({ enabled: false, reason: 'listed in plugins.deny' })]);
    expect(r.issues).toEqual([]);
    expect(r.notices).toEqual([{ path: 'channels.echochat', message: expect.stringMatching(/kept but not running: plugin "echochat" .*plugins\.deny.*openclaw plugins enable echochat/) }]);
  });

  it('validates an enabled provider\'s settings', () => {
    expect(validateChannelsConfig({ echochat: { token: '' } }, [provider()]).issues).toEqual([{ path: 'channels.echochat.token', message: 'must NOT have fewer than 1 characters' }]);
  });
});
