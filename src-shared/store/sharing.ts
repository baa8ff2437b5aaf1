/** Gateways sharing one database: the channels lease, whole-table copies, coordination of queued work. */
import type { QueueItem } from './types.js';

/**
 * A named lease among gateways sharing one database. It is tried at once and again every `retryMs` until
 * won; it is lost when the connection holding it breaks (the holder must stop acting on it: fencing), and
 * tried again after that.
 */
export interface StoreLease {
  readonly name: string;
  /** True while this gateway holds it. */
  held(): boolean;
  /** Hears every change: true when won, false when lost or released. */
  onChange(listener: (held: boolean) => void): () => void;
  /** Gives it up (another gateway may take it) and stops trying. */
  release(): Promise<void>;
}

/** A row as stored: column name to value (numbers, text, bytes, null). */
export type StoredRow = Record<string, unknown>;

/** Table-level access for copying an install between backends; the tables and columns are the migrations' own. */
export interface StoreTables {
  /** The gateway's tables in creation order (a table comes after those it refers to). */
  names(): Promise<string[]>;
  count(table: string): Promise<number>;
  /** Every row, in batches of at most `batchSize`, in insertion order. */
  read(table: string, batchSize: number): AsyncIterable<StoredRow[]>;
  /** Adds rows as they are (ids included), in one transaction per call, skipping rows already there (written by a trigger); counters continue after the highest id. */
  write(table: string, rows: StoredRow[]): Promise<void>;
}

/** A gateway that shares the database, as the others see it. */
export interface GatewayInstance {
  instanceId: string;
  host: string;
  pid: number;
  port?: number;
  startedAtMs: number;
  /** When it last said it was alive (its own clock). */
  seenAtMs: number;
  /** What it does: `primary` (runs the chat channels) or `standby`. */
  role: string;
  /** Its coordination connection is open on the server: false once it died or lost the database. */
  alive: boolean;
  /** This gateway. */
  self: boolean;
}

/** What gateways sharing one database tell each other. */
export type CoordinationTopic = 'event' | 'abort';

/**
 * Gateways working together on one database. Each session's messages are worked on by one gateway at a
 * time (the session's owner, claimed with `FOR UPDATE SKIP LOCKED`); a gateway that dies (its coordination
 * connection closes on the server) leaves its sessions to be claimed by another, and a turn is recorded only
 * while its gateway still owns the message (`QueueClaimLostError` otherwise), so each message is answered once.
 */
export interface StoreCoordination {
  readonly instanceId: string;
  /** Announces this gateway and keeps it announced (a connection of its own, re-opened after failures). */
  join(info: { host: string; pid: number; port?: number; role: string }): Promise<void>;
  setRole(role: string): void;
  /** True while this gateway's coordination connection is up (the others see it alive). */
  live(): boolean;
  /**
   * Takes work, oldest first: messages of sessions nobody owns (new, released, or left by a gateway that
   * died; their running messages run again) and new messages of the sessions this gateway owns. First, in
   * the same transaction, lets go of the `releasing` sessions this gateway is done with (those with open
   * messages stay its own, and their new messages come back with the rest).
   */
  claim<P = unknown>(limit: number, releasing?: readonly string[]): Promise<QueueItem<P>[]>;
  /** Tells the other gateways (not this one). */
  notify(topic: CoordinationTopic, payload: unknown): Promise<void>;
  /**
   * Hears the others: their notes, `queue` when messages arrived anywhere, `outbox` when replies were
   * written anywhere, and `live` when this gateway's connection came back (work may have been missed).
   */
  onNotice(fn: (topic: CoordinationTopic | 'queue' | 'outbox' | 'live', payload: unknown) => void): () => void;
  /** Every gateway registered, this one included, as last read (refreshed about every second). */
  peers(): GatewayInstance[];
  /** Leaves: the others see this gateway gone at once; idempotent. */
  close(): Promise<void>;
}

/** A turn tried to record a message that another gateway took over (this one was seen dead): nothing was written. */
export class QueueClaimLostError extends Error {
  override readonly name = 'QueueClaimLostError';
  readonly code = 'QUEUE_CLAIM_LOST';
  constructor(readonly queueId: number) {
    super(`message ${queueId} is now handled by another gateway`);
  }
}

/** Recognised by name: a storage plugin bundles its own copy of the class. */
export const isQueueClaimLost = (err: unknown): boolean => err instanceof Error && err.name === 'QueueClaimLostError';
