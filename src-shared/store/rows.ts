import type {
  ArchivedTranscript,
  CronJobRecord,
  CronRunRecord,
  DeviceRecord,
  NodePairRequestRecord,
  OutboxItem,
  PairedSenderRecord,
  PairingRequestRecord,
  QueueItem,
  QueueStatus,
  SessionRecord,
  TranscriptEntry,
} from './types.js';

/**
 * The tables' rows as both backends read them (the same columns in SQLite and PostgreSQL,
 * once numbers are numbers) and their conversion to records, written once.
 */

export interface SessionRow {
  session_key: string;
  session_id: string;
  agent_id: string;
  created_at_ms: number;
  updated_at_ms: number;
  reset_at_ms: number | null;
  message_count: number;
  input_tokens: number;
  output_tokens: number;
  cost_usd: number;
  route_json: string | null;
  label: string | null;
  model_override: string | null;
  last_preview: string | null;
}

export function toSession(r: SessionRow): SessionRecord {
  const s: SessionRecord = {
    sessionKey: r.session_key,
    sessionId: r.session_id,
    agentId: r.agent_id,
    createdAtMs: r.created_at_ms,
    updatedAtMs: r.updated_at_ms,
    messageCount: r.message_count,
    inputTokens: r.input_tokens,
    outputTokens: r.output_tokens,
    costUsd: r.cost_usd,
  };
  if (r.reset_at_ms !== null) s.resetAtMs = r.reset_at_ms;
  if (r.route_json !== null) s.route = JSON.parse(r.route_json);
  if (r.label !== null) s.label = r.label;
  if (r.model_override !== null) s.modelOverride = r.model_override;
  if (r.last_preview !== null) s.lastPreview = r.last_preview;
  return s;
}

export interface ArchiveRow {
  session_id: string;
  session_key: string;
  agent_id: string;
  started_at_ms: number;
  ended_at_ms: number;
  message_count: number;
  last_preview: string | null;
}

export function toArchive(r: ArchiveRow): ArchivedTranscript {
  return {
    sessionId: r.session_id,
    sessionKey: r.session_key,
    agentId: r.agent_id,
    startedAtMs: r.started_at_ms,
    endedAtMs: r.ended_at_ms,
    messageCount: r.message_count,
    ...(r.last_preview !== null ? { lastPreview: r.last_preview } : {}),
  };
}

export interface TranscriptRow {
  session_id: string;
  seq: number;
  role: string;
  content_json: string;
  run_id: string | null;
  queue_id: number | null;
  usage_json: string | null;
  created_at_ms: number;
}

export function toTranscriptEntry(r: TranscriptRow): TranscriptEntry {
  const e: TranscriptEntry = { sessionId: r.session_id, seq: r.seq, role: r.role as TranscriptEntry['role'], content: JSON.parse(r.content_json), createdAtMs: r.created_at_ms };
  if (r.run_id !== null) e.runId = r.run_id;
  if (r.queue_id !== null) e.queueId = r.queue_id;
  if (r.usage_json !== null) e.usage = JSON.parse(r.usage_json);
  return e;
}

export interface QueueRow {
  id: number;
  dedupe_key: string;
  session_key: string;
  agent_id: string;
  run_id: string;
  payload_json: string;
  status: QueueStatus;
  attempts: number;
  enqueued_at_ms: number;
  started_at_ms: number | null;
  finished_at_ms: number | null;
  error: string | null;
}

export function toQueueItem(r: QueueRow): QueueItem {
  const i: QueueItem = {
    id: r.id,
    dedupeKey: r.dedupe_key,
    sessionKey: r.session_key,
    agentId: r.agent_id,
    runId: r.run_id,
    payload: JSON.parse(r.payload_json),
    status: r.status,
    attempts: r.attempts,
    enqueuedAtMs: r.enqueued_at_ms,
  };
  if (r.started_at_ms !== null) i.startedAtMs = r.started_at_ms;
  if (r.finished_at_ms !== null) i.finishedAtMs = r.finished_at_ms;
  if (r.error !== null) i.error = r.error;
  return i;
}

export interface DeviceRow {
  device_id: string;
  public_key: string;
  role: string;
  scopes_json: string;
  client_id: string | null;
  client_mode: string | null;
  platform: string | null;
  device_family: string | null;
  display_name: string | null;
  created_at_ms: number;
  approved_at_ms: number;
  last_seen_at_ms: number | null;
}

export function parseScopes(json: string): string[] {
  const parsed: unknown = JSON.parse(json);
  return Array.isArray(parsed) ? parsed.filter((s): s is string => typeof s === 'string') : [];
}

