import type Database from 'better-sqlite3';
import type { OutboxRepo } from './types.js';
import type { SyncOf } from './sync.js';
import { toOutboxItem as toItem, type OutboxRow as Row } from '../../src-shared/store/rows.js';


export function createOutboxRepo(db: Database.Database): SyncOf<OutboxRepo> {
  const q = {
    add: db.prepare("INSERT INTO outbox (target_key, reply_json, session_key, status, next_attempt_at_ms, created_at_ms) VALUES (?, ?, ?, 'pending', ?, ?)"),
    heads: db.prepare<[number], Row>(
      "SELECT o.* FROM outbox o JOIN (SELECT MIN(id) AS id FROM outbox WHERE status = 'pending' GROUP BY target_key) h ON o.id = h.id ORDER BY o.id LIMIT ?",
    ),
    get: db.prepare<[number], Row>('SELECT * FROM outbox WHERE id = ?'),
    sent: db.prepare("UPDATE outbox SET status = 'sent', finished_at_ms = ?, attempts = attempts + 1, last_error = NULL WHERE id = ?"),
    retry: db.prepare('UPDATE outbox SET sent_chunks = ?, next_attempt_at_ms = ?, attempts = attempts + 1, last_error = ? WHERE id = ?'),
    failed: db.prepare("UPDATE outbox SET status = 'failed', sent_chunks = ?, finished_at_ms = ?, attempts = attempts + 1, last_error = ? WHERE id = ?"),
    counts: db.prepare<[], { status: string; n: number }>("SELECT status, COUNT(*) AS n FROM outbox WHERE status IN ('pending', 'failed') GROUP BY status"),
    prune: db.prepare("DELETE FROM outbox WHERE status IN ('sent', 'failed') AND finished_at_ms < ?"),
  };
  return {
    add: (i) => Number(q.add.run(i.targetKey, JSON.stringify(i.reply), i.sessionKey ?? null, i.nowMs, i.nowMs).lastInsertRowid),
    heads: (limit) => q.heads.all(limit).map(toItem),
    get(id) {
      const r = q.get.get(id);
      return r ? toItem(r) : undefined;
    },
    markSent: (id, nowMs) => void q.sent.run(nowMs, id),
    retryLater: (id, p) => void q.retry.run(p.sentChunks, p.nextAttemptAtMs, p.error, id),
    markFailed: (id, p) => void q.failed.run(p.sentChunks, p.nowMs, p.error, id),
    counts() {
      const out = { pending: 0, failed: 0 };
      for (const r of q.counts.all()) out[r.status as 'pending' | 'failed'] = r.n;
      return out;
    },
    prune: (beforeMs) => q.prune.run(beforeMs).changes,
  };
}
