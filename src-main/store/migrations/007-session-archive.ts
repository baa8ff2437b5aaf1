import type { Migration } from './types.js';

/**
 * Transcripts set aside by a reset (`/new`, `sessions.reset`, daily or idle
 * resets): which session key they belonged to and when, so they can be read
 * back, deleted with their session, and pruned after the retention period.
 * Sessions reset before this migration are recorded nowhere and stay as they were.
 */
export const migration007: Migration = {
  version: 7,
  name: 'session-archive',
  sqlite: `
      CREATE TABLE session_archive (
        session_id     TEXT PRIMARY KEY,
        session_key    TEXT NOT NULL,
        agent_id       TEXT NOT NULL,
        started_at_ms  INTEGER NOT NULL,
        ended_at_ms    INTEGER NOT NULL,
        message_count  INTEGER NOT NULL,
        last_preview   TEXT
      ) STRICT;
      CREATE INDEX session_archive_key ON session_archive (session_key, ended_at_ms DESC);
      CREATE INDEX session_archive_ended ON session_archive (ended_at_ms);
    `,
  postgres: `
      CREATE TABLE session_archive (
        session_id     TEXT PRIMARY KEY,
        session_key    TEXT NOT NULL,
        agent_id       TEXT NOT NULL,
        started_at_ms  BIGINT NOT NULL,
        ended_at_ms    BIGINT NOT NULL,
        message_count  INTEGER NOT NULL,
        last_preview   TEXT
      );
      CREATE INDEX session_archive_key ON session_archive (session_key, ended_at_ms DESC);
      CREATE INDEX session_archive_ended ON session_archive (ended_at_ms);
    `,
};