export function toDevice(row: DeviceRow): DeviceRecord {
  const rec: DeviceRecord = {
    deviceId: row.device_id,
    publicKey: row.public_key,
    role: row.role,
    scopes: parseScopes(row.scopes_json),
    createdAtMs: row.created_at_ms,
    approvedAtMs: row.approved_at_ms,
  };
  if (row.client_id !== null) rec.clientId = row.client_id;
  if (row.client_mode !== null) rec.clientMode = row.client_mode;
  if (row.platform !== null) rec.platform = row.platform;
  if (row.device_family !== null) rec.deviceFamily = row.device_family;
  if (row.display_name !== null) rec.displayName = row.display_name;
  if (row.last_seen_at_ms !== null) rec.lastSeenAtMs = row.last_seen_at_ms;
  return rec;
}

export interface PairingRequestRow {
  channel: string;
  account_id: string;
  sender_id: string;
  code: string;
  sender_name: string | null;
  peer_json: string;
  held_json: string;
  created_at_ms: number;
  last_seen_at_ms: number;
  expires_at_ms: number;
}

export interface PairedSenderRow {
  channel: string;
  account_id: string;
  sender_id: string;
  sender_name: string | null;
  approved_at_ms: number;
}

export const toPairingRequest = (r: PairingRequestRow): PairingRequestRecord => ({
  channel: r.channel,
  accountId: r.account_id,
  senderId: r.sender_id,
  code: r.code,
  ...(r.sender_name !== null ? { senderName: r.sender_name } : {}),
  peer: JSON.parse(r.peer_json) as PairingRequestRecord['peer'],
  held: JSON.parse(r.held_json) as unknown[],
  createdAtMs: r.created_at_ms,
  lastSeenAtMs: r.last_seen_at_ms,
  expiresAtMs: r.expires_at_ms,
});

export const toPairedSender = (r: PairedSenderRow): PairedSenderRecord => ({
  channel: r.channel,
  accountId: r.account_id,
  senderId: r.sender_id,
  ...(r.sender_name !== null ? { senderName: r.sender_name } : {}),
  approvedAtMs: r.approved_at_ms,
});

export interface OutboxRow {
  id: number;
  target_key: string;
  reply_json: string;
  session_key: string | null;
  status: OutboxItem['status'];
  sent_chunks: number;
  attempts: number;
  next_attempt_at_ms: number;
  created_at_ms: number;
  last_error: string | null;
}

export const toOutboxItem = (r: OutboxRow): OutboxItem => ({
  id: r.id,
  targetKey: r.target_key,
  reply: JSON.parse(r.reply_json) as unknown,
  ...(r.session_key !== null ? { sessionKey: r.session_key } : {}),
  status: r.status,
  sentChunks: r.sent_chunks,
  attempts: r.attempts,
  nextAttemptAtMs: r.next_attempt_at_ms,
  createdAtMs: r.created_at_ms,
  ...(r.last_error !== null ? { lastError: r.last_error } : {}),
});

export interface NodeRequestRow {
  request_id: string;
  node_id: string;
  commands_json: string;
  platform: string | null;
  device_family: string | null;
  client_id: string | null;
  display_name: string | null;
  created_at_ms: number;
}

export function toNodeRequest(r: NodeRequestRow): NodePairRequestRecord {
  const parsed: unknown = JSON.parse(r.commands_json);
  return {
    requestId: r.request_id,
    nodeId: r.node_id,
    commands: Array.isArray(parsed) ? parsed.filter((c): c is string => typeof c === 'string') : [],
    ...(r.platform !== null ? { platform: r.platform } : {}),
    ...(r.device_family !== null ? { deviceFamily: r.device_family } : {}),
    ...(r.client_id !== null ? { clientId: r.client_id } : {}),
    ...(r.display_name !== null ? { displayName: r.display_name } : {}),
    createdAtMs: r.created_at_ms,
  };
}

export interface CronJobRow {
  id: string;
  name: string;
  description: string | null;
  agent_id: string;
  schedule_kind: string;
  cron_expr: string | null;
  cron_tz: string | null;
  at_ms: number | null;
  every_ms: number | null;
  anchor_ms: number | null;
  message: string;
  deliver_channel: string | null;
  deliver_account: string | null;
  deliver_to: string | null;
  enabled: number;
  delete_after_run: number;
  created_at_ms: number;
  updated_at_ms: number;
  next_run_at_ms: number | null;
  last_run_at_ms: number | null;
  last_run_status: string | null;
  last_error: string | null;
}

