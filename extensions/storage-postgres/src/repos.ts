import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { QueryResult, QueryResultRow } from 'pg';
import {
  parseScopes,
  toArchive,
  toDevice,
  toNodeRequest,
  toOutboxItem,
  toPairedSender,
  toPairingRequest,
  toQueueItem,
  toSession,
  toTranscriptEntry,
  type ArchiveRow,
  type DeviceRow,
  type NodeRequestRow,
  type OutboxRow,
  type PairedSenderRow,
  type PairingRequestRow,
  type QueueRow,
  type SessionRow,
  type TranscriptRow,
} from '../../../src-shared/store/rows.js';
import { createCronRepo } from './cron-repo.js';
import { QueueClaimLostError, UnknownDeviceError, type QueueItem, type QueueStatus, type StoreRepos } from '../../../src-shared/store/types.js';

/** Something that runs a query: the pool (any connection) or one transaction's client. */
export interface Queryable {
  query<R extends QueryResultRow>(sql: string, params?: unknown[]): Promise<QueryResult<R>>;
}

/** Runs `fn` atomically: in a new transaction from the pool, or as it is inside one already. */
export type Atomic = <T>(fn: (db: Queryable) => Promise<T>) => Promise<T>;

const DAY_MS = 86_400_000;
const hashToken = (token: string): Buffer => createHash('sha256').update(token, 'utf8').digest();
const one = async <R extends QueryResultRow>(db: Queryable, sql: string, params: unknown[]): Promise<R | undefined> => (await db.query<R>(sql, params)).rows[0];
const all = async <R extends QueryResultRow>(db: Queryable, sql: string, params: unknown[] = []): Promise<R[]> => (await db.query<R>(sql, params)).rows;
const changes = async (db: Queryable, sql: string, params: unknown[]): Promise<number> => (await db.query(sql, params)).rowCount ?? 0;

/**
 * The repositories in PostgreSQL's dialect, over `db`. The rows and their conversion to records are the
 * shared ones (`src-shared/store/rows.ts`), so both backends return the same records.
 */
