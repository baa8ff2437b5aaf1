/**
 * Checks the settings that belong to plugins: `plugins.entries.<id>.config`
 * against the manifest's `configSchema`, and `channels.<id>` against the
 * channel's `settingsSchema`. Issues use the config loader's shape
 * (`{ path, message }` with config paths) so they print the same way.
 *
 * A channel's schema covers its own keys; the keys core understands for every
 * channel (access policy, liveness, `accounts`) are merged in from
 * `sharedKeys`, which the gateway passes from its config schema. `required`
 * is dropped when merging, because a key may be set on the channel or on each
 * account; the adapter's `checkConfig` says what an account still lacks.
 */
import { formatConfigPath, type ConfigPathSegment } from '../../src-shared/domain/config-path.js';
import type { JsonSchema } from '../../src-shared/plugin/api.js';
import type { PluginManifest } from '../../src-shared/plugin/manifest-schema.js';
import { suggest } from '../config/channel-check.js';
import type { ConfigIssue } from '../config/errors.js';
import { compileJsonSchema, InvalidJsonSchemaError } from './json-schema.js';

/** A plugin that declares a channel, and whether it runs. */
export interface ChannelProvider {
  channelId: string;
  pluginId: string;
  manifest: PluginManifest;
  enabled: boolean;
  /** Why it is disabled, from enablement. */
  reason?: string;
}

/** Options shared by the channel functions. */
export interface ChannelSchemaOptions {
  /** JSON Schema properties core accepts on every channel and account (`dmPolicy`, `enabled`, …). */
  sharedKeys?: Record<string, JsonSchema>;
}

/** Validates `plugins.entries.<id>.config` (absent counts as `{}`). */
export function validatePluginConfig(manifest: PluginManifest, value: unknown): ConfigIssue[] {
  const base: ConfigPathSegment[] = ['plugins', 'entries', manifest.id, 'config'];
  if (!manifest.configSchema) {
    const empty = value === undefined || (isRecord(value) && Object.keys(value).length === 0);
    return empty ? [] : [{ path: formatConfigPath(base), message: `plugin "${manifest.id}" takes no settings (its manifest has no configSchema); remove this key` }];
  }
  return check(manifest.configSchema, value ?? {}, base, `plugin "${manifest.id}"`);
}

/** Validates one `channels.<id>` against the providing plugin's schema merged with the shared keys. */
export function validateChannelConfig(provider: ChannelProvider, value: unknown, opts: ChannelSchemaOptions = {}): ConfigIssue[] {
  return check(channelSchema(provider, opts), value ?? {}, ['channels', provider.channelId], `plugin "${provider.pluginId}"`);
}

/**
 * The JSON Schema of the `channels` object for the given providers (enabled
 * or not: a disabled plugin's settings are kept), for `config.schema` and the
 * UI.
 */
export function buildChannelsSchema(providers: readonly ChannelProvider[], opts: ChannelSchemaOptions = {}): JsonSchema {
  const properties: Record<string, JsonSchema> = {};
  for (const p of providers) properties[p.channelId] = channelSchema(p, opts);
  return { type: 'object', description: 'Chat channels by id.', properties, additionalProperties: false };
}

/** The config's JSON Schema (`base`, the core schema) with `channels.<id>` filled in from the channel providers. */
export function configSchemaWithChannels(base: JsonSchema, providers: readonly ChannelProvider[], opts: ChannelSchemaOptions = {}): JsonSchema {
  const properties = isRecord(base.properties) ? base.properties : {};
  return { ...base, properties: { ...properties, channels: buildChannelsSchema(providers, opts) } };
}

/** What checking the `channels` section found: `issues` make the config invalid, `notices` do not. */
export interface ChannelsCheck {
  issues: ConfigIssue[];
  notices: ConfigIssue[];
}

/**
 * Checks every `channels.<id>`: an id no plugin provides
 * is an error naming what to install; one provided by a disabled plugin is kept
 * with a notice; one provided by an enabled plugin is validated.
 */
