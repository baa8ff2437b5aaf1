import { Type } from '@sinclair/typebox';
import { PresenceEntrySchema } from '../frames.js';
import { OperatorScopes } from '../scopes.js';
import { defineMethod } from './define.js';
import { PluginsHealthSchema } from './plugins.js';

const Empty = Type.Object({}, { additionalProperties: false });

/** Hot-reload state shown in health and status: the truth about the config the gateway runs. */
export const ConfigReloadStatusSchema = Type.Object({
  hotReloadStatus: Type.Union([Type.Literal('ok'), Type.Literal('invalid'), Type.Literal('off')]),
  mode: Type.String(),
  appliedHash: Type.String(),
  lastReloadAtMs: Type.Optional(Type.Integer()),
  lastError: Type.Optional(Type.String()),
  pendingRestartPaths: Type.Optional(Type.Array(Type.String())),
});

export const AgentHealthSchema = Type.Object({
  agentId: Type.String(),
  isDefault: Type.Boolean(),
  /** The agent's heartbeat as configured (the reference's summary): `every` is `disabled` and `everyMs` null when off. */
  heartbeat: Type.Object({
    enabled: Type.Boolean(),
    everySeconds: Type.Optional(Type.Integer()),
    every: Type.Optional(Type.String()),
    everyMs: Type.Optional(Type.Union([Type.Integer(), Type.Null()])),
    prompt: Type.Optional(Type.String()),
    target: Type.Optional(Type.String()),
    ackMaxChars: Type.Optional(Type.Integer()),
  }),
  sessions: Type.Object({
    count: Type.Integer(),
    /** Where the sessions are kept. */
    path: Type.Optional(Type.String()),
    /** The most recently active few; `age` in ms. */
    recent: Type.Array(Type.Object({ key: Type.String(), updatedAt: Type.Integer(), age: Type.Integer() })),
  }),
});

/** The state database as health reports it. */
export const StorageHealthSchema = Type.Object({
  ok: Type.Boolean(),
  error: Type.Optional(Type.String()),
  recoveredCopy: Type.Optional(Type.String()),
  lastErrorAtMs: Type.Optional(Type.Integer()),
});

/** Which models each agent can use; `ok` false while an agent has none (its turns are refused with the fix). */
export const ModelsHealthSchema = Type.Object({
  ok: Type.Boolean(),
  agents: Type.Array(Type.Object({ agentId: Type.String(), models: Type.Array(Type.String()), usable: Type.Array(Type.String()) })),
  /** Plain words, each with its fix: no model, an unknown provider, a provider skipped for a missing key. */
  problems: Type.Array(Type.String()),
});

/** Where several gateways share one database: this gateway's role and the others as it last saw them. */
export const ClusterSchema = Type.Object({
  instanceId: Type.String(),
  /** `primary` runs the chat channels (it holds the channels lease); `standby` serves clients and turns and waits. */
  role: Type.String(),
  /** This gateway's coordination connection is up (the others see it alive). */
  live: Type.Boolean(),
  peers: Type.Array(
    Type.Object({
      instanceId: Type.String(),
      host: Type.String(),
      pid: Type.Integer(),
      port: Type.Optional(Type.Integer()),
      role: Type.String(),
      alive: Type.Boolean(),
      /** How long ago it last said it was alive. */
      seenAgoMs: Type.Integer(),
    }),
  ),
});

/** `health` result: cached or live snapshot. */
export const HealthSnapshotSchema = Type.Object({
  ok: Type.Boolean(),
  ts: Type.Integer(),
  durationMs: Type.Number(),
  channels: Type.Record(Type.String(), Type.Unknown()),
  channelOrder: Type.Array(Type.String()),
  channelLabels: Type.Record(Type.String(), Type.String()),
  heartbeatSeconds: Type.Integer(),
  defaultAgentId: Type.String(),
  agents: Type.Array(AgentHealthSchema),
  configReload: ConfigReloadStatusSchema,
  /** The default agent's sessions (as in `agents`). */
  sessions: Type.Optional(AgentHealthSchema.properties.sessions),
  /** The gateway's own database: false while it cannot serve (file lost, locked, full, damaged). */
  storage: Type.Optional(StorageHealthSchema),
  /** Plugin states; `ok` false (and so health false) only while a critical plugin failed. */
  plugins: Type.Optional(PluginsHealthSchema),
  /** Model setup. The gateway itself stays `ok` without a model (it still serves clients, channels and nodes). */
  models: Type.Optional(ModelsHealthSchema),
  cluster: Type.Optional(ClusterSchema),
  uptimeMs: Type.Integer(),
  version: Type.String(),
});

export const healthMethod = defineMethod({
  description: 'Gateway health snapshot (ok, channels, agents, config reload state).',
  scope: null,
  roles: ['operator', 'node'],
  params: Type.Object({ probe: Type.Optional(Type.Boolean()) }, { additionalProperties: false }),
  result: HealthSnapshotSchema,
});

