/** The gateway's persistent state as every backend offers it: records, repositories, the Store. */
import type { CronRepo } from './cron-types.js';
import type { StoreCoordination, StoreLease, StoreTables } from './sharing.js';

export * from './cron-types.js';
export * from './sharing.js';

/** Where a session's last message came from, for replies and `send`. */
export interface SessionRoute {
  channel: string;
  accountId: string;
  peer: { kind: string; id: string };
  threadId?: string;
  topicId?: string;
}

export interface SessionRecord {
  sessionKey: string;
  /** Changes on reset: the transcript belongs to a session id. */
  sessionId: string;
  agentId: string;
  createdAtMs: number;
  updatedAtMs: number;
  resetAtMs?: number;
  messageCount: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  route?: SessionRoute;
  label?: string;
  modelOverride?: string;
  lastPreview?: string;
}

/** `summary`: a compaction of older turns; content `[{type:'summary', text, coversThroughSeq}]`. */
export type TranscriptRole = 'user' | 'assistant' | 'tool' | 'summary';

export interface TranscriptEntry {
  sessionId: string;
  seq: number;
  role: TranscriptRole;
  /** Provider-neutral content blocks (text, tool_use, tool_result). */
  content: unknown[];
  runId?: string;
  queueId?: number;
  usage?: { inputTokens: number; outputTokens: number; costUsd?: number; model?: string };
  createdAtMs: number;
}

export type NewTranscriptEntry = Omit<TranscriptEntry, 'sessionId' | 'seq'>;

export type QueueStatus = 'pending' | 'running' | 'done' | 'failed' | 'dropped';

export interface QueueItem<P = unknown> {
  id: number;
  dedupeKey: string;
  sessionKey: string;
  agentId: string;
  runId: string;
  /** The inbound message and its delivery options, as JSON. */
  payload: P;
  status: QueueStatus;
  attempts: number;
  enqueuedAtMs: number;
  startedAtMs?: number;
  finishedAtMs?: number;
  error?: string;
}

export type NewQueueItem<P = unknown> = Omit<QueueItem<P>, 'id' | 'status' | 'attempts' | 'startedAtMs' | 'finishedAtMs' | 'error'>;

export interface SessionListQuery {
  agentId?: string;
  search?: string;
  limit?: number;
  offset?: number;
}

/** A transcript set aside by a reset. */
export interface ArchivedTranscript {
  sessionId: string;
  sessionKey: string;
  agentId: string;
  startedAtMs: number;
  endedAtMs: number;
  messageCount: number;
  lastPreview?: string;
}

export interface SessionsRepo {
  get(sessionKey: string): Promise<SessionRecord | undefined>;
  getBySessionId(sessionId: string): Promise<SessionRecord | undefined>;
  /** Create the session if missing; returns the record. */
  ensure(sessionKey: string, agentId: string, nowMs: number, newSessionId: () => string): Promise<SessionRecord>;
  list(q: SessionListQuery): Promise<{ sessions: SessionRecord[]; total: number }>;
  patch(sessionKey: string, fields: Partial<Pick<SessionRecord, 'label' | 'modelOverride' | 'route' | 'lastPreview' | 'updatedAtMs'>>): Promise<boolean>;
  /** Add a turn's counters. */
  addUsage(sessionKey: string, d: { messages: number; inputTokens: number; outputTokens: number; costUsd: number; nowMs: number; preview?: string }): Promise<void>;
  /** New session id; the old transcript stays under the old id, recorded in the archive. */
  reset(sessionKey: string, newSessionId: string, nowMs: number): Promise<SessionRecord | undefined>;
  /** Deletes the session row (its transcripts are the caller's to delete: current and archived ids). */
  delete(sessionKey: string): Promise<boolean>;
  /** Transcripts set aside by resets of this key, newest first. */
  archives(sessionKey: string): Promise<ArchivedTranscript[]>;
  /** Forgets archive records of this key (delete) or older than `beforeMs` (retention); returns their session ids. */
  dropArchives(by: { sessionKey: string } | { endedBeforeMs: number }): Promise<string[]>;
  count(): Promise<number>;
  /** Sessions per agent id. */
  countByAgent(): Promise<Record<string, number>>;
}