export function validateChannelsConfig(
  channels: Record<string, unknown> | undefined,
  providers: readonly ChannelProvider[],
  opts: ChannelSchemaOptions & { installHints?: Readonly<Record<string, string>> } = {},
): ChannelsCheck {
  const result: ChannelsCheck = { issues: [], notices: [] };
  const byChannel = new Map<string, ChannelProvider>();
  // Providers arrive in discovery order; the first enabled one owns the channel.
  for (const p of providers) {
    const current = byChannel.get(p.channelId);
    if (!current || (!current.enabled && p.enabled)) byChannel.set(p.channelId, p);
  }
  for (const [channelId, value] of Object.entries(channels ?? {})) {
    const path = formatConfigPath(['channels', channelId]);
    const provider = byChannel.get(channelId);
    if (!provider) {
      const near = suggest(channelId, [...byChannel.keys()]);
      if (near) {
        result.issues.push({ path, message: `unknown channel "${channelId}"${near}: no plugin provides it` });
        continue;
      }
      const what = opts.installHints?.[channelId] ?? '<package, .tgz or folder>';
      result.issues.push({ path, message: `no plugin provides channel "${channelId}"; install one (openclaw plugins install ${what}) or remove channels.${channelId}` });
      continue;
    }
    if (!provider.enabled) {
      result.notices.push({
        path,
        message: `kept but not running: plugin "${provider.pluginId}" provides it and is disabled (${provider.reason ?? 'disabled'}); run openclaw plugins enable ${provider.pluginId}`,
      });
      continue;
    }
    result.issues.push(...validateChannelConfig(provider, value, opts));
  }
  return result;
}

// Merged schemas are cached per (settings schema, shared keys) so a config reload compiles nothing new.
const mergedCache = new WeakMap<object, WeakMap<object, JsonSchema>>();
const NO_SHARED: Record<string, JsonSchema> = {};
const OPEN: JsonSchema = { type: 'object' };

function channelSchema(provider: ChannelProvider, opts: ChannelSchemaOptions): JsonSchema {
  const own = provider.manifest.channelInfo?.[provider.channelId]?.settingsSchema ?? OPEN;
  const shared = opts.sharedKeys ?? NO_SHARED;
  let byShared = mergedCache.get(own);
  if (!byShared) mergedCache.set(own, (byShared = new WeakMap()));
  let merged = byShared.get(shared);
  if (!merged) byShared.set(shared, (merged = mergeChannelSchema(own, shared, provider)));
  return merged;
}

function mergeChannelSchema(own: JsonSchema, shared: Record<string, JsonSchema>, provider: ChannelProvider): JsonSchema {
  const ownProps = isRecord(own.properties) ? (own.properties as Record<string, JsonSchema>) : {};
  // A schema that is not a plain object-with-properties is used as is (shared keys are then its business).
  if (own !== OPEN && (own.type !== 'object' || !isRecord(own.properties))) return own;
  const properties = { ...shared, ...ownProps };
  const additionalProperties = own.additionalProperties;
  const account: JsonSchema = { type: 'object', properties, ...(additionalProperties === undefined ? {} : { additionalProperties }) };
  const { required: _required, properties: _props, ...rest } = own;
  return {
    ...rest,
    type: 'object',
    description: `The ${provider.channelId} channel (plugin "${provider.pluginId}").`,
    properties: { ...properties, accounts: { type: 'object', description: 'Accounts by id; their keys override the channel\'s.', additionalProperties: account } },
  };
}

function check(schema: JsonSchema, value: unknown, base: ConfigPathSegment[], owner: string): ConfigIssue[] {
  try {
    return compileJsonSchema(schema)
      .validate(value)
      .map((i) => ({ path: formatConfigPath([...base, ...i.segments]), message: i.message }));
  } catch (err) {
    if (!(err instanceof InvalidJsonSchemaError)) throw err;
    return [{ path: formatConfigPath(base), message: `cannot be checked: ${owner} has an invalid schema (${err.message}); this is a bug in the plugin` }];
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

