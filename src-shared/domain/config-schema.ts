/**
 * The `openclaw.json` schema, written once with TypeBox. The loader validates
 * against it, the CLI prints it (`config schema`) and the UI builds its form
 * from the `description`s. Strict: every object we define rejects unknown keys,
 * because a typo that silently does nothing is worse than a clear error.
 *
 * Defaults are applied by the loader (`resolveConfig`), not by the schema, so
 * "unset" stays visible; the `default` annotations here are documentation only.
 */
import { Type, type Static, type TSchema, type TProperties, type ObjectOptions, type TUnion, type TLiteral } from '@sinclair/typebox';
import { formatConfigPath, getAtPath, parseConfigPath, type ConfigPathSegment } from './config-path.js';
import { DISCORD_SECRET_KEYS, discordChannelKeys } from './channels/discord.js';
import { GOOGLECHAT_SECRET_KEYS, googlechatChannelKeys } from './channels/googlechat.js';
import { IMESSAGE_SECRET_KEYS, imessageChannelKeys } from './channels/imessage.js';
import { SLACK_SECRET_KEYS, slackChannelKeys } from './channels/slack.js';
import { TELEGRAM_SECRET_KEYS, telegramChannelKeys } from './channels/telegram.js';
import { WHATSAPP_SECRET_KEYS, whatsappChannelKeys } from './channels/whatsapp.js';

const Obj = <T extends TProperties>(properties: T, options: ObjectOptions = {}) =>
  Type.Object(properties, { additionalProperties: false, ...options });
const Enum = <const T extends readonly string[]>(values: T, description: string, extra: object = {}) =>
  Type.Union(
    values.map((v) => Type.Literal(v)),
    { description, ...extra },
  ) as unknown as TUnion<TLiteral<T[number]>[]>;
const Opt = Type.Optional;
const Str = (description: string, extra: object = {}) => Type.String({ description, ...extra });
const Bool = (description: string, extra: object = {}) => Type.Boolean({ description, ...extra });
const Int = (description: string, extra: object = {}) => Type.Integer({ description, ...extra });
const StrList = (description: string) => Type.Array(Type.String(), { description });
const Dict = <T extends TSchema>(value: T, description: string) => Type.Record(Type.String(), value, { description });

/** Log levels shared by `logging.level` and `logging.consoleLevel`. */
export const LOG_LEVELS = ['silent', 'fatal', 'error', 'warn', 'info', 'debug', 'trace'] as const;
/** A log level name. */
export type LogLevel = (typeof LOG_LEVELS)[number];

const ToolPolicySchema = Obj(
  {
    allow: Opt(StrList('Tool names or groups allowed; when set, everything else is denied.')),
    deny: Opt(StrList('Tool names or groups denied; deny wins over allow.')),
  },
  { description: 'Tool allow/deny policy.' },
);

const DmScopeSchema = Enum(['main', 'per-peer', 'per-channel-peer', 'per-account-channel-peer'], 'How direct messages map to sessions.', { default: 'main' });
const GroupScopeSchema = Enum(['per-group', 'main'], 'How group chats map to sessions.', { default: 'per-group' });

