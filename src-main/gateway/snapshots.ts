import { PROTOCOL_VERSION, type MethodResult } from '../../src-shared/protocol/index.js';
import { heartbeatSummary, resolveHeartbeats, type HeartbeatSettings } from '../../src-shared/domain/heartbeat.js';
import type { ResolvedConfig } from '../config/resolve.js';
import type { ChannelsStatus } from '../channels/manager.js';

/** What the gateway knows about its own config: the truth shown in health and status. */
export interface ReloadState {
  mode: string;
  status: 'ok' | 'invalid' | 'off';
  appliedHash: string;
  lastReloadAtMs?: number;
  lastError?: string;
  pendingRestartPaths?: string[];
}

export interface SnapshotInput {
  cfg: ResolvedConfig;
  reload: ReloadState;
  startedAtMs: number;
  version: string;
  /** Sessions per agent id. */
  sessionCounts?(): Record<string, number>;
  /** The most recently active sessions, newest first (health lists a few per agent, as the reference clients show them). */
  recentSessions?(): readonly { key: string; agentId: string; updatedAtMs: number }[];
  /** Where the sessions are kept. */
  sessionStorePath?: string;
  /** Live channel state (from the channel manager). */
  channels?(): ChannelsStatus;
  /** The state database's own health. */
  storage?(): { ok: boolean; error?: string; recoveredCopy?: string; lastErrorAtMs?: number };
  /** Plugin states; not ok only while a critical plugin failed. */
  plugins?(): NonNullable<MethodResult<'health'>['plugins']>;
  /** Which models each agent can use. */
  models?(): NonNullable<MethodResult<'health'>['models']>;
  /** Gateways sharing the database, where they do. */
  cluster?(): MethodResult<'health'>['cluster'];
  /** Further named sections (plugins): each shown as is under its name in health and status. */
  sections?(): Record<string, unknown>;
}

type AccountStatus = ChannelsStatus['channelAccounts'][string][number];

/**
 * An account's health in the reference clients' words (`healthState`): `healthy` while connected, else what it is
 * doing instead. They print it as the channel's line in `status --deep`.
 */
export function channelHealthState(a: Pick<AccountStatus, 'state' | 'connected'>): string {
  if (a.connected) return 'healthy';
  return a.state === 'backoff' ? 'reconnecting' : a.state === 'running' ? 'disconnected' : a.state;
}

/** Per channel: the summary plus each account's live facts. */
function channelSnapshot(input: SnapshotInput) {
  const s = input.channels?.();
  if (!s) return { channels: {}, channelOrder: [], channelLabels: {}, down: false };
  const channels: Record<string, unknown> = {};
  for (const id of s.channelOrder) {
    const accounts = s.channelAccounts[id] ?? [];
    const summary = s.channels[id];
    const unhealthy = accounts.find((a) => a.enabled && !a.connected);
    channels[id] = {
      ...summary,
      ...(summary ? { healthState: unhealthy ? channelHealthState(unhealthy) : summary.connected ? 'healthy' : 'disconnected' } : {}),
      accounts: Object.fromEntries(
        accounts.map((a) => [
          a.accountId,
          {
            accountId: a.accountId,
            state: a.state,
            enabled: a.enabled,
            configured: a.configured,
            connected: a.connected,
            healthState: channelHealthState(a),
            lastInboundAt: a.lastInboundAt ?? null,
            lastOutboundAt: a.lastOutboundAt ?? null,
            lastError: a.lastError ?? null,
            restarts: a.restarts,
          },
        ]),
      ),
    };
  }
  // An enabled account that is not connected makes health false: a deaf bot is not "OK".
  const down = s.channelOrder.some((id) => (s.channelAccounts[id] ?? []).some((a) => a.enabled && !a.connected));
  return { channels, channelOrder: s.channelOrder, channelLabels: s.channelLabels, down };
}

function reloadStatus(r: ReloadState): MethodResult<'health'>['configReload'] {
  const out: MethodResult<'health'>['configReload'] = { hotReloadStatus: r.status, mode: r.mode, appliedHash: r.appliedHash };
  if (r.lastReloadAtMs !== undefined) out.lastReloadAtMs = r.lastReloadAtMs;
  if (r.lastError !== undefined) out.lastError = r.lastError;
  if (r.pendingRestartPaths?.length) out.pendingRestartPaths = r.pendingRestartPaths;
  return out;
}

