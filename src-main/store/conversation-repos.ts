import type Database from 'better-sqlite3';
import type {
  NewTranscriptEntry,
  QueueRepo,
  QueueStatus,
  SessionListQuery,
  SessionsRepo,
  TranscriptRepo,
} from './types.js';
import type { SyncOf } from './sync.js';
import {
  toArchive,
  toQueueItem as toItem,
  toSession,
  toTranscriptEntry as toEntry,
  type ArchiveRow,
  type QueueRow,
  type SessionRow,
  type TranscriptRow,
} from '../../src-shared/store/rows.js';


export function createSessionsRepo(db: Database.Database): SyncOf<SessionsRepo> {
  const q = {
    get: db.prepare<[string], SessionRow>('SELECT * FROM sessions WHERE session_key = ?'),
    byId: db.prepare<[string], SessionRow>('SELECT * FROM sessions WHERE session_id = ?'),
    insert: db.prepare('INSERT INTO sessions (session_key, session_id, agent_id, created_at_ms, updated_at_ms) VALUES (?, ?, ?, ?, ?) ON CONFLICT (session_key) DO NOTHING'),
    addUsage: db.prepare(
      `UPDATE sessions SET message_count = message_count + @messages, input_tokens = input_tokens + @inputTokens,
         output_tokens = output_tokens + @outputTokens, cost_usd = cost_usd + @costUsd, updated_at_ms = @nowMs,
         last_preview = COALESCE(@preview, last_preview) WHERE session_key = @key`,
    ),
    reset: db.prepare(
      'UPDATE sessions SET session_id = ?, reset_at_ms = ?, updated_at_ms = ?, message_count = 0, input_tokens = 0, output_tokens = 0, cost_usd = 0, last_preview = NULL WHERE session_key = ?',
    ),
    delete: db.prepare('DELETE FROM sessions WHERE session_key = ?'),
    archive: db.prepare(
      `INSERT OR REPLACE INTO session_archive (session_id, session_key, agent_id, started_at_ms, ended_at_ms, message_count, last_preview)
       SELECT session_id, session_key, agent_id, COALESCE(reset_at_ms, created_at_ms), ?, message_count, last_preview FROM sessions WHERE session_key = ?`,
    ),
    archives: db.prepare<[string], ArchiveRow>('SELECT * FROM session_archive WHERE session_key = ? ORDER BY ended_at_ms DESC'),
    archivesOfKey: db.prepare<[string], { session_id: string }>('SELECT session_id FROM session_archive WHERE session_key = ?'),
    dropKey: db.prepare('DELETE FROM session_archive WHERE session_key = ?'),
    archivesBefore: db.prepare<[number], { session_id: string }>('SELECT session_id FROM session_archive WHERE ended_at_ms < ?'),
    dropBefore: db.prepare('DELETE FROM session_archive WHERE ended_at_ms < ?'),
    count: db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM sessions'),
    byAgent: db.prepare<[], { agent_id: string; n: number }>('SELECT agent_id, COUNT(*) AS n FROM sessions GROUP BY agent_id'),
  };
  return {
    get: (key) => {
      const r = q.get.get(key);
      return r ? toSession(r) : undefined;
    },
    getBySessionId: (id) => {
      const r = q.byId.get(id);
      return r ? toSession(r) : undefined;
    },
    ensure(key, agentId, nowMs, newId) {
      const existing = q.get.get(key);
      if (existing) return toSession(existing);
      q.insert.run(key, newId(), agentId, nowMs, nowMs);
      return toSession(q.get.get(key)!);
    },
    list(query: SessionListQuery) {
      const where: string[] = [];
      const args: Record<string, unknown> = {};
      if (query.agentId) {
        where.push('agent_id = @agentId');
        args.agentId = query.agentId;
      }
      if (query.search) {
        where.push("(session_key LIKE @search ESCAPE '\\' OR label LIKE @search ESCAPE '\\' OR last_preview LIKE @search ESCAPE '\\')");
        args.search = `%${query.search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      }
      const clause = where.length ? `WHERE ${where.join(' AND ')}` : '';
      const total = (db.prepare(`SELECT COUNT(*) AS n FROM sessions ${clause}`).get(args) as { n: number }).n;
      const rows = db
        .prepare(`SELECT * FROM sessions ${clause} ORDER BY updated_at_ms DESC, session_key LIMIT @limit OFFSET @offset`)
        .all({ ...args, limit: query.limit ?? 100, offset: query.offset ?? 0 }) as SessionRow[];
      return { sessions: rows.map(toSession), total };
    },
    patch(key, fields) {
      const sets: string[] = [];
      const args: Record<string, unknown> = { key };
      const map: Record<string, [string, (v: unknown) => unknown]> = {
        label: ['label', (v) => v ?? null],
        modelOverride: ['model_override', (v) => v ?? null],
        route: ['route_json', (v) => (v === undefined || v === null ? null : JSON.stringify(v))],
        lastPreview: ['last_preview', (v) => v ?? null],
        updatedAtMs: ['updated_at_ms', (v) => v],
      };
      for (const [k, v] of Object.entries(fields)) {
        const m = map[k];
        if (!m) continue;
        sets.push(`${m[0]} = @${k}`);
        args[k] = m[1](v);
      }
      if (!sets.length) return q.get.get(key) !== undefined;
      return db.prepare(`UPDATE sessions SET ${sets.join(', ')} WHERE session_key = @key`).run(args).changes > 0;
    },
    addUsage(key, d) {
      q.addUsage.run({ key, messages: d.messages, inputTokens: d.inputTokens, outputTokens: d.outputTokens, costUsd: d.costUsd, nowMs: d.nowMs, preview: d.preview ?? null });
    },
    reset(key, newId, nowMs) {
      return db.transaction(() => {
        q.archive.run(nowMs, key);
        if (q.reset.run(newId, nowMs, nowMs, key).changes === 0) return undefined;
        return toSession(q.get.get(key)!);
      })();
    },
    archives: (key) => q.archives.all(key).map(toArchive),
    dropArchives(by) {
      return db.transaction(() => {
        if ('sessionKey' in by) {
          const ids = q.archivesOfKey.all(by.sessionKey).map((r) => r.session_id);
          q.dropKey.run(by.sessionKey);
          return ids;
        }
        const ids = q.archivesBefore.all(by.endedBeforeMs).map((r) => r.session_id);
        q.dropBefore.run(by.endedBeforeMs);
        return ids;
      })();
    },
    delete: (key) => q.delete.run(key).changes > 0,
    count: () => q.count.get()!.n,
    countByAgent: () => Object.fromEntries(q.byAgent.all().map((r) => [r.agent_id, r.n])),
  };
}



export function createTranscriptRepo(db: Database.Database): SyncOf<TranscriptRepo> {
  const q = {
    lastSeq: db.prepare<[string], { seq: number | null }>('SELECT MAX(seq) AS seq FROM transcript WHERE session_id = ?'),
    insert: db.prepare('INSERT INTO transcript (session_id, seq, role, content_json, run_id, queue_id, usage_json, created_at_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?)'),
    latest: db.prepare<[string, number], TranscriptRow>('SELECT * FROM transcript WHERE session_id = ? ORDER BY seq DESC LIMIT ?'),
    before: db.prepare<[string, number, number], TranscriptRow>('SELECT * FROM transcript WHERE session_id = ? AND seq < ? ORDER BY seq DESC LIMIT ?'),
    since: db.prepare<[string, number, number], TranscriptRow>('SELECT * FROM transcript WHERE session_id = ? AND seq >= ? ORDER BY seq ASC LIMIT ?'),
    hasQueue: db.prepare<[number], { one: number }>('SELECT 1 AS one FROM transcript WHERE queue_id = ?'),
    byQueue: db.prepare<[number], TranscriptRow>('SELECT * FROM transcript WHERE queue_id = ?'),
    deleteSession: db.prepare('DELETE FROM transcript WHERE session_id = ?'),
  };
  const lastSeq = (id: string) => q.lastSeq.get(id)?.seq ?? 0;
  return {
    append(sessionId, entries: NewTranscriptEntry[]) {
      let seq = lastSeq(sessionId);
      return entries.map((e) => {
        seq++;
        q.insert.run(sessionId, seq, e.role, JSON.stringify(e.content), e.runId ?? null, e.queueId ?? null, e.usage ? JSON.stringify(e.usage) : null, e.createdAtMs);
        return seq;
      });
    },
    page(sessionId, { beforeSeq, limit }) {
      const rows = beforeSeq === undefined ? q.latest.all(sessionId, limit) : q.before.all(sessionId, beforeSeq, limit);
      return rows.map(toEntry);
    },
    since: (sessionId, fromSeq, limit) => q.since.all(sessionId, fromSeq, limit).map(toEntry),
    lastSeq,
    hasQueueEntry: (id) => q.hasQueue.get(id) !== undefined,
    byQueueId: (id) => {
      const r = q.byQueue.get(id);
      return r ? toEntry(r) : undefined;
    },
    deleteSession: (id) => q.deleteSession.run(id).changes,
  };
}


export function createQueueRepo(db: Database.Database): SyncOf<QueueRepo> {
  const q = {
    insert: db.prepare(
      "INSERT INTO inbound_queue (dedupe_key, session_key, agent_id, run_id, payload_json, status, enqueued_at_ms) VALUES (?, ?, ?, ?, ?, 'pending', ?) ON CONFLICT (dedupe_key) DO NOTHING",
    ),
    byKey: db.prepare<[string], QueueRow>('SELECT * FROM inbound_queue WHERE dedupe_key = ?'),
    get: db.prepare<[number], QueueRow>('SELECT * FROM inbound_queue WHERE id = ?'),
    byRun: db.prepare<[string], QueueRow>('SELECT * FROM inbound_queue WHERE run_id = ? ORDER BY id DESC LIMIT 1'),
    open: db.prepare<[number], QueueRow>("SELECT * FROM inbound_queue WHERE status IN ('pending', 'running') ORDER BY id LIMIT ?"),
    running: db.prepare("UPDATE inbound_queue SET status = 'running', attempts = attempts + 1, started_at_ms = ? WHERE id = ?"),
    finish: db.prepare('UPDATE inbound_queue SET status = ?, finished_at_ms = ?, error = ? WHERE id = ?'),
    requeue: db.prepare("UPDATE inbound_queue SET status = 'pending' WHERE status = 'running'"),
    counts: db.prepare<[], { status: QueueStatus; n: number }>('SELECT status, COUNT(*) AS n FROM inbound_queue GROUP BY status'),
    prune: db.prepare("DELETE FROM inbound_queue WHERE status IN ('done', 'failed', 'dropped') AND finished_at_ms < ?"),
  };
  return {
    enqueue(item) {
      const r = q.insert.run(item.dedupeKey, item.sessionKey, item.agentId, item.runId, JSON.stringify(item.payload), item.enqueuedAtMs);
      if (r.changes === 0) {
        const existing = toItem(q.byKey.get(item.dedupeKey)!);
        return { id: existing.id, duplicate: true, existing };
      }
      return { id: Number(r.lastInsertRowid), duplicate: false };
    },
    get: (id) => {
      const r = q.get.get(id);
      return r ? toItem(r) : undefined;
    },
    byRunId: (runId) => {
      const r = q.byRun.get(runId);
      return r ? toItem(r) : undefined;
    },
    open: (limit) => q.open.all(limit).map(toItem),
    markRunning: (id, now) => void q.running.run(now, id),
    finish: (id, status, now, error) => void q.finish.run(status, now, error ?? null, id),
    requeueRunning: () => q.requeue.run().changes,
    counts() {
      const out: Record<QueueStatus, number> = { pending: 0, running: 0, done: 0, failed: 0, dropped: 0 };
      for (const r of q.counts.all()) out[r.status] = r.n;
      return out;
    },
    prune: (before) => q.prune.run(before).changes,
  };
}