/** `gateway.*`: the server itself. */
export const GatewayConfigSchema = Obj(
  {
    mode: Opt(Enum(['local', 'remote'], 'Run the gateway here (local) or connect to a remote one.', { default: 'local' })),
    port: Opt(Int('WS + HTTP port.', { minimum: 1, maximum: 65535, default: 18789 })),
    bind: Opt(Enum(['loopback', 'lan', 'tailnet', 'custom'], 'Which interfaces to listen on.', { default: 'loopback' })),
    customBindHost: Opt(Str('Host/IP to bind when bind is "custom".')),
    auth: Opt(
      Obj(
        {
          mode: Opt(Enum(['none', 'token', 'password', 'trusted-proxy'], 'How clients authenticate.', { default: 'token' })),
          token: Opt(Str('Shared gateway token (secret).')),
          password: Opt(Str('Gateway password (secret).')),
          allowTailscale: Opt(Bool('Accept Tailscale identity headers as authentication.')),
          rateLimit: Opt(
            Obj(
              {
                maxAttempts: Opt(Int('Failed attempts allowed per window.', { minimum: 1, default: 10 })),
                windowMs: Opt(Int('Counting window in ms.', { minimum: 1, default: 60000 })),
                lockoutMs: Opt(Int('Lockout after too many failures, in ms.', { minimum: 0, default: 300000 })),
              },
              { description: 'Brute-force protection for auth failures.' },
            ),
          ),
        },
        { description: 'Client authentication.' },
      ),
    ),
    reload: Opt(
      Obj(
        {
          mode: Opt(Enum(['hybrid', 'off'], 'hybrid applies changes live and restarts when needed; off waits for a manual restart.', { default: 'hybrid' })),
          debounceMs: Opt(Int('Wait this long after a file change before reloading.', { minimum: 0, default: 150 })),
        },
        { description: 'Config hot reload.' },
      ),
    ),
    controlUi: Opt(
      Obj(
        {
          enabled: Opt(Bool('Serve the Control UI.', { default: true })),
          basePath: Opt(Str('URL path prefix for the Control UI.')),
          allowedOrigins: Opt(StrList('Extra browser origins allowed to connect.')),
        },
        { description: 'Browser Control UI.' },
      ),
    ),
    http: Opt(
      Obj(
        {
          endpoints: Opt(
            Obj(
              {
                chatCompletions: Opt(Obj({ enabled: Opt(Bool('Serve POST /v1/chat/completions.', { default: false })) }, { description: 'OpenAI Chat Completions endpoint.' })),
                responses: Opt(Obj({ enabled: Opt(Bool('Serve POST /v1/responses.', { default: false })) }, { description: 'OpenAI Responses endpoint.' })),
              },
              { description: 'Optional HTTP endpoints.' },
            ),
          ),
        },
        { description: 'HTTP surface.' },
      ),
    ),
    tools: Opt(Obj(ToolPolicySchema.properties, { description: 'Tools reachable over HTTP /tools/invoke.' })),
    nodes: Opt(
      Obj(
        {
          pairing: Opt(Obj({ autoApproveCidrs: Opt(StrList('Networks whose nodes are approved without a prompt.')) }, { description: 'Node pairing.' })),
          allowCommands: Opt(StrList('Node commands allowed beyond the platform defaults (they still need approval).')),
          denyCommands: Opt(StrList('Node commands never allowed, whatever else says so.')),
        },
        { description: 'Companion nodes.' },
      ),
    ),
    tls: Opt(
      Obj(
        {
          enabled: Opt(Bool('Serve TLS.', { default: false })),
          certPath: Opt(Str('PEM certificate path.')),
          keyPath: Opt(Str('PEM private key path.')),
        },
        { description: 'TLS for the gateway port.' },
      ),
    ),
    remote: Opt(
      Obj(
        {
          url: Opt(Str('Remote gateway URL (ws:// or wss://).')),
          token: Opt(Str('Token for the remote gateway (secret).')),
          tlsFingerprint: Opt(Str('Expected SHA-256 fingerprint of the remote certificate.')),
        },
        { description: 'Remote gateway used when mode is "remote".' },
      ),
    ),
  },
  { description: 'Gateway server.' },
);

/** `logging.*`. */
export const LoggingConfigSchema = Obj(
  {
    level: Opt(Enum(LOG_LEVELS, 'File log level.', { default: 'info' })),
    consoleLevel: Opt(Enum(LOG_LEVELS, 'Console log level.', { default: 'info' })),
    file: Opt(Str('Log file path.')),
    maxFileBytes: Opt(Int('Rotate the log file past this size.', { minimum: 1 })),
    consoleStyle: Opt(Enum(['pretty', 'compact', 'json'], 'Console output style.', { default: 'pretty' })),
    redactSensitive: Opt(Enum(['off', 'tools'], 'Redact secrets in tool output logs.', { default: 'tools' })),
  },
  { description: 'Logging.' },
);

const ModelRefSchema = Obj(
  {
    primary: Opt(Str('Model as provider/model, e.g. anthropic/claude-sonnet-4.')),
    fallbacks: Opt(StrList('Models tried in order when the primary fails.')),
  },
  { description: 'Model selection.' },
);

