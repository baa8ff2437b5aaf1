import type { Migration } from './types.js';

/**
 * DM pairing for chat channels: pending requests (with the messages held
 * until approval) and the senders approved per channel account.
 */
export const migration003: Migration = {
  version: 3,
  name: 'channel-pairing',
  sqlite: `
      CREATE TABLE channel_pairing_requests (
        channel          TEXT NOT NULL,
        account_id       TEXT NOT NULL,
        sender_id        TEXT NOT NULL,
        code             TEXT NOT NULL UNIQUE,
        sender_name      TEXT,
        peer_json        TEXT NOT NULL,
        held_json        TEXT NOT NULL DEFAULT '[]',
        created_at_ms    INTEGER NOT NULL,
        last_seen_at_ms  INTEGER NOT NULL,
        expires_at_ms    INTEGER NOT NULL,
        PRIMARY KEY (channel, account_id, sender_id)
      ) STRICT;
      CREATE INDEX channel_pairing_requests_expiry ON channel_pairing_requests (expires_at_ms);

      CREATE TABLE channel_pairing_allow_entries (
        channel         TEXT NOT NULL,
        account_id      TEXT NOT NULL,
        sender_id       TEXT NOT NULL,
        sender_name     TEXT,
        approved_at_ms  INTEGER NOT NULL,
        PRIMARY KEY (channel, account_id, sender_id)
      ) STRICT;
    `,
  postgres: `
      CREATE TABLE channel_pairing_requests (
        channel          TEXT NOT NULL,
        account_id       TEXT NOT NULL,
        sender_id        TEXT NOT NULL,
        code             TEXT NOT NULL UNIQUE,
        sender_name      TEXT,
        peer_json        TEXT NOT NULL,
        held_json        TEXT NOT NULL DEFAULT '[]',
        created_at_ms    BIGINT NOT NULL,
        last_seen_at_ms  BIGINT NOT NULL,
        expires_at_ms    BIGINT NOT NULL,
        PRIMARY KEY (channel, account_id, sender_id)
      );
      CREATE INDEX channel_pairing_requests_expiry ON channel_pairing_requests (expires_at_ms);
      CREATE TABLE channel_pairing_allow_entries (
        channel         TEXT NOT NULL,
        account_id      TEXT NOT NULL,
        sender_id       TEXT NOT NULL,
        sender_name     TEXT,
        approved_at_ms  BIGINT NOT NULL,
        PRIMARY KEY (channel, account_id, sender_id)
      );
    `,
};
