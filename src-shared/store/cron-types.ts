/** Scheduled jobs and their runs, as the store keeps them. */

/** When a scheduled job runs: a cron expression in a time zone, one time, or a fixed interval. */
export type CronScheduleRecord =
  | { kind: 'cron'; expr: string; tz?: string }
  | { kind: 'at'; atMs: number }
  | { kind: 'every'; everyMs: number; anchorMs?: number };

/** Where a job's reply goes: a chat on a channel account. */
export interface CronDeliveryRecord {
  channel: string;
  accountId?: string;
  /** The platform's chat id (a Telegram chat id, `channel:123` on Discord, …). */
  to: string;
}

/** A scheduled job: an agent turn with `message`, on `schedule`, its reply optionally delivered. */
export interface CronJobRecord {
  id: string;
  name: string;
  description?: string;
  agentId: string;
  schedule: CronScheduleRecord;
  message: string;
  delivery?: CronDeliveryRecord;
  enabled: boolean;
  /** One-time jobs may go once they ran. */
  deleteAfterRun: boolean;
  createdAtMs: number;
  updatedAtMs: number;
  /** The next occurrence; absent when there is none (disabled, or a one-time job that ran). */
  nextRunAtMs?: number;
  lastRunAtMs?: number;
  lastRunStatus?: CronRunStatus;
  lastError?: string;
}

export type CronRunStatus = 'running' | 'ok' | 'error' | 'skipped';
export type CronDeliveryStatus = 'delivered' | 'not-delivered' | 'not-requested' | 'unknown';

/** One occurrence of a job: the agent turn it queued and how it ended. */
export interface CronRunRecord {
  id: number;
  jobId: string;
  /** The queue's run id (and dedupe key) of the turn. */
  runId: string;
  sessionKey: string;
  trigger: 'schedule' | 'manual';
  scheduledAtMs: number;
  startedAtMs: number;
  finishedAtMs?: number;
  status: CronRunStatus;
  /** The start of the reply. */
  summary?: string;
  error?: string;
  deliveryStatus: CronDeliveryStatus;
}

export type NewCronRun = Omit<CronRunRecord, 'id' | 'finishedAtMs' | 'summary' | 'error' | 'status'>;

/** Scheduled jobs and their run history. */
export interface CronRepo {
  /** Every job, by next run (jobs without one last), then name. */
  list(): Promise<CronJobRecord[]>;
  get(id: string): Promise<CronJobRecord | undefined>;
  /** Inserts or replaces the whole job. */
  put(job: CronJobRecord): Promise<void>;
  /** Removes the job and its run history; false when it did not exist. */
  remove(id: string): Promise<boolean>;
  /** Records an occurrence as running; false when this run id is recorded already (another gateway, or before a restart). */
  startRun(run: NewCronRun): Promise<boolean>;
  /** Records how a running occurrence ended; false when it was not running. */
  finishRun(runId: string, end: { status: Exclude<CronRunStatus, 'running'>; finishedAtMs: number; summary?: string; error?: string; deliveryStatus?: CronDeliveryStatus }): Promise<boolean>;
  getRun(runId: string): Promise<CronRunRecord | undefined>;
  /** Runs of one job (or all), newest first unless `sortDir` is `asc`. */
  runs(q: { jobId?: string; statuses?: CronRunStatus[]; limit: number; offset?: number; sortDir?: 'asc' | 'desc' }): Promise<{ runs: CronRunRecord[]; total: number }>;
  /** Occurrences still running (after a restart: waiting for their turn to finish). */
  openRuns(): Promise<CronRunRecord[]>;
}