const SandboxSchema = Obj(
  {
    mode: Opt(Enum(['off', 'non-main', 'all'], 'Which sessions run tools in a sandbox. Unset: non-main where a Docker engine is available, otherwise off.')),
    scope: Opt(Enum(['agent', 'session', 'shared'], 'How sandboxes are shared.', { default: 'agent' })),
    backend: Opt(Enum(['docker'], 'Sandbox backend.', { default: 'docker' })),
    workspaceAccess: Opt(Enum(['none', 'ro', 'rw'], 'Workspace visibility inside the sandbox (default none; rw when the mode is left unset and Docker sandboxes non-main sessions).')),
  },
  { description: 'Tool sandbox.' },
);

const agentEntryProperties = {
  default: Opt(Bool('This agent receives unrouted messages.')),
  name: Opt(Str('Display name.')),
  workspace: Opt(Str('Workspace directory.')),
  agentDir: Opt(Str('Agent state directory.')),
  // Upstream accepts a bare "provider/model" string here as well as the object form.
  model: Opt(Type.Union([Type.String(), ModelRefSchema], { description: 'Model for this agent (string or {primary, fallbacks}).' })),
  tools: Opt(ToolPolicySchema),
  sandbox: Opt(SandboxSchema),
  skills: Opt(StrList('Skills enabled for this agent.')),
};

/** One agent under `agents.entries.<id>`. */
export const AgentEntrySchema = Obj(agentEntryProperties, { description: 'An agent.' });

/** `agents.*`. */
export const AgentsConfigSchema = Obj(
  {
    defaults: Opt(
      Obj(
        {
          model: Opt(ModelRefSchema),
          workspace: Opt(Str('Default workspace directory.')),
          sandbox: Opt(SandboxSchema),
          timeoutSeconds: Opt(Int('Agent turn timeout in seconds.', { minimum: 1 })),
          maxSteps: Opt(Int('Maximum tool steps per turn.', { minimum: 1 })),
          compaction: Opt(
            Obj(
              {
                mode: Opt(Enum(['summarize', 'trim'], 'When a session outgrows the context window: summarise older turns, or only drop them.', { default: 'summarize' })),
                thresholdRatio: Opt(Type.Number({ description: 'Compact once the history fills this share of the context window.', minimum: 0.2, maximum: 0.95, default: 0.75 })),
                keepRecentTurns: Opt(Int('Newest turns kept word for word.', { minimum: 1, maximum: 50, default: 4 })),
              },
              { description: 'History compaction.' },
            ),
          ),
        },
        { description: 'Settings shared by all agents.' },
      ),
    ),
    entries: Opt(Dict(AgentEntrySchema, 'Agents by id.')),
    // Legacy shape; the loader migrates it into `entries` before validation. Kept so old files still read.
    list: Opt(Type.Array(Obj({ id: Str('Agent id.'), ...agentEntryProperties }), { description: 'Legacy agent list (use entries).' })),
  },
  { description: 'Agents.' },
);

/** One routing rule under `bindings[]`. */
export const BindingSchema = Obj(
  {
    agentId: Str('Agent that receives matching messages.'),
    match: Obj(
      {
        channel: Str('Channel id, e.g. telegram.'),
        accountId: Opt(Str('Channel account id; "*" matches any.')),
        peer: Opt(
          Obj(
            { kind: Enum(['direct', 'group', 'channel'], 'Peer kind.'), id: Str('Peer id; "*" matches any peer of this kind.') },
            { description: 'Specific chat.' },
          ),
        ),
        guildId: Opt(Str('Discord guild id.')),
        roles: Opt(StrList('Discord role ids; any must match.')),
        teamId: Opt(Str('Slack team id.')),
      },
      { description: 'Every field present must match.' },
    ),
    session: Opt(Obj({ dmScope: Opt(DmScopeSchema), groupScope: Opt(GroupScopeSchema) }, { description: 'Session scoping overrides.' })),
  },
  { description: 'A routing binding.' },
);