export const StatusSchema = Type.Object({
  ok: Type.Boolean(),
  version: Type.String(),
  protocol: Type.Integer(),
  uptimeMs: Type.Integer(),
  startedAtMs: Type.Integer(),
  gateway: Type.Object({
    port: Type.Integer(),
    bind: Type.String(),
    host: Type.String(),
    url: Type.String(),
    authMode: Type.String(),
    controlUiUrl: Type.Optional(Type.String()),
    /** The port serves TLS with this certificate; clients pin `fingerprint` (SHA-256) when no authority vouches for it. */
    tls: Type.Optional(Type.Object({ fingerprint: Type.String(), source: Type.Union([Type.Literal('files'), Type.Literal('generated')]), notAfter: Type.String() })),
  }),
  connections: Type.Object({ total: Type.Integer(), operators: Type.Integer(), nodes: Type.Integer() }),
  config: ConfigReloadStatusSchema,
  defaultAgentId: Type.String(),
  agents: Type.Array(Type.Object({ agentId: Type.String(), isDefault: Type.Boolean() })),
  channels: Type.Record(Type.String(), Type.Unknown()),
  /** Plugin counts and failed critical plugins. */
  plugins: Type.Optional(PluginsHealthSchema),
  models: Type.Optional(ModelsHealthSchema),
  cluster: Type.Optional(ClusterSchema),
  /** Admin-only details: paths, pid, memory. */
  host: Type.Optional(
    Type.Object({
      pid: Type.Integer(),
      nodeVersion: Type.String(),
      platform: Type.String(),
      stateDir: Type.String(),
      configPath: Type.String(),
      logFile: Type.String(),
      storePath: Type.String(),
      storeSchemaVersion: Type.Integer(),
      /** The token file the gateway generated and reads, when it uses one (not a token from config or env). */
      tokenPath: Type.Optional(Type.String()),
      /** This run created the state: the token file or the starter config did not exist before it. */
      firstStart: Type.Optional(Type.Boolean()),
      rssBytes: Type.Integer(),
      heapUsedBytes: Type.Integer(),
    }),
  ),
});

export const statusMethod = defineMethod({
  description: 'Gateway status summary; host details only for admin callers.',
  scope: OperatorScopes.READ,
  params: Type.Object({ all: Type.Optional(Type.Boolean()) }, { additionalProperties: false }),
  result: StatusSchema,
});

export const systemPresenceMethod = defineMethod({
  description: 'Clients and nodes connected right now.',
  scope: OperatorScopes.READ,
  params: Empty,
  result: Type.Array(PresenceEntrySchema),
});

export const LogsTailParamsSchema = Type.Object(
  {
    cursor: Type.Optional(Type.Integer({ minimum: 0 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 5000 })),
    maxBytes: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000 })),
  },
  { additionalProperties: false },
);

export const LogsTailResultSchema = Type.Object({
  file: Type.String(),
  cursor: Type.Integer(),
  size: Type.Integer(),
  lines: Type.Array(Type.String()),
  truncated: Type.Boolean(),
  reset: Type.Boolean(),
});

export const logsTailMethod = defineMethod({
  description: 'Read the gateway log file from a byte cursor (JSON lines). Without a cursor, the last lines.',
  scope: OperatorScopes.READ,
  params: LogsTailParamsSchema,
  result: LogsTailResultSchema,
});

export const systemInfoMethod = defineMethod({
  description: 'The gateway host: machine, OS, Node, process uptime and memory, CPUs, load, memory and the disk holding the state directory. Admins only, like the host part of `status`.',
  scope: OperatorScopes.ADMIN,
  params: Type.Object({}, { additionalProperties: false }),
  result: Type.Object({
    machineName: Type.String(),
    hostname: Type.String(),
    platform: Type.String(),
    release: Type.String(),
    arch: Type.String(),
    osLabel: Type.String(),
    port: Type.Optional(Type.Integer()),
    nodeVersion: Type.String(),
    pid: Type.Integer(),
    /** This gateway process's start, for clients to notice a restart. */
    processInstanceId: Type.String(),
    uptimeMs: Type.Integer(),
    cpuCount: Type.Integer(),
    cpuModel: Type.Optional(Type.String()),
    loadAverage: Type.Tuple([Type.Number(), Type.Number(), Type.Number()]),
    memoryTotalBytes: Type.Integer(),
    memoryFreeBytes: Type.Integer(),
    processMemory: Type.Object({ rssBytes: Type.Integer(), heapUsedBytes: Type.Integer(), heapTotalBytes: Type.Integer(), externalBytes: Type.Integer(), arrayBuffersBytes: Type.Integer() }),
    diskPath: Type.Optional(Type.String()),
    diskTotalBytes: Type.Optional(Type.Integer()),
    diskAvailableBytes: Type.Optional(Type.Integer()),
  }),
});
