import type { Migration } from './types.js';

/**
 * Several gateways on one database: which gateway works on a session's queued
 * messages (`queue_session_owner`, one row per session with open messages,
 * claimed with `FOR UPDATE SKIP LOCKED`), the owner recorded on each message it
 * took (a finished turn is recorded only while its gateway still owns it), and
 * the gateways that share the database (`gateway_instances`, for status and for
 * telling a dead owner from a live one), and events too large for a notification
 * (`gateway_events`, read once by the other gateways, then pruned). Channel
 * accounts keep their credentials and positions in `channel_state`, so whichever
 * gateway runs the channels has them (a standby takes WhatsApp over without a new QR).
 */
export const migration008: Migration = {
  version: 8,
  name: 'shared-queue',
  sqlite: `
      ALTER TABLE inbound_queue ADD COLUMN owner TEXT;
      CREATE INDEX inbound_queue_session_open ON inbound_queue (session_key, id) WHERE status IN ('pending', 'running');
      CREATE TABLE queue_session_owner (
        session_key    TEXT PRIMARY KEY,
        owner          TEXT,
        claimed_at_ms  INTEGER
      ) STRICT;
      CREATE TABLE gateway_instances (
        instance_id    TEXT PRIMARY KEY,
        host           TEXT NOT NULL,
        pid            INTEGER NOT NULL,
        port           INTEGER,
        started_at_ms  INTEGER NOT NULL,
        seen_at_ms     INTEGER NOT NULL,
        role           TEXT NOT NULL,
        liveness       TEXT
      ) STRICT;
      CREATE TABLE gateway_events (
        id             INTEGER PRIMARY KEY,
        payload_json   TEXT NOT NULL,
        created_at_ms  INTEGER NOT NULL
      ) STRICT;
      CREATE TABLE channel_state (
        channel        TEXT NOT NULL,
        account_id     TEXT NOT NULL,
        key            TEXT NOT NULL,
        value          TEXT NOT NULL,
        updated_at_ms  INTEGER NOT NULL,
        PRIMARY KEY (channel, account_id, key)
      ) STRICT;
    `,
  postgres: `
      ALTER TABLE inbound_queue ADD COLUMN owner TEXT;
      CREATE INDEX inbound_queue_session_open ON inbound_queue (session_key, id) WHERE status IN ('pending', 'running');
      CREATE TABLE queue_session_owner (
        session_key    TEXT PRIMARY KEY,
        owner          TEXT,
        claimed_at_ms  BIGINT
      );
      CREATE TABLE gateway_instances (
        instance_id    TEXT PRIMARY KEY,
        host           TEXT NOT NULL,
        pid            INTEGER NOT NULL,
        port           INTEGER,
        started_at_ms  BIGINT NOT NULL,
        seen_at_ms     BIGINT NOT NULL,
        role           TEXT NOT NULL,
        liveness       TEXT
      );
      CREATE TABLE gateway_events (
        id             BIGSERIAL PRIMARY KEY,
        payload_json   TEXT NOT NULL,
        created_at_ms  BIGINT NOT NULL
      );
      CREATE TABLE channel_state (
        channel        TEXT NOT NULL,
        account_id     TEXT NOT NULL,
        key            TEXT COLLATE "C" NOT NULL,
        value          TEXT NOT NULL,
        updated_at_ms  BIGINT NOT NULL,
        PRIMARY KEY (channel, account_id, key)
      );
    `,
};