const RECENT_PER_AGENT = 5;

/** An agent's sessions as health shows them: how many, where they are kept, the few most recently active. */
function sessionSummary(input: SnapshotInput, agentId: string, count: number, now: number) {
  const recent = (input.recentSessions?.() ?? [])
    .filter((r) => r.agentId === agentId)
    .slice(0, RECENT_PER_AGENT)
    .map((r) => ({ key: r.key, updatedAt: r.updatedAtMs, age: Math.max(0, now - r.updatedAtMs) }));
  return { count, ...(input.sessionStorePath ? { path: input.sessionStorePath } : {}), recent };
}

function agents(cfg: ResolvedConfig) {
  return Object.keys(cfg.agents.entries).map((agentId) => ({ agentId, isDefault: agentId === cfg.defaultAgentId }));
}

/** Heartbeat settings per config (a reload brings a new config object): health is on a hot path. */
const heartbeatCache = new WeakMap<ResolvedConfig, Map<string, HeartbeatSettings>>();
function heartbeatsOf(cfg: ResolvedConfig): Map<string, HeartbeatSettings> {
  let beats = heartbeatCache.get(cfg);
  if (!beats) heartbeatCache.set(cfg, (beats = new Map(resolveHeartbeats(cfg.agents).map((b) => [b.agentId, b]))));
  return beats;
}
const beatSeconds = (b: HeartbeatSettings | undefined) => (b?.everyMs ? Math.round(b.everyMs / 1000) : 0);
/** An agent's heartbeat as health shows it (the reference's summary, plus `everySeconds` when on). */
const beatOf = (b: HeartbeatSettings | undefined) => (b ? { ...heartbeatSummary(b), ...(b.everyMs ? { everySeconds: beatSeconds(b) } : {}) } : { enabled: false });

/**
 * Health is computed on demand: it is cheap, and a cached "ok" is how a
 * gateway ends up reporting health it no longer has. `ok` is false while the
 * config on disk is invalid, so a broken edit is visible at once.
 */
export function buildHealth(input: SnapshotInput): MethodResult<'health'> {
  const t0 = performance.now();
  const now = Date.now();
  const counts = input.sessionCounts?.() ?? {};
  const ch = channelSnapshot(input);
  const storage = input.storage?.();
  const plugins = input.plugins?.();
  const beats = heartbeatsOf(input.cfg);
  const out: MethodResult<'health'> = {
    ok: input.reload.status !== 'invalid' && !ch.down && storage?.ok !== false && plugins?.ok !== false,
    ts: now,
    durationMs: Math.round((performance.now() - t0) * 1000) / 1000,
    channels: ch.channels,
    channelOrder: ch.channelOrder,
    channelLabels: ch.channelLabels,
    heartbeatSeconds: beatSeconds(beats.get(input.cfg.defaultAgentId)),
    defaultAgentId: input.cfg.defaultAgentId,
    agents: agents(input.cfg).map((a) => ({ ...a, heartbeat: beatOf(beats.get(a.agentId)), sessions: sessionSummary(input, a.agentId, counts[a.agentId] ?? 0, now) })),
    configReload: reloadStatus(input.reload),
    sessions: sessionSummary(input, input.cfg.defaultAgentId, counts[input.cfg.defaultAgentId] ?? 0, now),
    uptimeMs: now - input.startedAtMs,
    version: input.version,
  };
  if (plugins && (plugins.plugins.loaded || plugins.plugins.failed || plugins.plugins.notLoaded || plugins.plugins.disabled)) out.plugins = plugins;
  const models = input.models?.();
  if (models) out.models = models;
  const cluster = input.cluster?.();
  if (cluster) out.cluster = cluster;
  if (storage) {
    const { ok, error, recoveredCopy, lastErrorAtMs } = storage;
    out.storage = { ok, ...(error && { error }), ...(recoveredCopy && { recoveredCopy }), ...(lastErrorAtMs !== undefined && { lastErrorAtMs }) };
  }
  return withSections(out, input);
}

