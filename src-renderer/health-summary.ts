import { describeCluster, type ClusterFacts } from '../src-shared/domain/cluster-text.js';
/** What the health panel shows, picked tolerantly out of `health`, `status` and `hello-ok`. */
export interface HealthSummary {
  ok: boolean | undefined;
  uptimeMs: number | undefined;
  version: string | undefined;
  /** `health.configReload.hotReloadStatus` as text, e.g. `ok`, `applied`, `invalid: …`. */
  configReload: string | undefined;
  checkedAt: number | undefined;
  /** Set while an agent has no usable model: what `health.models` says is wrong, with the fix. */
  noModel: string | undefined;
  /** Where gateways share one database: this one's role and its peers, in words. */
  cluster: string | undefined;
}

export interface HealthInputs {
  health: unknown;
  status?: unknown;
  hello?: { server?: { version?: string }; snapshot?: { uptimeMs?: number } };
  /** When the hello arrived, to age its `uptimeMs`. */
  helloAt?: number;
  /** When health/status arrived, to age their `uptimeMs` between refreshes. */
  healthAt?: number;
  now: number;
}

function field(obj: unknown, key: string): unknown {
  return obj && typeof obj === 'object' ? (obj as Record<string, unknown>)[key] : undefined;
}
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** `health.configReload` → `ok`, `ok (hybrid)`, `invalid: <error>`; tolerant of older shapes. */
function describeReload(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (!v || typeof v !== 'object') return undefined;
  const inner = field(v, 'hotReloadStatus');
  if (inner && typeof inner === 'object') return describeReload(inner);
  const state = str(inner) ?? str(field(v, 'state')) ?? str(field(v, 'status'));
  const error = str(field(v, 'lastError')) ?? str(field(v, 'error'));
  const mode = str(field(v, 'mode'));
  if (state && error) return `${state}: ${error}`;
  if (state && mode) return `${state} (${mode})`;
  return state ?? error;
}

/** `health.models` with `ok: false` → its problems as one sentence each; anything else → undefined. */
function describeNoModel(v: unknown): string | undefined {
  if (field(v, 'ok') !== false) return undefined;
  const problems = field(v, 'problems');
  const text = Array.isArray(problems) ? problems.filter((p): p is string => typeof p === 'string').join(' ') : '';
  return text || 'No model is set up, so the agent cannot answer.';
}

function describeClusterField(v: unknown): string | undefined {
  if (!v || typeof v !== 'object' || typeof field(v, 'role') !== 'string' || !Array.isArray(field(v, 'peers'))) return undefined;
  return describeCluster(v as ClusterFacts);
}

const aged = (ms: number | undefined, at: number | undefined, now: number) =>
  ms === undefined ? undefined : ms + Math.max(0, now - (at ?? now));

export function summarizeHealth({ health, status, hello, helloAt, healthAt, now }: HealthInputs): HealthSummary {
  const uptimeMs =
    aged(num(field(health, 'uptimeMs')) ?? num(field(status, 'uptimeMs')) ?? num(field(field(status, 'gateway'), 'uptimeMs')), healthAt, now) ??
    aged(num(hello?.snapshot?.uptimeMs), helloAt, now);
  const version =
    str(field(health, 'version')) ??
    str(field(status, 'version')) ??
    str(field(field(status, 'gateway'), 'version')) ??
    str(hello?.server?.version);
  return {
    ok: typeof field(health, 'ok') === 'boolean' ? (field(health, 'ok') as boolean) : undefined,
    uptimeMs,
    version,
    configReload: describeReload(field(health, 'configReload')),
    checkedAt: num(field(health, 'ts')),
    noModel: describeNoModel(field(health, 'models')),
    cluster: describeClusterField(field(health, 'cluster')),
  };
}

/** `93784000` → `1d 2h 3m`; under a minute shows seconds. */
export function formatUptime(ms: number | undefined): string {
  if (ms === undefined) return '—';
  const s = Math.floor(ms / 1000);
  const d = Math.floor(s / 86_400);
  const h = Math.floor((s % 86_400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  if (d > 0) return `${d}d ${h}h ${m}m`;
  if (h > 0) return `${h}h ${m}m`;
  if (m > 0) return `${m}m ${s % 60}s`;
  return `${s}s`;
}
