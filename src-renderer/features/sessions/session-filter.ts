import type { MethodResult } from '../../../src-shared/protocol/index.js';

export type SessionRow = MethodResult<'sessions.list'>['sessions'][number];

export interface SessionFilter {
  search: string;
  /** Empty = all. */
  agent: string;
  kind: string;
}

/** Case-insensitive match on key, label, channel and preview; exact agent and kind. */
export function filterSessions(rows: readonly SessionRow[], f: SessionFilter): SessionRow[] {
  const q = f.search.trim().toLowerCase();
  return rows.filter(
    (r) =>
      (!f.agent || r.agentId === f.agent) &&
      (!f.kind || r.kind === f.kind) &&
      (!q || [r.key, r.label, r.channel, r.preview].some((v) => v !== undefined && v.toLowerCase().includes(q))),
  );
}

/** Sorted distinct values of a field, for the filter selects. */
export function distinctValues(rows: readonly SessionRow[], field: 'agentId' | 'kind'): string[] {
  return [...new Set(rows.map((r) => r[field]))].sort();
}