/** Adds the extra sections without letting one replace a built-in field. */
function withSections<T extends object>(out: T, input: SnapshotInput): T {
  const extra = input.sections?.();
  if (!extra) return out;
  for (const [name, value] of Object.entries(extra)) if (!(name in out)) (out as Record<string, unknown>)[name] = value;
  return out;
}

export interface StatusInput extends SnapshotInput {
  includeHost: boolean;
  gateway: MethodResult<'status'>['gateway'];
  /** Role of each open connection. */
  connections: string[];
  host: { stateDir: string; configPath: string; logFile: string; storePath: string; storeSchemaVersion: number; tokenPath?: string; firstStart?: boolean };
}

export function buildStatus(input: StatusInput): MethodResult<'status'> {
  const now = Date.now();
  const out: MethodResult<'status'> = {
    ok: input.reload.status !== 'invalid' && input.storage?.().ok !== false && input.plugins?.().ok !== false,
    version: input.version,
    protocol: PROTOCOL_VERSION,
    uptimeMs: now - input.startedAtMs,
    startedAtMs: input.startedAtMs,
    gateway: input.gateway,
    connections: {
      total: input.connections.length,
      operators: input.connections.filter((r) => r === 'operator').length,
      nodes: input.connections.filter((r) => r === 'node').length,
    },
    config: reloadStatus(input.reload),
    defaultAgentId: input.cfg.defaultAgentId,
    agents: agents(input.cfg),
    channels: channelSnapshot(input).channels,
  };
  const plugins = input.plugins?.();
  if (plugins) out.plugins = plugins;
  const cluster = input.cluster?.();
  if (cluster) out.cluster = cluster;
  const models = input.models?.();
  if (models) out.models = models;
  if (input.includeHost) {
    const mem = process.memoryUsage();
    out.host = {
      pid: process.pid,
      nodeVersion: process.version,
      platform: process.platform,
      ...input.host,
      rssBytes: mem.rss,
      heapUsedBytes: mem.heapUsed,
    };
  }
  return withSections(out, input);
}

/** Sessions per agent for health: one grouped count, reused for a second (health is polled, and often). */
export function cachedSessionCounts(count: () => Promise<Record<string, number>>, maxAgeMs = 1000): (() => Record<string, number>) & { refresh(): Promise<void> } {
  return cachedRead(count, {}, maxAgeMs);
}

/** A store read answered at once from its last value, refreshed in the background once older than `maxAgeMs`. */
export function cachedRead<T>(load: () => Promise<T>, initial: T, maxAgeMs = 1000): (() => T) & { refresh(): Promise<void> } {
  const count = load;
  let counts: { at: number; value: T } = { at: 0, value: initial };
  let refreshing: Promise<void> | undefined;
  const refresh = (): Promise<void> =>
    (refreshing ??= count()
      .then((value) => void (counts = { at: Date.now(), value }))
      .catch(() => void (counts.at = Date.now())) // the store reports its own failure in health
      .finally(() => (refreshing = undefined)));
  // Health is answered at once from the last count; a stale count is refreshed for the next reader.
  const read = () => {
    if (Date.now() - counts.at > maxAgeMs) void refresh();
    return counts.value;
  };
  return Object.assign(read, { refresh });
}

/** Where health and status read their facts, each when asked. */
export interface SnapshotSources extends Omit<SnapshotInput, 'cfg'> {
  config(): ResolvedConfig;
  gateway(): StatusInput['gateway'];
  /** Role of each open connection. */
  connections(): string[];
  host(): StatusInput['host'];
}

/** `health` and `status`, computed on demand from live sources. */
export interface Snapshots {
  health(): MethodResult<'health'>;
  status(includeHost: boolean): MethodResult<'status'>;
}

export function createSnapshots(src: SnapshotSources): Snapshots {
  const input = (): SnapshotInput => ({ ...src, cfg: src.config() });
  return {
    health: () => buildHealth(input()),
    status: (includeHost) => buildStatus({ ...input(), includeHost, gateway: src.gateway(), connections: src.connections(), host: src.host() }),
  };
}
