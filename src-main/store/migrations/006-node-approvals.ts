import type { Migration } from './types.js';

/**
 * Node capability approval: the commands an operator approved for each node,
 * and the requests waiting for an operator. Requests never expire; both go
 * with the device when it is unpaired.
 */
export const migration006: Migration = {
  version: 6,
  name: 'node-approvals',
  sqlite: `
      CREATE TABLE node_command_approvals (
        node_id         TEXT NOT NULL,
        command         TEXT NOT NULL,
        approved_at_ms  INTEGER NOT NULL,
        PRIMARY KEY (node_id, command),
        FOREIGN KEY (node_id) REFERENCES devices(device_id) ON DELETE CASCADE
      ) STRICT;

      CREATE TABLE node_pair_requests (
        request_id      TEXT PRIMARY KEY,
        node_id         TEXT NOT NULL UNIQUE,
        commands_json   TEXT NOT NULL,
        platform        TEXT,
        device_family   TEXT,
        client_id       TEXT,
        display_name    TEXT,
        created_at_ms   INTEGER NOT NULL,
        FOREIGN KEY (node_id) REFERENCES devices(device_id) ON DELETE CASCADE
      ) STRICT;
    `,
  postgres: `
      CREATE TABLE node_command_approvals (
        node_id         TEXT NOT NULL REFERENCES devices(device_id) ON DELETE CASCADE,
        command         TEXT NOT NULL,
        approved_at_ms  BIGINT NOT NULL,
        PRIMARY KEY (node_id, command)
      );
      CREATE TABLE node_pair_requests (
        request_id      TEXT PRIMARY KEY,
        node_id         TEXT NOT NULL UNIQUE REFERENCES devices(device_id) ON DELETE CASCADE,
        commands_json   TEXT NOT NULL,
        platform        TEXT,
        device_family   TEXT,
        client_id       TEXT,
        display_name    TEXT,
        created_at_ms   BIGINT NOT NULL
      );
    `,
};
