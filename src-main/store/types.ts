import type { QueueRepo, SessionsRepo, TranscriptRepo } from './conversation-types.js';
import type { ChannelPairingRepo } from './pairing-repo.js';
import type { OutboxRepo } from './outbox-repo.js';
import type { UsageRepo } from './usage-repo.js';
import type { NodeApprovalsRepo } from './node-approvals-repo.js';

export type { ChannelPairingRepo, PairedSenderRecord, PairingRequestRecord } from './pairing-repo.js';
export type { OutboxItem, OutboxRepo } from './outbox-repo.js';
export type { UsageQuery, UsageRepo, UsageRow } from './usage-repo.js';
export type { NodeApprovalsRepo, NodePairRequestRecord } from './node-approvals-repo.js';

export type * from './conversation-types.js';

/**
 * Backend-neutral persistent state. The SQLite implementation lives in
 * `sqlite-store.ts`; a second backend (PostgreSQL) implements the same interface.
 */

/** A paired device (operator app, CLI, phone node) and what it was approved for. */
export interface DeviceRecord {
  deviceId: string;
  /** Ed25519 public key the device proves itself with. */
  publicKey: string;
  role: string;
  scopes: string[];
  clientId?: string;
  clientMode?: string;
  platform?: string;
  deviceFamily?: string;
  displayName?: string;
  createdAtMs: number;
  approvedAtMs: number;
  lastSeenAtMs?: number;
}

/** What a valid device token grants. */
export interface DeviceTokenInfo {
  deviceId: string;
  role: string;
  scopes: string[];
  issuedAtMs: number;
}

/** Persistent gateway state. All methods are synchronous. */
export interface Store {
  /** `':memory:'` or the database file path. */
  readonly path: string;
  /** Schema version the database is at. */
  schemaVersion(): number;
  getMeta(key: string): string | undefined;
  setMeta(key: string, value: string): void;
  devices: {
    get(deviceId: string): DeviceRecord | undefined;
    /** All devices, oldest first. */
    list(): DeviceRecord[];
    /** Inserts or replaces the whole record. */
    upsert(rec: DeviceRecord): void;
    /** Removes the device and its tokens; false when it did not exist. */
    remove(deviceId: string): boolean;
    /** Records activity; no-op for an unknown device. */
    touch(deviceId: string, atMs: number): void;
  };
  deviceTokens: {
    /**
     * Issues a new random token for device+role, replacing any older one. Only
     * its SHA-256 is stored, so the returned token is the only copy.
     * @throws {UnknownDeviceError} when the device is not paired
     */
    issue(deviceId: string, role: string, scopes: string[], nowMs: number): { token: string; issuedAtMs: number };
    /** Checks a token (constant-time); undefined when it is wrong, revoked or replaced. */
    verify(deviceId: string, role: string, token: string): DeviceTokenInfo | undefined;
    /** Revokes the device's token for `role`, or all its tokens; returns how many were removed. */
    revoke(deviceId: string, role?: string): number;
  };
  sessions: SessionsRepo;
  transcript: TranscriptRepo;
  queue: QueueRepo;
  /** DM pairing requests and approved senders for chat channels. */
  channelPairing: ChannelPairingRepo;
  /** Replies waiting to go out to chat platforms. */
  outbox: OutboxRepo;
  /** Turns, tokens and cost from the transcript, for usage reports. */
  usage: UsageRepo;
  /** Node capability approval: approved commands per node and pending requests. */
  nodeApprovals: NodeApprovalsRepo;
  /** Copies the open database to `destination` while it stays in use (where the backend can). */
  backup?(destination: string): Promise<void>;
  /** Runs `fn` atomically (nests as a savepoint); `fn` must be synchronous. */
  transaction<T>(fn: () => T): T;
  /** Closes the database; idempotent. */
  close(): void;
}

/** A token was requested for a device that is not paired. */
export class UnknownDeviceError extends Error {
  override readonly name = 'UnknownDeviceError';
  constructor(readonly deviceId: string) {
    super(`unknown device ${deviceId}`);
  }
}

/** The database was written by a newer build whose schema this build does not know. */
export class SchemaTooNewError extends Error {
  override readonly name = 'SchemaTooNewError';
  constructor(
    readonly databaseVersion: number,
    readonly supportedVersion: number,
    readonly path: string,
  ) {
    super(
      `database ${path} is at schema version ${databaseVersion}, newer than this build supports (${supportedVersion}); ` +
        'upgrade OpenClaw or point it at a different state dir',
    );
  }
}
