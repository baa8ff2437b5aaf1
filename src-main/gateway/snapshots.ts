import { PROTOCOL_VERSION, type MethodResult } from '../../src-shared/protocol/index.js';
import type { ResolvedConfig } from '../config/resolve.js';

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
}

function reloadStatus(r: ReloadState): MethodResult<'health'>['configReload'] {
  const out: MethodResult<'health'>['configReload'] = { hotReloadStatus: r.status, mode: r.mode, appliedHash: r.appliedHash };
  if (r.lastReloadAtMs !== undefined) out.lastReloadAtMs = r.lastReloadAtMs;
  if (r.lastError !== undefined) out.lastError = r.lastError;
  if (r.pendingRestartPaths?.length) out.pendingRestartPaths = r.pendingRestartPaths;
  return out;
}

function agents(cfg: ResolvedConfig) {
  return Object.keys(cfg.agents.entries).map((agentId) => ({ agentId, isDefault: agentId === cfg.defaultAgentId }));
}

/**
 * Health is computed on demand: it is cheap, and a cached "ok" is how a
 * gateway ends up reporting health it no longer has. `ok` is false while the
 * config on disk is invalid, so a broken edit is visible at once.
 */
export function buildHealth(input: SnapshotInput): MethodResult<'health'> {
  const t0 = performance.now();
  const now = Date.now();
  const counts = input.sessionCounts?.() ?? {};
  return {
    ok: input.reload.status !== 'invalid',
    ts: now,
    durationMs: Math.round((performance.now() - t0) * 1000) / 1000,
    channels: {},
    channelOrder: [],
    channelLabels: {},
    heartbeatSeconds: 0,
    defaultAgentId: input.cfg.defaultAgentId,
    agents: agents(input.cfg).map((a) => ({ ...a, heartbeat: { enabled: false }, sessions: { count: counts[a.agentId] ?? 0 } })),
    configReload: reloadStatus(input.reload),
    uptimeMs: now - input.startedAtMs,
    version: input.version,
  };
}

export interface StatusInput extends SnapshotInput {
  includeHost: boolean;
  gateway: MethodResult<'status'>['gateway'];
  /** Role of each open connection. */
  connections: string[];
  host: { stateDir: string; configPath: string; logFile: string; storePath: string; storeSchemaVersion: number };
}

export function buildStatus(input: StatusInput): MethodResult<'status'> {
  const now = Date.now();
  const out: MethodResult<'status'> = {
    ok: input.reload.status !== 'invalid',
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
    channels: {},
  };
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
  return out;
}
