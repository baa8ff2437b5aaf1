import type Database from 'better-sqlite3';
import type { UsageRepo } from './types.js';
import type { SyncOf } from './sync.js';

export const DAY_MS = 86_400_000;

export function createUsageRepo(db: Database.Database): SyncOf<UsageRepo> {
  // created_at_ms is range-filtered through the partial index transcript_usage_time.
  const byDay = db.prepare<{ since: number; until: number; offsetMs: number }, { day: number; agent_id: string; model: string; turns: number; input_tokens: number; output_tokens: number; cost_usd: number }>(`
    SELECT (t.created_at_ms + CAST(@offsetMs AS INTEGER)) / ${DAY_MS} AS day,
           COALESCE(s.agent_id, '') AS agent_id,
           COALESCE(json_extract(t.usage_json, '$.model'), '') AS model,
           COUNT(*) AS turns,
           TOTAL(json_extract(t.usage_json, '$.inputTokens')) AS input_tokens,
           TOTAL(json_extract(t.usage_json, '$.outputTokens')) AS output_tokens,
           TOTAL(json_extract(t.usage_json, '$.costUsd')) AS cost_usd
    FROM transcript t LEFT JOIN session_ids s ON s.session_id = t.session_id
    WHERE t.usage_json IS NOT NULL AND t.created_at_ms >= @since AND t.created_at_ms < @until
    GROUP BY day, agent_id, model
    ORDER BY day, agent_id, model`);
  return {
    byDay: (q) =>
      byDay.all({ since: q.sinceMs, until: q.untilMs, offsetMs: q.utcOffsetMinutes * 60_000 }).map((r) => ({
        day: r.day,
        agentId: r.agent_id,
        model: r.model,
        turns: r.turns,
        inputTokens: Math.round(r.input_tokens),
        outputTokens: Math.round(r.output_tokens),
        costUsd: r.cost_usd,
      })),
  };
}