/** `session.*`. */
export const SessionConfigSchema = Obj(
  {
    scope: Opt(Enum(['per-sender', 'global'], 'Session scope.', { default: 'per-sender' })),
    dmScope: Opt(DmScopeSchema),
    groupScope: Opt(GroupScopeSchema),
    mainKey: Opt(Str('Key of the main session.', { default: 'main' })),
    identityLinks: Opt(Dict(Type.Array(Type.String()), 'Canonical identity → list of channel:peer ids treated as the same person.')),
    archiveRetentionDays: Opt(Int('Days a transcript set aside by a reset is kept (0: forever).', { minimum: 0, default: 30 })),
    reset: Opt(
      Obj(
        {
          mode: Opt(Enum(['none', 'daily', 'idle'], 'When sessions reset.', { default: 'none' })),
          atHour: Opt(Int('Local hour for daily resets.', { minimum: 0, maximum: 23 })),
          idleMinutes: Opt(Int('Idle minutes before a reset.', { minimum: 1 })),
        },
        { description: 'Automatic session reset.' },
      ),
    ),
  },
  { description: 'Sessions.' },
);

const channelCommon = {
  enabled: Opt(Bool('Enable this channel/account.')),
  dmPolicy: Opt(Enum(['pairing', 'allowlist', 'open', 'disabled'], 'Who may DM the assistant.', { default: 'pairing' })),
  allowFrom: Opt(Type.Array(Type.Union([Type.String(), Type.Number()]), { description: 'Senders allowed to DM.' })),
  groupPolicy: Opt(Enum(['open', 'allowlist', 'disabled'], 'Which groups the assistant answers in.', { default: 'allowlist' })),
  groupAllowFrom: Opt(Type.Array(Type.Union([Type.String(), Type.Number()]), { description: 'Senders allowed in groups.' })),
};

/** Keys every channel and account understands (access policy, liveness, API override). */
const channelShared = {
  ...channelCommon,
  requireMention: Opt(Bool('In groups, answer only when the bot is mentioned.', { default: true })),
  groups: Opt(Dict(Obj({ requireMention: Opt(Bool('Override requireMention for this group.')), enabled: Opt(Bool('Answer in this group at all.')) }, { description: 'One group.' }), 'Per-group settings by group id.')),
  livenessMs: Opt(Int('Restart the account when it shows no sign of life for this long (ms).', { minimum: 1000 })),
  apiRoot: Opt(Str('Platform API root override (self-hosted servers, tests).')),
  name: Opt(Str('Display name of this account.')),
};

/** Each built-in channel's own keys; accounts take the same keys and override the channel's. */
const CHANNEL_KEYS: Record<string, TProperties> = {
  telegram: telegramChannelKeys,
  discord: discordChannelKeys,
  slack: slackChannelKeys,
  whatsapp: whatsappChannelKeys,
  imessage: imessageChannelKeys,
  googlechat: googlechatChannelKeys,
};

const channelSchema = (id: string, keys: TProperties) => {
  const account = Obj({ ...channelShared, ...keys }, { description: `A ${id} account.` });
  return Obj({ ...channelShared, ...keys, accounts: Opt(Dict(account, 'Accounts by id; their keys override the channel\'s.')) }, { description: `The ${id} channel.` });
};

/**
 * `channels`: one strictly checked entry per built-in channel, so a misspelt key is an error, not a silent no-op.
 * Other ids belong to plugin channels: each is checked against the schema its plugin's manifest declares
 * (and an id no plugin provides is reported, naming the plugin to install), outside this schema, because
 * which plugins exist is only known at run time.
 */
export const ChannelsConfigSchema = Obj(
  Object.fromEntries(Object.entries(CHANNEL_KEYS).map(([id, keys]) => [id, Opt(channelSchema(id, keys))])),
  { description: 'Chat channels by id.', additionalProperties: Type.Object({}, { additionalProperties: true, description: 'A plugin channel, checked by its plugin\'s settings schema.' }) },
);

/** Channels the gateway ships; every other `channels.<id>` belongs to a plugin. */
export const BUILT_IN_CHANNEL_IDS: readonly string[] = Object.keys(CHANNEL_KEYS);

/** JSON Schema properties every channel understands, for assembling plugin channel schemas. */
export const CHANNEL_SHARED_KEYS: TProperties = channelShared;

