import type { Migration } from './types.js';

/**
 * Replies waiting to go out to chat platforms. A reply is written in the same
 * transaction as the turn that produced it, so a crash or a platform outage
 * delays it but never loses it.
 */
export const migration004: Migration = {
  version: 4,
  name: 'outbox',
  up(db) {
    db.exec(`
      CREATE TABLE outbox (
        id                  INTEGER PRIMARY KEY AUTOINCREMENT,
        target_key          TEXT NOT NULL,
        reply_json          TEXT NOT NULL,
        session_key         TEXT,
        status              TEXT NOT NULL CHECK (status IN ('pending', 'sent', 'failed')),
        sent_chunks         INTEGER NOT NULL DEFAULT 0,
        attempts            INTEGER NOT NULL DEFAULT 0,
        next_attempt_at_ms  INTEGER NOT NULL,
        created_at_ms       INTEGER NOT NULL,
        finished_at_ms      INTEGER,
        last_error          TEXT
      ) STRICT;
      CREATE INDEX outbox_pending ON outbox (status, id) WHERE status = 'pending';
    `);
  },
};
