import type { Migration } from './types.js';

/**
 * Sessions, their transcripts, the durable inbound queue and request
 * idempotency. Transcript pages are read by (session_id, seq), so history costs
 * the page, not the session's length.
 */
export const migration002: Migration = {
  version: 2,
  name: 'sessions-queue',
  up(db) {
    db.exec(`
      CREATE TABLE sessions (
        session_key      TEXT PRIMARY KEY,
        session_id       TEXT NOT NULL UNIQUE,
        agent_id         TEXT NOT NULL,
        created_at_ms    INTEGER NOT NULL,
        updated_at_ms    INTEGER NOT NULL,
        reset_at_ms      INTEGER,
        message_count    INTEGER NOT NULL DEFAULT 0,
        input_tokens     INTEGER NOT NULL DEFAULT 0,
        output_tokens    INTEGER NOT NULL DEFAULT 0,
        cost_usd         REAL NOT NULL DEFAULT 0,
        route_json       TEXT,
        label            TEXT,
        model_override   TEXT,
        last_preview     TEXT
      ) STRICT;
      CREATE INDEX sessions_agent_updated ON sessions (agent_id, updated_at_ms DESC);
      CREATE INDEX sessions_updated ON sessions (updated_at_ms DESC);

      CREATE TABLE transcript (
        session_id    TEXT NOT NULL,
        seq           INTEGER NOT NULL,
        role          TEXT NOT NULL,
        content_json  TEXT NOT NULL,
        run_id        TEXT,
        queue_id      INTEGER UNIQUE,
        usage_json    TEXT,
        created_at_ms INTEGER NOT NULL,
        PRIMARY KEY (session_id, seq)
      ) STRICT, WITHOUT ROWID;

      CREATE TABLE inbound_queue (
        id             INTEGER PRIMARY KEY AUTOINCREMENT,
        dedupe_key     TEXT NOT NULL UNIQUE,
        session_key    TEXT NOT NULL,
        agent_id       TEXT NOT NULL,
        run_id         TEXT NOT NULL,
        payload_json   TEXT NOT NULL,
        status         TEXT NOT NULL CHECK (status IN ('pending', 'running', 'done', 'failed', 'dropped')),
        attempts       INTEGER NOT NULL DEFAULT 0,
        enqueued_at_ms INTEGER NOT NULL,
        started_at_ms  INTEGER,
        finished_at_ms INTEGER,
        error          TEXT
      ) STRICT;
      CREATE INDEX inbound_queue_open ON inbound_queue (status, id) WHERE status IN ('pending', 'running');
      CREATE INDEX inbound_queue_run ON inbound_queue (run_id);
    `);
  },
};
