import type { Migration } from './types.js';

/** Key/value metadata, paired devices and their hashed tokens. */
export const migration001: Migration = {
  version: 1,
  name: 'initial',
  sqlite: `
      CREATE TABLE meta (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
      ) STRICT;

      CREATE TABLE devices (
        device_id       TEXT PRIMARY KEY,
        public_key      TEXT NOT NULL,
        role            TEXT NOT NULL,
        scopes_json     TEXT NOT NULL DEFAULT '[]',
        client_id       TEXT,
        client_mode     TEXT,
        platform        TEXT,
        device_family   TEXT,
        display_name    TEXT,
        created_at_ms   INTEGER NOT NULL,
        approved_at_ms  INTEGER NOT NULL,
        last_seen_at_ms INTEGER
      ) STRICT;

      CREATE TABLE device_tokens (
        device_id    TEXT NOT NULL,
        role         TEXT NOT NULL,
        token_hash   BLOB NOT NULL,
        scopes_json  TEXT NOT NULL DEFAULT '[]',
        issued_at_ms INTEGER NOT NULL,
        PRIMARY KEY (device_id, role),
        FOREIGN KEY (device_id) REFERENCES devices(device_id) ON DELETE CASCADE
      ) STRICT;
    `,
  postgres: `
      CREATE TABLE meta (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
      );
      CREATE TABLE devices (
        device_id       TEXT PRIMARY KEY,
        public_key      TEXT NOT NULL,
        role            TEXT NOT NULL,
        scopes_json     TEXT NOT NULL DEFAULT '[]',
        client_id       TEXT,
        client_mode     TEXT,
        platform        TEXT,
        device_family   TEXT,
        display_name    TEXT,
        created_at_ms   BIGINT NOT NULL,
        approved_at_ms  BIGINT NOT NULL,
        last_seen_at_ms BIGINT
      );
      CREATE TABLE device_tokens (
        device_id    TEXT NOT NULL REFERENCES devices(device_id) ON DELETE CASCADE,
        role         TEXT NOT NULL,
        token_hash   BYTEA NOT NULL,
        scopes_json  TEXT NOT NULL DEFAULT '[]',
        issued_at_ms BIGINT NOT NULL,
        PRIMARY KEY (device_id, role)
      );
    `,
};
