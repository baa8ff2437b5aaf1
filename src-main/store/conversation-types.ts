/** Session, transcript and queue records: backend-neutral shapes of the Store. */

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

export interface QueueItem {
  id: number;
  dedupeKey: string;
  sessionKey: string;
  agentId: string;
  runId: string;
  /** The inbound message and its delivery options, as JSON. */
  payload: unknown;
  status: QueueStatus;
  attempts: number;
  enqueuedAtMs: number;
  startedAtMs?: number;
  finishedAtMs?: number;
  error?: string;
}

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
  get(sessionKey: string): SessionRecord | undefined;
  getBySessionId(sessionId: string): SessionRecord | undefined;
  /** Create the session if missing; returns the record. */
  ensure(sessionKey: string, agentId: string, nowMs: number, newSessionId: () => string): SessionRecord;
  list(q: SessionListQuery): { sessions: SessionRecord[]; total: number };
  patch(sessionKey: string, fields: Partial<Pick<SessionRecord, 'label' | 'modelOverride' | 'route' | 'lastPreview' | 'updatedAtMs'>>): boolean;
  /** Add a turn's counters. */
  addUsage(sessionKey: string, d: { messages: number; inputTokens: number; outputTokens: number; costUsd: number; nowMs: number; preview?: string }): void;
  /** New session id; the old transcript stays under the old id, recorded in the archive. */
  reset(sessionKey: string, newSessionId: string, nowMs: number): SessionRecord | undefined;
  /** Deletes the session row (its transcripts are the caller's to delete: current and archived ids). */
  delete(sessionKey: string): boolean;
  /** Transcripts set aside by resets of this key, newest first. */
  archives(sessionKey: string): ArchivedTranscript[];
  /** Forgets archive records of this key (delete) or older than `beforeMs` (retention); returns their session ids. */
  dropArchives(by: { sessionKey: string } | { endedBeforeMs: number }): string[];
  count(): number;
  /** Sessions per agent id. */
  countByAgent(): Record<string, number>;
}

export interface TranscriptRepo {
  /** Append entries with consecutive seq numbers; returns the seqs. */
  append(sessionId: string, entries: NewTranscriptEntry[]): number[];
  /** Newest first: entries with seq < beforeSeq (or the latest), at most `limit`. */
  page(sessionId: string, opts: { beforeSeq?: number; limit: number }): TranscriptEntry[];
  /** Oldest first, all entries from `fromSeq` on (for building model context; bounded by the caller). */
  since(sessionId: string, fromSeq: number, limit: number): TranscriptEntry[];
  lastSeq(sessionId: string): number;
  hasQueueEntry(queueId: number): boolean;
  /** The user entry recorded for a queue item, if any. */
  byQueueId(queueId: number): TranscriptEntry | undefined;
  deleteSession(sessionId: string): number;
}

export interface QueueRepo {
  /** Insert unless the dedupe key exists. */
  enqueue(item: Omit<QueueItem, 'id' | 'status' | 'attempts' | 'startedAtMs' | 'finishedAtMs' | 'error'>): { id: number; duplicate: boolean; existing?: QueueItem };
  get(id: number): QueueItem | undefined;
  byRunId(runId: string): QueueItem | undefined;
  /** Pending and running items in arrival order. */
  open(limit: number): QueueItem[];
  markRunning(id: number, nowMs: number): void;
  finish(id: number, status: 'done' | 'failed' | 'dropped', nowMs: number, error?: string): void;
  /** After a crash: running items go back to pending. Returns how many. */
  requeueRunning(): number;
  counts(): Record<QueueStatus, number>;
  /** Forget finished items older than `beforeMs` (dedupe window kept by the caller's choice). */
  prune(beforeMs: number): number;
}