export interface TranscriptRepo {
  /** Append entries with consecutive seq numbers; returns the seqs. */
  append(sessionId: string, entries: NewTranscriptEntry[]): Promise<number[]>;
  /** Newest first: entries with seq < beforeSeq (or the latest), at most `limit`. */
  page(sessionId: string, opts: { beforeSeq?: number; limit: number }): Promise<TranscriptEntry[]>;
  /** Oldest first, all entries from `fromSeq` on (for building model context; bounded by the caller). */
  since(sessionId: string, fromSeq: number, limit: number): Promise<TranscriptEntry[]>;
  lastSeq(sessionId: string): Promise<number>;
  hasQueueEntry(queueId: number): Promise<boolean>;
  /** The user entry recorded for a queue item, if any. */
  byQueueId(queueId: number): Promise<TranscriptEntry | undefined>;
  deleteSession(sessionId: string): Promise<number>;
}

export interface QueueRepo {
  /** Insert unless the dedupe key exists. */
  enqueue<P>(item: NewQueueItem<P>): Promise<{ id: number; duplicate: boolean; existing?: QueueItem<P> }>;
  get<P = unknown>(id: number): Promise<QueueItem<P> | undefined>;
  byRunId<P = unknown>(runId: string): Promise<QueueItem<P> | undefined>;
  /** Pending and running items in arrival order. */
  open<P = unknown>(limit: number): Promise<QueueItem<P>[]>;
  /** @throws {QueueClaimLostError} where gateways share the database and another one owns the message now */
  markRunning(id: number, nowMs: number): Promise<void>;
  /** @throws {QueueClaimLostError} as `markRunning` */
  finish(id: number, status: 'done' | 'failed' | 'dropped', nowMs: number, error?: string): Promise<void>;
  /** After a crash: running items go back to pending. Returns how many. */
  requeueRunning(): Promise<number>;
  counts(): Promise<Record<QueueStatus, number>>;
  /** Forget finished items older than `beforeMs` (dedupe window kept by the caller's choice). */
  prune(beforeMs: number): Promise<number>;
}

/** A chat sender waiting for the owner to approve them, with the messages held meanwhile. */
export interface PairingRequestRecord {
  channel: string;
  accountId: string;
  senderId: string;
  code: string;
  senderName?: string;
  /** Where to send the approval notice. */
  peer: { kind: 'direct' | 'group' | 'channel'; id: string };
  /** Messages held (not processed) until approval; opaque to the store. */
  held: unknown[];
  createdAtMs: number;
  lastSeenAtMs: number;
  expiresAtMs: number;
}

/** A sender approved through pairing. */
export interface PairedSenderRecord {
  channel: string;
  accountId: string;
  senderId: string;
  senderName?: string;
  approvedAtMs: number;
}

/** DM pairing requests and approvals, per channel account. */
export interface ChannelPairingRepo {
  /** Removes expired requests (and their held messages); returns them. */
  pruneExpired(nowMs: number): Promise<PairingRequestRecord[]>;
  listRequests(filter?: { channel?: string; accountId?: string }): Promise<PairingRequestRecord[]>;
  getRequest(channel: string, accountId: string, senderId: string): Promise<PairingRequestRecord | undefined>;
  /** Codes are unique across channels; `channel` narrows the match. */
  byCode(code: string, channel?: string): Promise<PairingRequestRecord | undefined>;
  countPending(channel: string, accountId: string): Promise<number>;
  createRequest(rec: PairingRequestRecord): Promise<void>;
  /** Records another message from a pending sender. */
  touchRequest(channel: string, accountId: string, senderId: string, nowMs: number, held: unknown[]): Promise<void>;
  deleteRequest(channel: string, accountId: string, senderId: string): Promise<boolean>;
  allow(rec: PairedSenderRecord): Promise<void>;
  revoke(channel: string, accountId: string, senderId: string): Promise<boolean>;
  listAllowed(filter?: { channel?: string; accountId?: string }): Promise<PairedSenderRecord[]>;
}