/** `plugins.*`: which plugins run, their settings and isolation. */
export const PluginsConfigSchema = Obj(
  {
    enabled: Opt(Bool('Run plugins at all.', { default: true })),
    allow: Opt(StrList('When set, only these plugins may run.')),
    deny: Opt(StrList('Never run these plugins (wins over everything else).')),
    entries: Opt(
      Dict(
        Obj(
          {
            enabled: Opt(Bool('Run this plugin.')),
            config: Opt(Type.Unknown({ description: "The plugin's settings, checked by its own schema." })),
            isolation: Opt(Enum(['inprocess', 'process'], 'Run it inside the gateway or in its own process (default: process for installed plugins).')),
          },
          { description: 'One plugin.' },
        ),
        'Per-plugin settings by plugin id.',
      ),
    ),
    slots: Opt(Obj({ memory: Opt(Str('The one memory plugin that runs ("none" for none).')) }, { description: 'Exclusive roles.' })),
    load: Opt(Obj({ paths: Opt(StrList('Extra plugin folders, or folders of plugin folders.')) }, { description: 'Where else to look for plugins.' })),
  },
  { description: 'Plugins: channels, skills, memory and storage from extensions.' },
);

/** One provider under `models.providers.<id>`. */
export const ModelProviderSchema = Obj(
  {
    baseUrl: Opt(Str('API base URL.')),
    apiKey: Opt(Str('API key (secret).')),
    api: Opt(Enum(['anthropic-messages', 'openai-completions', 'openai-responses'], 'Wire API spoken by this provider.')),
    headers: Opt(Dict(Type.String(), 'Extra HTTP headers.')),
    models: Opt(
      Type.Array(
        Obj({
          id: Str('Model id as sent to the provider.'),
          name: Opt(Str('Display name.')),
          input: Opt(StrList('Input modalities, e.g. text, image.')),
          reasoning: Opt(Bool('Model supports extended reasoning.')),
          contextWindow: Opt(Int('Context window in tokens.', { minimum: 1 })),
          maxTokens: Opt(Int('Maximum output tokens.', { minimum: 1 })),
          cost: Opt(
            Obj(
              {
                input: Type.Number({ description: 'USD per million input tokens.', minimum: 0 }),
                output: Type.Number({ description: 'USD per million output tokens.', minimum: 0 }),
                cacheRead: Opt(Type.Number({ description: 'USD per million cache-read tokens.', minimum: 0 })),
                cacheWrite: Opt(Type.Number({ description: 'USD per million cache-write tokens.', minimum: 0 })),
              },
              { description: 'Pricing.' },
            ),
          ),
        }),
        { description: 'Models offered by this provider.' },
      ),
    ),
  },
  { description: 'A model provider.' },
);

/** `tools.*`: agent tool policy. */
export const ToolsConfigSchema = Obj(
  {
    ...ToolPolicySchema.properties,
    exec: Opt(
      Obj(
        {
          allow: Opt(StrList('Commands exec may run without approval.')),
          timeoutSeconds: Opt(Int('exec timeout in seconds.', { minimum: 1 })),
        },
        { description: 'Shell exec tool.' },
      ),
    ),
    web: Opt(
      Obj(
        {
          fetch: Opt(
            Obj(
              {
                allowPrivate: Opt(Bool('Allow fetching private/loopback addresses.', { default: false })),
                maxBytes: Opt(Int('Maximum response size.', { minimum: 1 })),
              },
              { description: 'web_fetch tool.' },
            ),
          ),
        },
        { description: 'Web tools.' },
      ),
    ),
  },
  { description: 'Agent tools.' },
);

