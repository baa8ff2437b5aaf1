import { describe, expect, it } from 'vitest';
import { checkSettings, isFormSchema, issuesToShow, refusalIssues, relativeIssues, settingsPatch, type SettingsSchema } from './plugin-settings.js';

const needsConfig: SettingsSchema = {
  type: 'object',
  properties: { apiKey: { type: 'string', minLength: 1 }, retries: { type: 'integer', minimum: 0 } },
  required: ['apiKey'],
  additionalProperties: false,
};

describe('checkSettings', () => {
  it('passes valid settings', () => {
    expect(checkSettings(needsConfig, { apiKey: 'k', retries: 2 })).toEqual([]);
    expect(checkSettings({ type: 'object', properties: { greeting: { type: 'string' } }, additionalProperties: false }, {})).toEqual([]);
  });

  it('puts each problem on its field, in plain words', () => {
    expect(checkSettings(needsConfig, { retries: -1, extra: true })).toEqual([
      { path: 'apiKey', message: 'is required' },
      { path: 'retries', message: 'must be 0 or more' },
      { path: 'extra', message: 'is not a setting this plugin knows' },
    ]);
    expect(checkSettings(needsConfig, { apiKey: '', retries: 1.5 })).toEqual([
      { path: 'apiKey', message: 'must not be empty' },
      { path: 'retries', message: 'must be a whole number' },
    ]);
  });

  it('checks types, enums, lengths, patterns and ranges', () => {
    const schema: SettingsSchema = {
      type: 'object',
      properties: {
        mode: { type: 'string', enum: ['fast', 'slow'] },
        code: { type: 'string', pattern: '^[A-Z]{3}$', maxLength: 3 },
        name: { type: 'string', minLength: 3 },
        ratio: { type: 'number', exclusiveMinimum: 0, maximum: 1 },
        step: { type: 'number', multipleOf: 0.5 },
        on: { type: 'boolean' },
        unit: { anyOf: [{ const: 'c' }, { const: 'f' }] },
      },
    };
    expect(checkSettings(schema, { mode: 'medium', code: 'abc', name: 'ab', ratio: 0, step: 0.7, on: 'yes', unit: 'k' })).toEqual([
      { path: 'mode', message: 'must be one of: fast, slow' },
      { path: 'code', message: 'must match the pattern ^[A-Z]{3}$' },
      { path: 'name', message: 'must be at least 3 characters long' },
      { path: 'ratio', message: 'must be more than 0' },
      { path: 'step', message: 'must be a multiple of 0.5' },
      { path: 'on', message: 'must be true or false' },
      { path: 'unit', message: 'must be one of: c, f' },
    ]);
    expect(checkSettings(schema, { code: 'ABCD' })).toEqual([{ path: 'code', message: 'must be at most 3 characters long' }]);
    expect(checkSettings(schema, { step: 1.5, ratio: 0.3 })).toEqual([]);
  });

  it('walks nested objects, lists, pattern and additional properties', () => {
    const schema: SettingsSchema = {
      type: 'object',
      properties: {
        server: { type: 'object', properties: { port: { type: 'integer', maximum: 65535 } }, required: ['port'] },
        hosts: { type: 'array', items: { type: 'string', minLength: 1 }, maxItems: 2 },
        labels: { type: 'object', additionalProperties: { type: 'string' } },
        limits: { type: 'object', patternProperties: { '^x-': { type: 'number' } }, additionalProperties: false },
      },
    };
    expect(checkSettings(schema, { server: { port: 70000 }, hosts: ['a', ''], labels: { a: 1 }, limits: { 'x-a': 'no', b: 1 } })).toEqual([
      { path: 'server.port', message: 'must be 65535 or less' },
      { path: 'hosts.1', message: 'must not be empty' },
      { path: 'labels.a', message: 'must be text' },
      { path: 'limits.x-a', message: 'must be a number' },
      { path: 'limits.b', message: 'is not a setting this plugin knows' },
    ]);
    expect(checkSettings(schema, { server: {}, hosts: ['a', 'b', 'c'] })).toEqual([
      { path: 'server.port', message: 'is required' },
      { path: 'hosts', message: 'must have at most 2 items' },
    ]);
  });

  it('leaves a pattern it cannot compile to the gateway', () => {
    expect(checkSettings({ type: 'string', pattern: '(?<' }, 'x')).toEqual([]);
  });
});

describe('issuesToShow', () => {
  it('skips values the gateway gave and the user left alone (redacted secrets), but not missing ones', () => {
    const loaded = { apiKey: '__placeholder__' };
    const issues = [
      { path: 'apiKey', message: 'must match the pattern ^sk-' },
      { path: 'retries', message: 'must be 0 or more' },
    ];
    expect(issuesToShow(issues, loaded, { apiKey: '__placeholder__', retries: -1 })).toEqual([issues[1]]);
    expect(issuesToShow(issues, loaded, { apiKey: 'typed', retries: -1 })).toEqual(issues);
    expect(issuesToShow([{ path: 'apiKey', message: 'is required' }], undefined, {})).toHaveLength(1);
  });
});

describe('settingsPatch', () => {
  it('writes only what changed under plugins.entries.<id>.config', () => {
    expect(settingsPatch('good', undefined, { greeting: 'hi' })).toEqual({ plugins: { entries: { good: { config: { greeting: 'hi' } } } } });
    expect(settingsPatch('good', { greeting: 'hi', keep: 1 }, { keep: 1 })).toEqual({ plugins: { entries: { good: { config: { greeting: null } } } } });
    expect(settingsPatch('good', { greeting: 'hi' }, { greeting: 'hi' })).toBeUndefined();
    expect(settingsPatch('good', null, {})).toBeUndefined();
  });
});

describe('refusals from the gateway', () => {
  it('reads CONFIG_INVALID issues and makes them relative to the plugin settings', () => {
    const issues = refusalIssues({
      code: 'CONFIG_INVALID',
      issues: [
        { path: 'plugins.entries.needs-config.config.apiKey', message: 'required' },
        { path: 'plugins.entries.needs-config.config', message: 'must be an object' },
        { path: 'gateway.port', message: 'too small' },
        { nonsense: true },
      ],
    });
    expect(relativeIssues('needs-config', issues)).toEqual([
      { path: 'apiKey', message: 'required' },
      { path: '', message: 'must be an object' },
      { path: '', message: 'gateway.port: too small' },
    ]);
    expect(refusalIssues(undefined)).toEqual([]);
  });
});

describe('isFormSchema', () => {
  it('accepts objects with named fields only', () => {
    expect(isFormSchema({ type: 'object', properties: { a: { type: 'string' } } })).toBe(true);
    expect(isFormSchema({ type: 'object', additionalProperties: { type: 'string' } })).toBe(false);
    expect(isFormSchema(undefined)).toBe(false);
  });
});
