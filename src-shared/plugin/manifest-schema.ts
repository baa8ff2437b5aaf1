/**
 * The schema of `openclaw.plugin.json`, the file that describes a plugin
 * without running its code. Discovery, the installer, `plugins doctor` and
 * the UI read it; the gateway builds its channel catalog and the `channels`
 * config schema from it before any plugin code is imported.
 *
 * Unknown keys are allowed (manifests written for other versions carry more)
 * but reported as warnings, so a misspelt key is still seen.
 */
import { Type, type Static } from '@sinclair/typebox';
import { PLUGIN_ID_PATTERN } from './api.js';

/** Channel ids: lowercase, as the keys under `channels`. */
export const CHANNEL_ID_PATTERN = '^[a-z0-9][a-z0-9_-]{0,63}$';

const Opt = Type.Optional;
const JsonSchemaObject = (description: string) => Type.Record(Type.String(), Type.Unknown(), { description });
const Kind = Type.Union([Type.Literal('channel'), Type.Literal('skill'), Type.Literal('memory'), Type.Literal('storage')]);

/** What the gateway must know about a channel before loading its code. */
export const ChannelInfoSchema = Type.Object(
  {
    label: Type.String({ minLength: 1, description: 'Display name, e.g. "Mattermost".' }),
    capabilities: Type.Object(
      {
        textLimit: Type.Integer({ minimum: 1, description: 'Longest text one platform message may carry.' }),
        format: Type.Union([Type.Literal('plain'), Type.Literal('markdown'), Type.Literal('telegram-html'), Type.Literal('slack-mrkdwn'), Type.Literal('whatsapp')], {
          description: 'How core formats text before sending.',
        }),
        media: Type.Boolean({ description: 'Can send media by URL.' }),
        threads: Type.Boolean({ description: 'Has threads or topics replies can target.' }),
        qrLogin: Opt(Type.Boolean({ description: 'Links through a QR code.' })),
        personalNumber: Opt(Type.Boolean({ description: 'A personal number, not a bot: never send pairing codes to strangers.' })),
        livenessMs: Type.Integer({ minimum: 1000, description: 'Longest quiet time of a healthy connection.' }),
      },
      { additionalProperties: false },
    ),
    targetRules: Opt(
      Type.Object(
        {
          groupIdPattern: Opt(Type.String({ description: 'A bare target id matching this regular expression is a group (otherwise a direct message).' })),
          threadIsTopic: Opt(Type.Boolean({ description: '`send --thread` names a forum topic.' })),
        },
        { additionalProperties: false },
      ),
    ),
    settingsSchema: Opt(JsonSchemaObject('JSON Schema of the channel\'s own keys in channels.<id> (and each account).')),
    loginHint: Opt(Type.String({ minLength: 1, description: 'QR login: where on the phone the code is scanned, e.g. "Scan this QR code in WhatsApp: Settings → Linked devices → Link a device."' })),
  },
  { additionalProperties: false },
);

/** The permissions a plugin declares; shown at install and used to build its process sandbox. */
export const PluginPermissionsSchema = Type.Object(
  {
    network: Opt(Type.Array(Type.String({ minLength: 1 }), { description: 'Hosts it talks to (`api.example.com`, `*.example.com`).' })),
    filesystem: Opt(
      Type.Object(
        {
          read: Opt(Type.Array(Type.String({ minLength: 1 }), { description: 'Absolute paths (or ~/…) it reads outside its own folders.' })),
          write: Opt(Type.Array(Type.String({ minLength: 1 }), { description: 'Absolute paths (or ~/…) it writes outside its data folder.' })),
        },
        { additionalProperties: false },
      ),
    ),
    processes: Opt(Type.Array(Type.String({ minLength: 1 }), { description: 'Programs it runs.' })),
    env: Opt(Type.Array(Type.String({ pattern: '^[A-Za-z_][A-Za-z0-9_]*$' }), { description: 'Environment variables it reads.' })),
  },
  { additionalProperties: false },
);

/** `openclaw.plugin.json`. */
export const PluginManifestSchema = Type.Object({
  id: Type.String({ pattern: PLUGIN_ID_PATTERN, description: 'Unique id; lowercase letters, digits, - and _.' }),
  name: Opt(Type.String({ minLength: 1 })),
  description: Opt(Type.String()),
  version: Opt(Type.String({ minLength: 1 })),
  kind: Opt(Type.Union([Kind, Type.Array(Kind, { minItems: 1 })])),
  channels: Opt(Type.Array(Type.String({ pattern: CHANNEL_ID_PATTERN }))),
  channelInfo: Opt(Type.Record(Type.String(), ChannelInfoSchema, { description: 'Per channel id: label, capabilities, target rules, settings schema.' })),
  configSchema: Opt(JsonSchemaObject('JSON Schema of plugins.entries.<id>.config.')),
  critical: Opt(Type.Boolean({ description: 'Fail closed: when it fails, health is not ok and tool calls are refused.' })),
  permissions: Opt(PluginPermissionsSchema),
  apiVersion: Opt(Type.Integer({ minimum: 1, description: 'Plugin API version it was written for (default 1).' })),
  main: Opt(Type.String({ minLength: 1, description: 'Entry file, relative to the plugin folder.' })),
});

/** A validated manifest as written. */
export type PluginManifest = Static<typeof PluginManifestSchema>;
/** One `channelInfo` entry. */
export type ChannelInfo = Static<typeof ChannelInfoSchema>;
/** The `permissions` block. */
export type PluginPermissions = Static<typeof PluginPermissionsSchema>;

/** Keys the manifest schema knows; others produce warnings. */
export const KNOWN_MANIFEST_KEYS: ReadonlySet<string> = new Set(Object.keys(PluginManifestSchema.properties));