/** A reply waiting to go out (or that went out, or gave up). */
export interface OutboxItem {
  id: number;
  /** Replies with the same key (one chat) go out in order. */
  targetKey: string;
  reply: unknown;
  sessionKey?: string;
  status: 'pending' | 'sent' | 'failed';
  /** Chunks already delivered; a retry resumes after them. */
  sentChunks: number;
  attempts: number;
  nextAttemptAtMs: number;
  createdAtMs: number;
  lastError?: string;
}

/** Durable outbound replies. */
export interface OutboxRepo {
  add(item: { targetKey: string; reply: unknown; sessionKey?: string; nowMs: number }): Promise<number>;
  /** The oldest pending item per target, due or not, up to `limit` targets. */
  heads(limit: number): Promise<OutboxItem[]>;
  get(id: number): Promise<OutboxItem | undefined>;
  markSent(id: number, nowMs: number): Promise<void>;
  /** Records progress and schedules the next attempt. */
  retryLater(id: number, p: { sentChunks: number; nextAttemptAtMs: number; error: string }): Promise<void>;
  markFailed(id: number, p: { sentChunks: number; nowMs: number; error: string }): Promise<void>;
  counts(): Promise<{ pending: number; failed: number }>;
  /** Forget finished items older than `beforeMs`. */
  prune(beforeMs: number): Promise<number>;
}

/** A report window: turns created in [sinceMs, untilMs), bucketed by day in a fixed UTC offset. */
export interface UsageQuery {
  sinceMs: number;
  untilMs: number;
  /** Added to every timestamp before cutting days, so days follow the reader's clock. */
  utcOffsetMinutes: number;
}

/** Totals of the assistant turns of one day, agent and model. */
export interface UsageRow {
  /** Days since 1970-01-01 in the query's offset. */
  day: number;
  /** Empty when the transcript predates the record of its session's agent. */
  agentId: string;
  /** `provider/model` as the turn recorded it; empty when it recorded none. */
  model: string;
  turns: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
}

/** Token and cost accounting over the transcript (every turn, archived sessions included). */
export interface UsageRepo {
  byDay(q: UsageQuery): Promise<UsageRow[]>;
}

/** A node's declared commands waiting for an operator (`node.pair.*`). Never expires. */
export interface NodePairRequestRecord {
  requestId: string;
  nodeId: string;
  /** Declared commands not yet approved when the request was made. */
  commands: string[];
  platform?: string;
  deviceFamily?: string;
  clientId?: string;
  displayName?: string;
  createdAtMs: number;
}

/** Approved node command surfaces and pending requests. */
export interface NodeApprovalsRepo {
  /** Commands approved for the node, sorted. */
  approved(nodeId: string): Promise<string[]>;
  /** Every node with at least one approved command. */
  listApproved(): Promise<{ nodeId: string; commands: string[]; approvedAtMs: number }[]>;
  approve(nodeId: string, commands: readonly string[], atMs: number): Promise<void>;
  /** Forgets a node's approvals and its pending request; returns how many approvals went. */
  removeNode(nodeId: string): Promise<number>;
  getRequest(requestId: string): Promise<NodePairRequestRecord | undefined>;
  requestForNode(nodeId: string): Promise<NodePairRequestRecord | undefined>;
  listRequests(): Promise<NodePairRequestRecord[]>;
  /** Stores a request, replacing the node's previous one. */
  putRequest(rec: NodePairRequestRecord): Promise<void>;
  deleteRequest(requestId: string): Promise<boolean>;
}




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

export interface DevicesRepo {
  get(deviceId: string): Promise<DeviceRecord | undefined>;
  /** All devices, oldest first. */
  list(): Promise<DeviceRecord[]>;
  /** Inserts or replaces the whole record. */
  upsert(rec: DeviceRecord): Promise<void>;
  /** Removes the device and its tokens; false when it did not exist. */
  remove(deviceId: string): Promise<boolean>;
  /** Records activity; no-op for an unknown device. */
  touch(deviceId: string, atMs: number): Promise<void>;
}

export interface DeviceTokensRepo {
  /**
   * Issues a new random token for device+role, replacing any older one. Only
   * its SHA-256 is stored, so the returned token is the only copy.
   * @throws {UnknownDeviceError} when the device is not paired
   */
  issue(deviceId: string, role: string, scopes: string[], nowMs: number): Promise<{ token: string; issuedAtMs: number }>;
  /** Checks a token (constant-time); undefined when it is wrong, revoked or replaced. */
  verify(deviceId: string, role: string, token: string): Promise<DeviceTokenInfo | undefined>;
  /** Revokes the device's token for `role`, or all its tokens; returns how many were removed. */
  revoke(deviceId: string, role?: string): Promise<number>;
}