/** The whole `openclaw.json`. */
export const OpenClawConfigSchema = Obj(
  {
    $schema: Opt(Str('JSON Schema URL for editors.')),
    meta: Opt(
      Obj(
        {
          lastTouchedVersion: Opt(Str('Version that last wrote this file.')),
          lastTouchedAt: Opt(Str('When this file was last written (ISO 8601).')),
        },
        { description: 'Bookkeeping written by OpenClaw.' },
      ),
    ),
    gateway: Opt(GatewayConfigSchema),
    logging: Opt(LoggingConfigSchema),
    agents: Opt(AgentsConfigSchema),
    bindings: Opt(Type.Array(BindingSchema, { description: 'Routing rules, most specific first.' })),
    session: Opt(SessionConfigSchema),
    channels: Opt(ChannelsConfigSchema),
    plugins: Opt(PluginsConfigSchema),
    models: Opt(Obj({ providers: Opt(Dict(ModelProviderSchema, 'Providers by id.')) }, { description: 'Model providers.' })),
    tools: Opt(ToolsConfigSchema),
    commands: Opt(Obj({ ownerAllowFrom: Opt(StrList('Senders allowed to run owner commands.')) }, { description: 'Chat commands.' })),
    accessGroups: Opt(Dict(Type.Array(Type.String()), 'Named sender lists usable in allowlists.')),
    canvasHost: Opt(
      Obj(
        { port: Opt(Int('Also serve /__openclaw__/canvas/ on this port (the legacy canvas host, 18793); unset: only on the gateway port.', { minimum: 1, maximum: 65535 })) },
        { description: 'Agent-written canvas pages.' },
      ),
    ),
  },
  { description: 'OpenClaw configuration.' },
);

type ChannelSharedConfig = Static<ReturnType<typeof Obj<typeof channelShared>>>;
/** One `channels.<id>`: the shared keys typed, each adapter reads its own keys. */
export type ChannelConfig = ChannelSharedConfig & { accounts?: Record<string, ChannelSharedConfig & Record<string, unknown>> } & Record<string, unknown>;
/** The config as written in `openclaw.json` (after migrations). */
// TypeBox's Static drops `additionalProperties: true`, so channels get their open type by hand.
export type OpenClawConfig = Omit<Static<typeof OpenClawConfigSchema>, 'channels'> & { channels?: Record<string, ChannelConfig> };
/** `gateway.*` as written. */
export type GatewayConfig = Static<typeof GatewayConfigSchema>;
/** `logging.*` as written. */
export type LoggingConfig = Static<typeof LoggingConfigSchema>;
/** `agents.*` as written. */
export type AgentsConfig = Static<typeof AgentsConfigSchema>;
/** One `agents.entries.<id>`. */
export type AgentEntry = Static<typeof AgentEntrySchema>;
/** One `bindings[]` rule. */
export type Binding = Static<typeof BindingSchema>;
/** `session.*` as written. */
export type SessionConfig = Static<typeof SessionConfigSchema>;
/** One `models.providers.<id>`. */
export type ModelProviderConfig = Static<typeof ModelProviderSchema>;

// ---------------------------------------------------------------------------
// Secrets

/** Placeholder returned instead of a secret; sending it back keeps the stored value. */
export const REDACTED_SENTINEL = '__OPENCLAW_REDACTED__';
const CHANNEL_SECRET_KEYS = [
  ...new Set(['secret', 'password', 'signingSecret', 'token', ...TELEGRAM_SECRET_KEYS, ...DISCORD_SECRET_KEYS, ...SLACK_SECRET_KEYS, ...WHATSAPP_SECRET_KEYS, ...IMESSAGE_SECRET_KEYS, ...GOOGLECHAT_SECRET_KEYS]),
];

/**
 * Where credentials live, as patterns: `*` is one segment, `**` any number
 * (including none). Besides these, every provider header and every key named
 * like a credential is a secret (see {@link isSecretPath}).
 */
export const SECRET_PATHS: readonly string[] = [
  'gateway.auth.token',
  'gateway.auth.password',
  'gateway.remote.token',
  'models.providers.*.apiKey',
  // Every header value: headers carry keys under any name ("X-Custom-Auth", "Cookie"), and telling them apart is guesswork.
  'models.providers.*.headers.*',
  ...CHANNEL_SECRET_KEYS.map((key) => `channels.*.**.${key}`),
];
const SECRET_PATTERNS = SECRET_PATHS.map((pattern) => pattern.split('.'));
// Key names that say "credential" wherever they appear (camelCase, snake_case or kebab-case), so a new field is covered before anyone lists it.
const CREDENTIAL_KEY = /(?:token|secret|password|passwd|api[-_]?key|private[-_]?key)$/i;
// Query parameters that carry credentials in a URL.
const CREDENTIAL_PARAM = /^(?:key|api[-_]?key|token|access[-_]?token|auth|secret|sig|signature|password)$/i;
// A value made only of `${VAR}` references names where the secret comes from; it holds none.
const ENV_REFERENCES_ONLY = /^(?:\$\{[A-Z_][A-Z0-9_]*\})+$/;