export function createRepos(db: Queryable, atomic: Atomic, instanceId: string): StoreRepos {
  // Every gateway on the database hears that work arrived (the sender's id lets it skip its own note).
  const note = (topic: 'queue' | 'outbox', about: string) => db.query('SELECT pg_notify($1, $2)', [`openclaw_${topic}`, `${instanceId}\u001f${about}`]);
  // A message is marked only by the gateway that owns it (or before anyone claimed it): a gateway taken for
  // dead, whose sessions another one took over, records nothing.
  const fenced = async (sql: string, params: unknown[], id: number) => {
    if (!(await changes(db, sql, params))) throw new QueueClaimLostError(id);
  };
  return {
    getMeta: async (key) => (await one<{ value: string }>(db, 'SELECT value FROM meta WHERE key = $1', [key]))?.value,
    setMeta: async (key, value) => void (await db.query('INSERT INTO meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value', [key, value])),

    devices: {
      get: async (id) => {
        const r = await one<DeviceRow>(db, 'SELECT * FROM devices WHERE device_id = $1', [id]);
        return r ? toDevice(r) : undefined;
      },
      list: async () => (await all<DeviceRow>(db, 'SELECT * FROM devices ORDER BY created_at_ms, device_id COLLATE "C"')).map(toDevice),
      upsert: async (rec) =>
        void (await db.query(
          `INSERT INTO devices (device_id, public_key, role, scopes_json, client_id, client_mode, platform, device_family,
                                display_name, created_at_ms, approved_at_ms, last_seen_at_ms)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
           ON CONFLICT (device_id) DO UPDATE SET
             public_key = excluded.public_key, role = excluded.role, scopes_json = excluded.scopes_json,
             client_id = excluded.client_id, client_mode = excluded.client_mode, platform = excluded.platform,
             device_family = excluded.device_family, display_name = excluded.display_name,
             created_at_ms = excluded.created_at_ms, approved_at_ms = excluded.approved_at_ms,
             last_seen_at_ms = excluded.last_seen_at_ms`,
          [rec.deviceId, rec.publicKey, rec.role, JSON.stringify(rec.scopes), rec.clientId ?? null, rec.clientMode ?? null, rec.platform ?? null, rec.deviceFamily ?? null, rec.displayName ?? null, rec.createdAtMs, rec.approvedAtMs, rec.lastSeenAtMs ?? null],
        )),
      // Tokens, approvals and node requests go with the device through ON DELETE CASCADE.
      remove: async (id) => (await changes(db, 'DELETE FROM devices WHERE device_id = $1', [id])) > 0,
      touch: async (id, atMs) => void (await db.query('UPDATE devices SET last_seen_at_ms = $1 WHERE device_id = $2', [atMs, id])),
    },

    deviceTokens: {
      issue: (deviceId, role, scopes, nowMs) =>
        atomic(async (tx) => {
          if (!(await one(tx, 'SELECT 1 FROM devices WHERE device_id = $1 FOR UPDATE', [deviceId]))) throw new UnknownDeviceError(deviceId);
          const token = randomBytes(32).toString('base64url');
          await tx.query(
            `INSERT INTO device_tokens (device_id, role, token_hash, scopes_json, issued_at_ms) VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (device_id, role) DO UPDATE SET token_hash = excluded.token_hash, scopes_json = excluded.scopes_json, issued_at_ms = excluded.issued_at_ms`,
            [deviceId, role, hashToken(token), JSON.stringify(scopes), nowMs],
          );
          return { token, issuedAtMs: nowMs };
        }),
      verify: async (deviceId, role, token) => {
        const row = await one<{ token_hash: Buffer; scopes_json: string; issued_at_ms: number }>(db, 'SELECT token_hash, scopes_json, issued_at_ms FROM device_tokens WHERE device_id = $1 AND role = $2', [deviceId, role]);
        const candidate = hashToken(token);
        if (!row || row.token_hash.length !== candidate.length || !timingSafeEqual(row.token_hash, candidate)) return undefined;
        return { deviceId, role, scopes: parseScopes(row.scopes_json), issuedAtMs: row.issued_at_ms };
      },
      revoke: (deviceId, role) =>
        role === undefined ? changes(db, 'DELETE FROM device_tokens WHERE device_id = $1', [deviceId]) : changes(db, 'DELETE FROM device_tokens WHERE device_id = $1 AND role = $2', [deviceId, role]),
    },

    sessions: {
      get: async (key) => {
        const r = await one<SessionRow>(db, 'SELECT * FROM sessions WHERE session_key = $1', [key]);
        return r ? toSession(r) : undefined;
      },
      getBySessionId: async (id) => {
        const r = await one<SessionRow>(db, 'SELECT * FROM sessions WHERE session_id = $1', [id]);
        return r ? toSession(r) : undefined;
      },
      ensure: async (key, agentId, nowMs, newId) => {
        const existing = await one<SessionRow>(db, 'SELECT * FROM sessions WHERE session_key = $1', [key]);
        if (existing) return toSession(existing);
        const inserted = await one<SessionRow>(
          db,
          'INSERT INTO sessions (session_key, session_id, agent_id, created_at_ms, updated_at_ms) VALUES ($1, $2, $3, $4, $4) ON CONFLICT (session_key) DO NOTHING RETURNING *',
          [key, newId(), agentId, nowMs],
        );
        // Another gateway created it meanwhile: theirs stands.
        return toSession(inserted ?? (await one<SessionRow>(db, 'SELECT * FROM sessions WHERE session_key = $1', [key]))!);
      },
      list: async (q) => {
        const where: string[] = [];
        const args: unknown[] = [];
        if (q.agentId) {
          args.push(q.agentId);
          where.push(`agent_id = $${args.length}`);
        }
        if (q.search) {
          args.push(`%${q.search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
          const p = `$${args.length}`;
          // ILIKE: SQLite's LIKE is case-insensitive too.
          where.push(`(session_key ILIKE ${p} ESCAPE '\\' OR label ILIKE ${p} ESCAPE '\\' OR last_preview ILIKE ${p} ESCAPE '\\')`);
        }
        const clause = where.length ? `WHERE ${where.join(' AND ')}` : '';
        const total = (await one<{ n: number }>(db, `SELECT COUNT(*) AS n FROM sessions ${clause}`, args))!.n;
        const rows = await all<SessionRow>(db, `SELECT * FROM sessions ${clause} ORDER BY updated_at_ms DESC, session_key COLLATE "C" LIMIT $${args.length + 1} OFFSET $${args.length + 2}`, [...args, q.limit ?? 100, q.offset ?? 0]);
        return { sessions: rows.map(toSession), total };
      },
      patch: async (key, fields) => {
        const columns: Record<string, [string, (v: unknown) => unknown]> = {
          label: ['label', (v) => v ?? null],
          modelOverride: ['model_override', (v) => v ?? null],
          route: ['route_json', (v) => (v === undefined || v === null ? null : JSON.stringify(v))],
          lastPreview: ['last_preview', (v) => v ?? null],
          updatedAtMs: ['updated_at_ms', (v) => v],
        };
        const sets: string[] = [];
        const args: unknown[] = [key];
        for (const [k, v] of Object.entries(fields)) {
          const c = columns[k];
          if (!c) continue;
          args.push(c[1](v));
          sets.push(`${c[0]} = $${args.length}`);
        }
        if (!sets.length) return (await one(db, 'SELECT 1 FROM sessions WHERE session_key = $1', [key])) !== undefined;
        return (await changes(db, `UPDATE sessions SET ${sets.join(', ')} WHERE session_key = $1`, args)) > 0;
      },
      addUsage: async (key, d) =>
        void (await db.query(
          `UPDATE sessions SET message_count = message_count + $2, input_tokens = input_tokens + $3, output_tokens = output_tokens + $4,
             cost_usd = cost_usd + $5, updated_at_ms = $6, last_preview = COALESCE($7, last_preview) WHERE session_key = $1`,
          [key, d.messages, d.inputTokens, d.outputTokens, d.costUsd, d.nowMs, d.preview ?? null],
        )),
      reset: (key, newId, nowMs) =>
        atomic(async (tx) => {
          await tx.query(
            `INSERT INTO session_archive (session_id, session_key, agent_id, started_at_ms, ended_at_ms, message_count, last_preview)
             SELECT session_id, session_key, agent_id, COALESCE(reset_at_ms, created_at_ms), $1, message_count, last_preview FROM sessions WHERE session_key = $2
             ON CONFLICT (session_id) DO UPDATE SET session_key = excluded.session_key, agent_id = excluded.agent_id, started_at_ms = excluded.started_at_ms,
               ended_at_ms = excluded.ended_at_ms, message_count = excluded.message_count, last_preview = excluded.last_preview`,
            [nowMs, key],
          );
          const r = await one<SessionRow>(
            tx,
            `UPDATE sessions SET session_id = $1, reset_at_ms = $2, updated_at_ms = $2, message_count = 0, input_tokens = 0, output_tokens = 0, cost_usd = 0, last_preview = NULL
             WHERE session_key = $3 RETURNING *`,
            [newId, nowMs, key],
          );
          return r ? toSession(r) : undefined;
        }),
      delete: async (key) => (await changes(db, 'DELETE FROM sessions WHERE session_key = $1', [key])) > 0,
      archives: async (key) => (await all<ArchiveRow>(db, 'SELECT * FROM session_archive WHERE session_key = $1 ORDER BY ended_at_ms DESC', [key])).map(toArchive),
      dropArchives: async (by) =>
        (
          'sessionKey' in by
            ? await all<{ session_id: string }>(db, 'DELETE FROM session_archive WHERE session_key = $1 RETURNING session_id', [by.sessionKey])
            : await all<{ session_id: string }>(db, 'DELETE FROM session_archive WHERE ended_at_ms < $1 RETURNING session_id', [by.endedBeforeMs])
        ).map((r) => r.session_id),
      count: async () => (await one<{ n: number }>(db, 'SELECT COUNT(*) AS n FROM sessions', []))!.n,
      countByAgent: async () => Object.fromEntries((await all<{ agent_id: string; n: number }>(db, 'SELECT agent_id, COUNT(*) AS n FROM sessions GROUP BY agent_id')).map((r) => [r.agent_id, r.n])),
    },

    transcript: {
      // One statement: numbered after the session's last entry, in the order given.
      append: async (sessionId, entries) => {
        if (!entries.length) return [];
        const rows = await all<{ seq: number }>(
          db,
          `INSERT INTO transcript (session_id, seq, role, content_json, run_id, queue_id, usage_json, created_at_ms)
           SELECT $1, base.seq + e.n, e.role, e.content_json, e.run_id, e.queue_id, e.usage_json, e.created_at_ms
           FROM (SELECT COALESCE(MAX(seq), 0) AS seq FROM transcript WHERE session_id = $1) base,
                unnest($2::text[], $3::text[], $4::text[], $5::bigint[], $6::text[], $7::bigint[])
                  WITH ORDINALITY AS e(role, content_json, run_id, queue_id, usage_json, created_at_ms, n)
           RETURNING seq`,
          [
            sessionId,
            entries.map((e) => e.role),
            entries.map((e) => JSON.stringify(e.content)),
            entries.map((e) => e.runId ?? null),
            entries.map((e) => e.queueId ?? null),
            entries.map((e) => (e.usage ? JSON.stringify(e.usage) : null)),
            entries.map((e) => e.createdAtMs),
          ],
        );
        return rows.map((r) => Number(r.seq)).sort((a, b) => a - b);
      },
      page: async (sessionId, { beforeSeq, limit }) =>
        (beforeSeq === undefined
          ? await all<TranscriptRow>(db, 'SELECT * FROM transcript WHERE session_id = $1 ORDER BY seq DESC LIMIT $2', [sessionId, limit])
          : await all<TranscriptRow>(db, 'SELECT * FROM transcript WHERE session_id = $1 AND seq < $2 ORDER BY seq DESC LIMIT $3', [sessionId, beforeSeq, limit])
        ).map(toTranscriptEntry),
      since: async (sessionId, fromSeq, limit) => (await all<TranscriptRow>(db, 'SELECT * FROM transcript WHERE session_id = $1 AND seq >= $2 ORDER BY seq ASC LIMIT $3', [sessionId, fromSeq, limit])).map(toTranscriptEntry),
      lastSeq: async (sessionId) => (await one<{ seq: number | null }>(db, 'SELECT MAX(seq) AS seq FROM transcript WHERE session_id = $1', [sessionId]))?.seq ?? 0,
      hasQueueEntry: async (id) => (await one(db, 'SELECT 1 FROM transcript WHERE queue_id = $1', [id])) !== undefined,
      byQueueId: async (id) => {
        const r = await one<TranscriptRow>(db, 'SELECT * FROM transcript WHERE queue_id = $1', [id]);
        return r ? toTranscriptEntry(r) : undefined;
      },
      deleteSession: (id) => changes(db, 'DELETE FROM transcript WHERE session_id = $1', [id]),
    },

    queue: {
      enqueue: async <P>(item: { dedupeKey: string; sessionKey: string; agentId: string; runId: string; payload: P; enqueuedAtMs: number }) => {
        // One round trip: the message, its session's owner row (for claiming), and the note to every gateway.
        const inserted = await one<{ id: number }>(
          db,
          `WITH ins AS (
             INSERT INTO inbound_queue (dedupe_key, session_key, agent_id, run_id, payload_json, status, enqueued_at_ms) VALUES ($1, $2, $3, $4, $5, 'pending', $6)
             ON CONFLICT (dedupe_key) DO NOTHING RETURNING id, session_key),
           own AS (INSERT INTO queue_session_owner (session_key) SELECT session_key FROM ins ON CONFLICT DO NOTHING),
           noted AS (SELECT pg_notify('openclaw_queue', $7) FROM ins)
           SELECT ins.id, (SELECT COUNT(*) FROM noted) AS noted FROM ins`,
          [item.dedupeKey, item.sessionKey, item.agentId, item.runId, JSON.stringify(item.payload), item.enqueuedAtMs, `${instanceId}\u001f${item.sessionKey}`],
        );
        if (inserted) return { id: inserted.id, duplicate: false };
        const existing = toQueueItem((await one<QueueRow>(db, 'SELECT * FROM inbound_queue WHERE dedupe_key = $1', [item.dedupeKey]))!) as QueueItem<P>;
        return { id: existing.id, duplicate: true, existing };
      },
      get: async <P>(id: number) => {
        const r = await one<QueueRow>(db, 'SELECT * FROM inbound_queue WHERE id = $1', [id]);
        return r ? (toQueueItem(r) as QueueItem<P>) : undefined;
      },
      byRunId: async <P>(runId: string) => {
        const r = await one<QueueRow>(db, 'SELECT * FROM inbound_queue WHERE run_id = $1 ORDER BY id DESC LIMIT 1', [runId]);
        return r ? (toQueueItem(r) as QueueItem<P>) : undefined;
      },
      open: async <P>(limit: number) => (await all<QueueRow>(db, "SELECT * FROM inbound_queue WHERE status IN ('pending', 'running') ORDER BY id LIMIT $1", [limit])).map((r) => toQueueItem(r) as QueueItem<P>),
      markRunning: (id, nowMs) =>
        fenced("UPDATE inbound_queue SET status = 'running', attempts = attempts + 1, started_at_ms = $1 WHERE id = $2 AND (owner IS NULL OR owner = $3)", [nowMs, id, instanceId], id),
      finish: (id, status, nowMs, error) =>
        fenced('UPDATE inbound_queue SET status = $1, finished_at_ms = $2, error = $3 WHERE id = $4 AND (owner IS NULL OR owner = $5)', [status, nowMs, error ?? null, id, instanceId], id),
      requeueRunning: () => changes(db, "UPDATE inbound_queue SET status = 'pending' WHERE status = 'running'", []),
      counts: async () => {
        const out: Record<QueueStatus, number> = { pending: 0, running: 0, done: 0, failed: 0, dropped: 0 };
        for (const r of await all<{ status: QueueStatus; n: number }>(db, 'SELECT status, COUNT(*) AS n FROM inbound_queue GROUP BY status')) out[r.status] = r.n;
        return out;
      },
      prune: (beforeMs) => changes(db, "DELETE FROM inbound_queue WHERE status IN ('done', 'failed', 'dropped') AND finished_at_ms < $1", [beforeMs]),
    },

    channelPairing: {
      pruneExpired: async (nowMs) => (await all<PairingRequestRow>(db, 'DELETE FROM channel_pairing_requests WHERE expires_at_ms <= $1 RETURNING *', [nowMs])).map(toPairingRequest),
      listRequests: async (f = {}) =>
        (
          await all<PairingRequestRow>(
            db,
            'SELECT * FROM channel_pairing_requests WHERE ($1::text IS NULL OR channel = $1) AND ($2::text IS NULL OR account_id = $2) ORDER BY created_at_ms, sender_id COLLATE "C"',
            [f.channel ?? null, f.accountId ?? null],
          )
        ).map(toPairingRequest),
      getRequest: async (channel, accountId, senderId) => {
        const r = await one<PairingRequestRow>(db, 'SELECT * FROM channel_pairing_requests WHERE channel = $1 AND account_id = $2 AND sender_id = $3', [channel, accountId, senderId]);
        return r ? toPairingRequest(r) : undefined;
      },
      byCode: async (code, channel) => {
        const r = await one<PairingRequestRow>(db, 'SELECT * FROM channel_pairing_requests WHERE code = $1 AND ($2::text IS NULL OR channel = $2)', [code, channel ?? null]);
        return r ? toPairingRequest(r) : undefined;
      },
      countPending: async (channel, accountId) => (await one<{ n: number }>(db, 'SELECT COUNT(*) AS n FROM channel_pairing_requests WHERE channel = $1 AND account_id = $2', [channel, accountId]))!.n,
      createRequest: async (r) =>
        void (await db.query(
          'INSERT INTO channel_pairing_requests (channel, account_id, sender_id, code, sender_name, peer_json, held_json, created_at_ms, last_seen_at_ms, expires_at_ms) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)',
          [r.channel, r.accountId, r.senderId, r.code, r.senderName ?? null, JSON.stringify(r.peer), JSON.stringify(r.held), r.createdAtMs, r.lastSeenAtMs, r.expiresAtMs],
        )),
      touchRequest: async (channel, accountId, senderId, nowMs, held) =>
        void (await db.query('UPDATE channel_pairing_requests SET last_seen_at_ms = $1, held_json = $2 WHERE channel = $3 AND account_id = $4 AND sender_id = $5', [nowMs, JSON.stringify(held), channel, accountId, senderId])),
      deleteRequest: async (channel, accountId, senderId) => (await changes(db, 'DELETE FROM channel_pairing_requests WHERE channel = $1 AND account_id = $2 AND sender_id = $3', [channel, accountId, senderId])) > 0,
      allow: async (r) =>
        void (await db.query(
          `INSERT INTO channel_pairing_allow_entries (channel, account_id, sender_id, sender_name, approved_at_ms) VALUES ($1, $2, $3, $4, $5)
           ON CONFLICT (channel, account_id, sender_id) DO UPDATE SET sender_name = excluded.sender_name, approved_at_ms = excluded.approved_at_ms`,
          [r.channel, r.accountId, r.senderId, r.senderName ?? null, r.approvedAtMs],
        )),
      revoke: async (channel, accountId, senderId) => (await changes(db, 'DELETE FROM channel_pairing_allow_entries WHERE channel = $1 AND account_id = $2 AND sender_id = $3', [channel, accountId, senderId])) > 0,
      listAllowed: async (f = {}) =>
        (
          await all<PairedSenderRow>(
            db,
            'SELECT * FROM channel_pairing_allow_entries WHERE ($1::text IS NULL OR channel = $1) AND ($2::text IS NULL OR account_id = $2) ORDER BY approved_at_ms, sender_id COLLATE "C"',
            [f.channel ?? null, f.accountId ?? null],
          )
        ).map(toPairedSender),
    },

    cron: createCronRepo(db, atomic),

    channelState: {
      get: async (channel, accountId, key) =>
        (await one<{ value: string }>(db, 'SELECT value FROM channel_state WHERE channel = $1 AND account_id = $2 AND key = $3', [channel, accountId, key]))?.value,
      set: (channel, accountId, entries, nowMs) =>
        atomic(async (tx) => {
          for (const [key, value] of Object.entries(entries)) {
            if (value === undefined) await tx.query('DELETE FROM channel_state WHERE channel = $1 AND account_id = $2 AND key = $3', [channel, accountId, key]);
            else {
              await tx.query(
                'INSERT INTO channel_state (channel, account_id, key, value, updated_at_ms) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (channel, account_id, key) DO UPDATE SET value = EXCLUDED.value, updated_at_ms = EXCLUDED.updated_at_ms',
                [channel, accountId, key, value, nowMs],
              );
            }
          }
        }),
      list: async (channel, accountId, prefix) =>
        (
          await all<{ key: string; value: string }>(
            db,
            // Prefix match without LIKE's wildcards (keys compare in C order).
            prefix ? 'SELECT key, value FROM channel_state WHERE channel = $1 AND account_id = $2 AND key >= $3 AND key < $4 ORDER BY key' : 'SELECT key, value FROM channel_state WHERE channel = $1 AND account_id = $2 ORDER BY key',
            prefix ? [channel, accountId, prefix, prefix + '\uffff'] : [channel, accountId],
          )
        ).map((r) => [r.key, r.value] as [string, string]),
      clear: (channel, accountId) => changes(db, 'DELETE FROM channel_state WHERE channel = $1 AND account_id = $2', [channel, accountId]),
    },

    outbox: {
      add: async (i) => {
        const id = (await one<{ id: number }>(
          db,
          "INSERT INTO outbox (target_key, reply_json, session_key, status, next_attempt_at_ms, created_at_ms) VALUES ($1, $2, $3, 'pending', $4, $4) RETURNING id",
          [i.targetKey, JSON.stringify(i.reply), i.sessionKey ?? null, i.nowMs],
        ))!.id;
        await note('outbox', String(id));
        return id;
      },
      heads: async (limit) =>
        (await all<OutboxRow>(db, "SELECT o.* FROM outbox o JOIN (SELECT MIN(id) AS id FROM outbox WHERE status = 'pending' GROUP BY target_key) h ON o.id = h.id ORDER BY o.id LIMIT $1", [limit])).map(toOutboxItem),
      get: async (id) => {
        const r = await one<OutboxRow>(db, 'SELECT * FROM outbox WHERE id = $1', [id]);
        return r ? toOutboxItem(r) : undefined;
      },
      markSent: async (id, nowMs) => void (await db.query("UPDATE outbox SET status = 'sent', finished_at_ms = $1, attempts = attempts + 1, last_error = NULL WHERE id = $2", [nowMs, id])),
      retryLater: async (id, p) => void (await db.query('UPDATE outbox SET sent_chunks = $1, next_attempt_at_ms = $2, attempts = attempts + 1, last_error = $3 WHERE id = $4', [p.sentChunks, p.nextAttemptAtMs, p.error, id])),
      markFailed: async (id, p) =>
        void (await db.query("UPDATE outbox SET status = 'failed', sent_chunks = $1, finished_at_ms = $2, attempts = attempts + 1, last_error = $3 WHERE id = $4", [p.sentChunks, p.nowMs, p.error, id])),
      counts: async () => {
        const out = { pending: 0, failed: 0 };
        for (const r of await all<{ status: 'pending' | 'failed'; n: number }>(db, "SELECT status, COUNT(*) AS n FROM outbox WHERE status IN ('pending', 'failed') GROUP BY status")) out[r.status] = r.n;
        return out;
      },
      prune: (beforeMs) => changes(db, "DELETE FROM outbox WHERE status IN ('sent', 'failed') AND finished_at_ms < $1", [beforeMs]),
    },

    usage: {
      byDay: async (q) =>
        (
          await all<{ day: number; agent_id: string; model: string; turns: number; input_tokens: number; output_tokens: number; cost_usd: number }>(
            db,
            `SELECT (t.created_at_ms + $3::bigint) / ${DAY_MS} AS day,
                    COALESCE(s.agent_id, '') COLLATE "C" AS agent_id,
                    COALESCE(t.usage_json::jsonb ->> 'model', '') COLLATE "C" AS model,
                    COUNT(*) AS turns,
                    COALESCE(SUM((t.usage_json::jsonb ->> 'inputTokens')::double precision), 0) AS input_tokens,
                    COALESCE(SUM((t.usage_json::jsonb ->> 'outputTokens')::double precision), 0) AS output_tokens,
                    COALESCE(SUM((t.usage_json::jsonb ->> 'costUsd')::double precision), 0) AS cost_usd
             FROM transcript t LEFT JOIN session_ids s ON s.session_id = t.session_id
             WHERE t.usage_json IS NOT NULL AND t.created_at_ms >= $1 AND t.created_at_ms < $2
             GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`,
            [q.sinceMs, q.untilMs, q.utcOffsetMinutes * 60_000],
          )
        ).map((r) => ({ day: r.day, agentId: r.agent_id, model: r.model, turns: r.turns, inputTokens: Math.round(r.input_tokens), outputTokens: Math.round(r.output_tokens), costUsd: r.cost_usd })),
    },

    nodeApprovals: {
      approved: async (nodeId) => (await all<{ command: string }>(db, 'SELECT command FROM node_command_approvals WHERE node_id = $1 ORDER BY command COLLATE "C"', [nodeId])).map((r) => r.command),
      listApproved: async () => {
        const out = new Map<string, { nodeId: string; commands: string[]; approvedAtMs: number }>();
        for (const r of await all<{ node_id: string; command: string; approved_at_ms: number }>(db, 'SELECT node_id, command, approved_at_ms FROM node_command_approvals ORDER BY node_id COLLATE "C", command COLLATE "C"')) {
          const e = out.get(r.node_id) ?? { nodeId: r.node_id, commands: [], approvedAtMs: 0 };
          e.commands.push(r.command);
          e.approvedAtMs = Math.max(e.approvedAtMs, r.approved_at_ms);
          out.set(r.node_id, e);
        }
        return [...out.values()];
      },
      approve: (nodeId, commands, atMs) =>
        atomic(async (tx) => {
          for (const c of commands) await tx.query('INSERT INTO node_command_approvals (node_id, command, approved_at_ms) VALUES ($1, $2, $3) ON CONFLICT (node_id, command) DO NOTHING', [nodeId, c, atMs]);
        }),
      removeNode: (nodeId) =>
        atomic(async (tx) => {
          await tx.query('DELETE FROM node_pair_requests WHERE node_id = $1', [nodeId]);
          return changes(tx, 'DELETE FROM node_command_approvals WHERE node_id = $1', [nodeId]);
        }),
      getRequest: async (id) => {
        const r = await one<NodeRequestRow>(db, 'SELECT * FROM node_pair_requests WHERE request_id = $1', [id]);
        return r ? toNodeRequest(r) : undefined;
      },
      requestForNode: async (nodeId) => {
        const r = await one<NodeRequestRow>(db, 'SELECT * FROM node_pair_requests WHERE node_id = $1', [nodeId]);
        return r ? toNodeRequest(r) : undefined;
      },
      listRequests: async () => (await all<NodeRequestRow>(db, 'SELECT * FROM node_pair_requests ORDER BY created_at_ms, request_id COLLATE "C"')).map(toNodeRequest),
      putRequest: (rec) =>
        atomic(async (tx) => {
          await tx.query('DELETE FROM node_pair_requests WHERE node_id = $1', [rec.nodeId]);
          await tx.query(
            'INSERT INTO node_pair_requests (request_id, node_id, commands_json, platform, device_family, client_id, display_name, created_at_ms) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)',
            [rec.requestId, rec.nodeId, JSON.stringify(rec.commands), rec.platform ?? null, rec.deviceFamily ?? null, rec.clientId ?? null, rec.displayName ?? null, rec.createdAtMs],
          );
        }),
      deleteRequest: async (id) => (await changes(db, 'DELETE FROM node_pair_requests WHERE request_id = $1', [id])) > 0,
    },
  };
}