/** Per channel account, what its adapter keeps between runs (credentials, positions): text values by key. */
export interface ChannelStateRepo {
  get(channel: string, accountId: string, key: string): Promise<string | undefined>;
  /** Writes each entry; `undefined` deletes the key. */
  set(channel: string, accountId: string, entries: Record<string, string | undefined>, nowMs: number): Promise<void>;
  /** Keys starting with `prefix`, in key order. */
  list(channel: string, accountId: string, prefix: string): Promise<[key: string, value: string][]>;
  /** Forgets everything of the account (logout); returns how many keys went. */
  clear(channel: string, accountId: string): Promise<number>;
}

/** The repositories: what a caller reads and writes, inside a transaction or not. */
export interface StoreRepos {
  getMeta(key: string): Promise<string | undefined>;
  setMeta(key: string, value: string): Promise<void>;
  devices: DevicesRepo;
  deviceTokens: DeviceTokensRepo;
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
  /** Channel accounts' credentials and positions. */
  channelState: ChannelStateRepo;
  /** Scheduled jobs and their runs. */
  cron: CronRepo;
}

/** The repositories bound to one open transaction; `transaction` nests as a savepoint. */
export interface StoreTx extends StoreRepos {
  transaction<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T>;
}

/**
 * Persistent gateway state, backend-neutral: every method is async and no
 * driver type appears here. SQLite (the default) is in `src-main/store/`,
 * PostgreSQL in the `storage-postgres` plugin.
 */
export interface Store extends StoreRepos {
  /** Backend id: `sqlite`, `postgres`. */
  readonly backend: string;
  /** Where the data is, for people: the SQLite file (or `':memory:'`), the PostgreSQL URL without its password. */
  readonly path: string;
  /** Schema version the database is at. */
  schemaVersion(): Promise<number>;
  /** Copies the open database to `destination` while it stays in use (where the backend can). */
  backup?(destination: string): Promise<void>;
  /**
   * Runs `fn` atomically: everything done through `tx` commits together or not at all. Only `tx` may be used
   * inside `fn` (the store itself may wait for the transaction to end); `fn` should do nothing but store work.
   */
  transaction<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T>;
  /**
   * Where several gateways share the database: exclusive ownership of a named role (`channels`), held on a
   * connection of its own. Absent where only one gateway can use the database anyway (SQLite's instance lock).
   */
  lease?(name: string, opts?: { retryMs?: number }): StoreLease;
  /**
   * Where several gateways share the database: who works on which session's messages, and what they tell
   * each other. Absent where one gateway has the database to itself.
   */
  readonly coordination?: StoreCoordination;
  /** Whole tables, for moving an install from one backend to another (`openclaw storage migrate`). */
  readonly tables?: StoreTables;
  /** Closes the database; idempotent. */
  close(): Promise<void>;
}


/**
 * One schema change, written once per dialect. `version` equals the number in the
 * file name; each runs in a transaction together with the version bump.
 */
export interface StoreMigration {
  version: number;
  name: string;
  sqlite: string;
  postgres: string;
}

/** What a storage plugin's factory is given to open its store. */
export interface StoreOpenOptions {
  /** The backend's settings (`storage.<backend>`), validated against the config schema. */
  config: unknown;
  /** Every schema migration, in order: the store brings the database up to the last one. */
  migrations: readonly StoreMigration[];
}

/** The store cannot serve: the database is gone, unreachable or refused (locked, full, corrupt, restarting). */
export class StoreUnavailableError extends Error {
  override readonly name = 'StoreUnavailableError';
  readonly code = 'STORE_UNAVAILABLE';
}

/** The store could not be opened; `message` names the cause and the fix. */
export class StoreOpenError extends Error {
  override readonly name = 'StoreOpenError';
  constructor(
    message: string,
    /** `unreachable`, `auth`, `database-missing`, `server-too-old`, `schema-too-new`, `config`, `other`. */
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
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
