import { Type } from '@sinclair/typebox';
import { OperatorScopes } from '../scopes.js';
import { defineMethod } from './define.js';

const PluginId = Type.String({ minLength: 1, maxLength: 64, pattern: '^[a-z0-9][a-z0-9_-]*$' });

/** A plugin as `plugins list` shows it: where it came from, whether it runs, and why not. */
export const PluginRecordSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  description: Type.Optional(Type.String()),
  version: Type.Optional(Type.String()),
  kind: Type.Array(Type.String()),
  channels: Type.Array(Type.String()),
  source: Type.Union([Type.Literal('bundled'), Type.Literal('installed'), Type.Literal('path')]),
  rootDir: Type.String(),
  enabled: Type.Boolean(),
  /** Why it is enabled or disabled, in plain words. */
  reason: Type.String(),
  state: Type.Union([Type.Literal('not-loaded'), Type.Literal('loaded'), Type.Literal('failed'), Type.Literal('disabled')]),
  loadMs: Type.Optional(Type.Number()),
  /** Why it failed, with the fix when known. */
  error: Type.Optional(Type.String()),
  critical: Type.Boolean(),
  isolation: Type.Union([Type.Literal('inprocess'), Type.Literal('process')]),
  apiVersion: Type.Integer(),
  callErrors: Type.Integer(),
  lastCallError: Type.Optional(Type.String()),
  restarts: Type.Integer(),
});

/** `health.plugins`: `ok` is false only while a critical plugin failed. */
export const PluginsHealthSchema = Type.Object({
  ok: Type.Boolean(),
  plugins: Type.Object({ loaded: Type.Integer(), failed: Type.Integer(), disabled: Type.Integer(), notLoaded: Type.Integer() }),
  failedCritical: Type.Array(Type.Object({ id: Type.String(), error: Type.String() })),
});

/** One problem `plugins doctor` found, with the fix. */
export const PluginFindingSchema = Type.Object({
  severity: Type.Union([Type.Literal('error'), Type.Literal('warning'), Type.Literal('info')]),
  code: Type.String(),
  pluginId: Type.Optional(Type.String()),
  problem: Type.String(),
  fix: Type.String(),
});

export const pluginsListMethod = defineMethod({
  description: 'Every plugin found: id, kind, version, source, enabled, state (loaded/failed/disabled/not-loaded), load time and error.',
  scope: OperatorScopes.READ,
  params: Type.Object({}, { additionalProperties: false }),
  result: Type.Object({ plugins: Type.Array(PluginRecordSchema), health: PluginsHealthSchema }),
});

export const pluginsInfoMethod = defineMethod({
  description: "One plugin's record, its manifest (permissions, settings schema) and its current settings (secrets redacted).",
  scope: OperatorScopes.READ,
  params: Type.Object({ id: PluginId }, { additionalProperties: false }),
  result: Type.Object({
    plugin: PluginRecordSchema,
    manifest: Type.Unknown(),
    /** `plugins.entries.<id>.config`, redacted. */
    config: Type.Unknown(),
    /** Settings schema for `plugins.entries.<id>.config` (JSON Schema), when the plugin has one. */
    configSchema: Type.Optional(Type.Unknown()),
    /** Where and when it was installed (installed plugins). */
    install: Type.Optional(Type.Unknown()),
  }),
});

const ToggleResult = Type.Object({ ok: Type.Literal(true), plugin: PluginRecordSchema });

export const pluginsEnableMethod = defineMethod({
  description: 'Enable a plugin (writes plugins.entries.<id>.enabled and applies it; retries a failed one).',
  scope: OperatorScopes.ADMIN,
  params: Type.Object({ id: PluginId }, { additionalProperties: false }),
  result: ToggleResult,
});

export const pluginsDisableMethod = defineMethod({
  description: 'Disable a plugin (writes plugins.entries.<id>.enabled: false; its channels, tools and methods go away).',
  scope: OperatorScopes.ADMIN,
  params: Type.Object({ id: PluginId }, { additionalProperties: false }),
  result: ToggleResult,
});

export const pluginsRefreshMethod = defineMethod({
  description: 'Look for installed or removed plugins again (after `openclaw plugins install` or `uninstall`).',
  scope: OperatorScopes.ADMIN,
  params: Type.Object({}, { additionalProperties: false }),
  result: Type.Object({ plugins: Type.Array(PluginRecordSchema) }),
});

export const pluginsDoctorMethod = defineMethod({
  description: 'Every plugin problem in plain words, with the fix.',
  scope: OperatorScopes.READ,
  params: Type.Object({}, { additionalProperties: false }),
  result: Type.Object({ ok: Type.Boolean(), findings: Type.Array(PluginFindingSchema) }),
});