/** The columns of `cron_jobs`, in this order, for both dialects' INSERT. */
export const CRON_JOB_COLUMNS = [
  'id', 'name', 'description', 'agent_id', 'schedule_kind', 'cron_expr', 'cron_tz', 'at_ms', 'every_ms', 'anchor_ms', 'message',
  'deliver_channel', 'deliver_account', 'deliver_to', 'enabled', 'delete_after_run', 'created_at_ms', 'updated_at_ms',
  'next_run_at_ms', 'last_run_at_ms', 'last_run_status', 'last_error',
] as const satisfies readonly (keyof CronJobRow)[];

export function toCronJob(r: CronJobRow): CronJobRecord {
  const schedule: CronJobRecord['schedule'] =
    r.schedule_kind === 'cron'
      ? { kind: 'cron', expr: r.cron_expr ?? '', ...(r.cron_tz !== null ? { tz: r.cron_tz } : {}) }
      : r.schedule_kind === 'at'
        ? { kind: 'at', atMs: r.at_ms ?? 0 }
        : { kind: 'every', everyMs: r.every_ms ?? 0, ...(r.anchor_ms !== null ? { anchorMs: r.anchor_ms } : {}) };
  const job: CronJobRecord = {
    id: r.id,
    name: r.name,
    agentId: r.agent_id,
    schedule,
    message: r.message,
    enabled: r.enabled === 1,
    deleteAfterRun: r.delete_after_run === 1,
    createdAtMs: r.created_at_ms,
    updatedAtMs: r.updated_at_ms,
  };
  if (r.description !== null) job.description = r.description;
  if (r.deliver_channel !== null && r.deliver_to !== null) job.delivery = { channel: r.deliver_channel, to: r.deliver_to, ...(r.deliver_account !== null ? { accountId: r.deliver_account } : {}) };
  if (r.next_run_at_ms !== null) job.nextRunAtMs = r.next_run_at_ms;
  if (r.last_run_at_ms !== null) job.lastRunAtMs = r.last_run_at_ms;
  if (r.last_run_status !== null) job.lastRunStatus = r.last_run_status as CronJobRecord['lastRunStatus'];
  if (r.last_error !== null) job.lastError = r.last_error;
  return job;
}

export function fromCronJob(j: CronJobRecord): CronJobRow {
  const s = j.schedule;
  return {
    id: j.id,
    name: j.name,
    description: j.description ?? null,
    agent_id: j.agentId,
    schedule_kind: s.kind,
    cron_expr: s.kind === 'cron' ? s.expr : null,
    cron_tz: s.kind === 'cron' ? (s.tz ?? null) : null,
    at_ms: s.kind === 'at' ? s.atMs : null,
    every_ms: s.kind === 'every' ? s.everyMs : null,
    anchor_ms: s.kind === 'every' ? (s.anchorMs ?? null) : null,
    message: j.message,
    deliver_channel: j.delivery?.channel ?? null,
    deliver_account: j.delivery?.accountId ?? null,
    deliver_to: j.delivery?.to ?? null,
    enabled: j.enabled ? 1 : 0,
    delete_after_run: j.deleteAfterRun ? 1 : 0,
    created_at_ms: j.createdAtMs,
    updated_at_ms: j.updatedAtMs,
    next_run_at_ms: j.nextRunAtMs ?? null,
    last_run_at_ms: j.lastRunAtMs ?? null,
    last_run_status: j.lastRunStatus ?? null,
    last_error: j.lastError ?? null,
  };
}

export interface CronRunRow {
  id: number;
  job_id: string;
  run_id: string;
  session_key: string;
  trigger: string;
  scheduled_at_ms: number;
  started_at_ms: number;
  finished_at_ms: number | null;
  status: string;
  summary: string | null;
  error: string | null;
  delivery_status: string;
}

export function toCronRun(r: CronRunRow): CronRunRecord {
  const run: CronRunRecord = {
    id: r.id,
    jobId: r.job_id,
    runId: r.run_id,
    sessionKey: r.session_key,
    trigger: r.trigger as CronRunRecord['trigger'],
    scheduledAtMs: r.scheduled_at_ms,
    startedAtMs: r.started_at_ms,
    status: r.status as CronRunRecord['status'],
    deliveryStatus: r.delivery_status as CronRunRecord['deliveryStatus'],
  };
  if (r.finished_at_ms !== null) run.finishedAtMs = r.finished_at_ms;
  if (r.summary !== null) run.summary = r.summary;
  if (r.error !== null) run.error = r.error;
  return run;
}