function matchesPattern(pattern: readonly string[], path: readonly string[]): boolean {
  if (pattern.length === 0) return path.length === 0;
  const [head, ...rest] = pattern;
  if (head === '**') return rest.length === 0 || path.some((_, i) => matchesPattern(rest, path.slice(i))) || matchesPattern(rest, []);
  if (path.length === 0) return false;
  return (head === '*' || head === path[0]) && matchesPattern(rest, path.slice(1));
}

/** True when the value at `path` is a credential: see {@link SECRET_PATHS}, plus any key named like one (`botToken`, `client_secret`, `x-api-key`). */
export function isSecretPath(path: readonly ConfigPathSegment[]): boolean {
  const p = path.map(String);
  const last = path[path.length - 1];
  if (typeof last === 'string' && CREDENTIAL_KEY.test(last)) return true;
  return SECRET_PATTERNS.some((pattern) => matchesPattern(pattern, p));
}

/** True for a URL with a user name, password or credential-like query parameter (`https://user:pass@host`, `…?key=…`). */
export function hasUrlCredentials(value: string): boolean {
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) return false;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  return url.username !== '' || url.password !== '' || [...url.searchParams.keys()].some((k) => CREDENTIAL_PARAM.test(k));
}

/**
 * The one redaction rule: a non-empty string at a secret path, or a URL
 * carrying credentials anywhere. A value that is only `${VAR}` references
 * stays visible (it names the variable; the substituted value never leaves
 * the gateway).
 */
export function isSecretValue(path: readonly ConfigPathSegment[], value: unknown): value is string {
  if (typeof value !== 'string' || value === '' || ENV_REFERENCES_ONLY.test(value)) return false;
  return isSecretPath(path) || hasUrlCredentials(value);
}

function mapLeaves(value: unknown, path: ConfigPathSegment[], fn: (leaf: unknown, path: ConfigPathSegment[]) => unknown): unknown {
  if (Array.isArray(value)) return value.map((item, i) => mapLeaves(item, [...path, i], fn));
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [key, child] of Object.entries(value)) {
      const mapped = mapLeaves(child, [...path, key], fn);
      if (mapped !== undefined) out[key] = mapped;
    }
    return out;
  }
  return fn(value, path);
}

/** Deep copy of `config` with every secret string ({@link isSecretValue}) replaced by `sentinel`. */
export function redactConfig<T>(config: T, sentinel: string = REDACTED_SENTINEL): T {
  return mapLeaves(config, [], (leaf, path) => (isSecretValue(path, leaf) ? sentinel : leaf)) as T;
}

/** The secret strings {@link redactConfig} would replace, for scrubbing text that holds copies of them. */
export function collectSecretValues(config: unknown): string[] {
  const out = new Set<string>();
  mapLeaves(config, [], (leaf, path) => {
    if (isSecretValue(path, leaf)) out.add(leaf);
    return leaf;
  });
  return [...out];
}

/**
 * Undoes {@link redactConfig} on a config coming back from a client: every
 * `sentinel` is replaced by the value at the same path in `current`, or dropped
 * when `current` has none (so the placeholder is never stored as a secret).
 */
export function restoreRedacted<T>(next: T, current: unknown, sentinel: string = REDACTED_SENTINEL): T {
  return mapLeaves(next, [], (leaf, path) => {
    if (leaf !== sentinel) return leaf;
    const existing = getAtPath(current, path);
    return existing.found ? existing.value : undefined;
  }) as T;
}

// ---------------------------------------------------------------------------
// Hot reload classification

/** What a change at a path needs: apply live, restart the gateway, or nothing. */
export type ReloadKind = 'hot' | 'restart' | 'none';

/**
 * Path prefix → reload kind; the longest matching prefix wins and anything
 * unmatched restarts. `channels` is hot for the gateway: the channel manager
 * restarts just the affected channel. `defaultAgentId` is derived by the loader.
 */
