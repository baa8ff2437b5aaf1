/**
 * The `openclaw.json` schema, written once with TypeBox. The loader validates
 * against it, the CLI prints it (`config schema`) and the UI builds its form
 * from the `description`s. Strict: every object we define rejects unknown keys,
 * because a typo that silently does nothing is worse than a clear error.
 *
 * Defaults are applied by the loader (`resolveConfig`), not by the schema, so
 * "unset" stays visible; the `default` annotations here are documentation only.
 */
import { Type, type Static } from '@sinclair/typebox';
import { Bool, Dict, Enum, Int, Obj, Opt, Str, StrList } from './config-schema-builders.js';
import { HeartbeatSchema } from './config-schema-heartbeat.js';

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

const DmScopeSchema = Enum(
  ['main', 'per-peer', 'per-channel-peer', 'per-account-channel-peer'],
  "How direct messages map to sessions. Unset: the owner's DMs (commands.ownerAllowFrom, or the account's own note-to-self chat) share the main session; every other person gets their own (per-channel-peer).",
);
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
    trustedProxies: Opt(
      Type.Array(Type.String({ pattern: '^[0-9A-Fa-f:.]+(/[0-9]{1,3})?$', title: 'an IP address or CIDR (127.0.0.1, 10.0.0.0/8, fd00::/8)' }), {
        description:
          'Reverse proxies (addresses or CIDRs, e.g. 127.0.0.1 or 10.0.0.0/8) whose X-Forwarded-For or Forwarded header names the client, for rate limits, pairing and the loopback rules. From any other address those headers are ignored.',
      }),
    ),
    publicUrl: Opt(Str('The address other machines reach this gateway at (wss://… through a reverse proxy, Tailscale Serve or a tunnel); setup codes for phones carry it.', { pattern: '^wss?://', title: 'a ws:// or wss:// URL' })),
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

/** `storage.postgres`: also the `storage-postgres` plugin's settings (its manifest's configSchema says the same). */
export const PostgresStorageConfigSchema = Obj(
  {
    url: Str('Connection URL, postgres://user:password@host:5432/database; write the password as ${PGPASSWORD} to keep it out of the file (secret).', { minLength: 1 }),
    poolSize: Opt(Int('Connections kept open to the database.', { minimum: 1, maximum: 100, default: 10 })),
    statementTimeoutMs: Opt(Int('A query running longer than this is cancelled and the request fails as unavailable.', { minimum: 100, default: 30_000 })),
    connectTimeoutMs: Opt(Int('How long to wait for a connection to the database.', { minimum: 100, default: 10_000 })),
    tls: Opt(
      Obj(
        {
          mode: Opt(Enum(['disable', 'require', 'verify-full'], 'disable: plain TCP; require: TLS without checking the certificate; verify-full: TLS with the certificate checked against ca (or the system roots) and the host name.', { default: 'disable' })),
          ca: Opt(Str('PEM file of the certificate authority to trust (verify-full).')),
          cert: Opt(Str('PEM file of a client certificate.')),
          key: Opt(Str('PEM file of the client certificate\'s key.')),
        },
        { description: 'TLS to the database.' },
      ),
    ),
  },
  { description: 'PostgreSQL, for several gateways sharing one state (the storage-postgres plugin).' },
);

export const StorageConfigSchema = Obj(
  {
    backend: Opt(Enum(['sqlite', 'postgres'], 'Where the gateway keeps its state: sqlite (a file in the state dir) or postgres (storage.postgres).', { default: 'sqlite' })),
    postgres: Opt(PostgresStorageConfigSchema),
  },
  { description: 'Where state (sessions, transcripts, the queue, devices) is kept. Changing it needs a restart.' },
);

const ModelRefSchema = Obj(
  {
    primary: Opt(Str('Model as provider/model, e.g. anthropic/claude-sonnet-5-5.')),
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
  heartbeat: Opt(HeartbeatSchema),
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
          heartbeat: Opt(HeartbeatSchema),
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

/**
 * `channels`: every channel comes from a plugin (the bundled ones from the app's `extensions/`), so each
 * `channels.<id>` is checked against the settings schema its plugin's manifest declares merged with
 * {@link CHANNEL_SHARED_KEYS}, outside this schema, because which plugins exist is only known at run time.
 * An id no plugin provides is an error naming what to install; `config.schema` fills in `properties`.
 */
export const ChannelsConfigSchema = Type.Object({}, { description: 'Chat channels by id.', additionalProperties: Type.Object({}, { additionalProperties: true, description: 'A channel, checked by its plugin\'s settings schema.' }) });

/** JSON Schema properties every channel understands, for assembling channel schemas (plain JSON: TypeBox's markers dropped). */
export const CHANNEL_SHARED_KEYS: Record<string, Record<string, unknown>> = JSON.parse(JSON.stringify(channelShared)) as Record<string, Record<string, unknown>>;

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
          ask: Opt(
            Type.Union([Type.Literal('off'), Type.Literal('on-miss')], {
              description: 'on-miss: a program outside `allow` asks the owner (Control UI, CLI) instead of failing; off (default): it fails.',
            }),
          ),
          approvalTimeoutSeconds: Opt(Int('How long an exec approval waits for the owner before it counts as denied (default 120).', { minimum: 5, maximum: 3600 })),
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
    storage: Opt(StorageConfigSchema),
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
/** `agents.*.heartbeat` as written. */
export type HeartbeatConfig = Static<typeof HeartbeatSchema>;
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

export * from './config-secrets.js';
export * from './config-reload.js';