/**
 * One reload rule: how a change under `prefix` takes effect (longest prefix wins).
 * `listener`: a restart-kind setting the gateway applies by moving its listener in process.
 */
export interface ReloadRule {
  prefix: string;
  kind: ReloadKind;
  listener?: true;
}

export const RELOAD_RULES: ReadonlyArray<ReloadRule> = [
  { prefix: '$schema', kind: 'none' },
  { prefix: 'meta', kind: 'none' },
  { prefix: 'logging', kind: 'hot' },
  { prefix: 'gateway', kind: 'restart' },
  { prefix: 'gateway.auth', kind: 'hot' },
  { prefix: 'gateway.reload', kind: 'hot' },
  { prefix: 'gateway.port', kind: 'restart', listener: true },
  { prefix: 'gateway.bind', kind: 'restart', listener: true },
  { prefix: 'gateway.customBindHost', kind: 'restart', listener: true },
  { prefix: 'gateway.controlUi.allowedOrigins', kind: 'hot' },
  { prefix: 'gateway.tools', kind: 'hot' },
  { prefix: 'gateway.http', kind: 'hot' },
  { prefix: 'gateway.nodes', kind: 'hot' },
  { prefix: 'gateway.remote', kind: 'none' },
  { prefix: 'channels', kind: 'hot' },
  { prefix: 'agents', kind: 'hot' },
  { prefix: 'defaultAgentId', kind: 'hot' },
  { prefix: 'bindings', kind: 'hot' },
  { prefix: 'session', kind: 'hot' },
  { prefix: 'models', kind: 'hot' },
  { prefix: 'tools', kind: 'hot' },
  { prefix: 'commands', kind: 'hot' },
  { prefix: 'accessGroups', kind: 'hot' },
  { prefix: 'plugins', kind: 'hot' },
];
const PARSED_RULES = RELOAD_RULES.map((rule) => ({ segments: parseConfigPath(rule.prefix).map(String), rule }));
const UNMATCHED: ReloadRule = { prefix: '', kind: 'restart' };

/** The rule that governs one changed path (dot/bracket form); unparseable or unmatched paths restart. */
export function reloadRuleFor(path: string): ReloadRule {
  let segments: string[];
  try {
    segments = parseConfigPath(path).map(String);
  } catch {
    return UNMATCHED;
  }
  let best: { length: number; rule: ReloadRule } = { length: 0, rule: UNMATCHED };
  for (const p of PARSED_RULES) {
    const matches = p.segments.length <= segments.length && p.segments.every((s, i) => s === segments[i]);
    if (matches && p.segments.length > best.length) best = { length: p.segments.length, rule: p.rule };
  }
  return best.rule;
}

/** Classifies one changed path (dot/bracket form); unparseable or unmatched paths restart. */
export function classifyReload(path: string): ReloadKind {
  return reloadRuleFor(path).kind;
}

/**
 * Leaf paths (as {@link formatConfigPath} writes them) whose values differ
 * between `a` and `b`. Arrays count as leaves; an added or removed object
 * reports its own leaves.
 */
export function diffConfigPaths(a: unknown, b: unknown): string[] {
  const out: string[] = [];
  const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  const walk = (x: unknown, y: unknown, path: ConfigPathSegment[]): void => {
    if (!isObj(x) && !isObj(y)) {
      if (JSON.stringify(x) !== JSON.stringify(y)) out.push(formatConfigPath(path));
      return;
    }
    // An object replacing a scalar (or vice versa) also changes the path itself.
    if (isObj(x) !== isObj(y) && (x !== undefined && y !== undefined)) out.push(formatConfigPath(path));
    const xo = isObj(x) ? x : {};
    const yo = isObj(y) ? y : {};
    const keys = new Set([...Object.keys(xo), ...Object.keys(yo)]);
    // An empty object appearing or disappearing has no leaves to report, so report it.
    if (keys.size === 0 && isObj(x) !== isObj(y) && (x === undefined || y === undefined)) out.push(formatConfigPath(path));
    for (const key of keys) walk(xo[key], yo[key], [...path, key]);
  };
  walk(a, b, []);
  return out;
}
