import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { OperatorScopes } from '../scopes.js';
import { defineMethod } from './define.js';

/**
 * Scheduled jobs ("Automations"): an agent turn on a cron schedule, at a time or at an interval, its reply
 * optionally delivered to a chat. The shapes are the reference gateway's (`cron.*`), limited to what this
 * gateway does: agent turns in a session of the job's own, announced to a channel target or not at all.
 */

const NonEmpty = Type.String({ minLength: 1 });
const Ms = Type.Integer({ minimum: 0 });
const closed = <T extends Record<string, TSchema>>(props: T) => Type.Object(props, { additionalProperties: false });

/** When a job runs: a cron expression (5 to 7 fields) in a time zone, one time (`at`, ISO 8601), or every `everyMs`. */
export const CronScheduleSchema = Type.Union([
  closed({ kind: Type.Literal('at'), at: NonEmpty }),
  closed({ kind: Type.Literal('every'), everyMs: Type.Integer({ minimum: 1 }), anchorMs: Type.Optional(Ms) }),
  closed({ kind: Type.Literal('cron'), expr: NonEmpty, tz: Type.Optional(Type.String()) }),
]);

/** The turn a job runs: `message` to the job's agent. */
export const CronPayloadSchema = closed({ kind: Type.Literal('agentTurn'), message: NonEmpty });

/** Where the reply goes: nowhere (`none`, the transcript keeps it), or to a chat (`announce` with channel and `to`). */
export const CronDeliverySchema = closed({
  mode: Type.Union([Type.Literal('none'), Type.Literal('announce')]),
  channel: Type.Optional(NonEmpty),
  accountId: Type.Optional(NonEmpty),
  to: Type.Optional(NonEmpty),
});

const RunStatus = Type.Union([Type.Literal('ok'), Type.Literal('error'), Type.Literal('skipped')]);
const DeliveryStatus = Type.Union([Type.Literal('delivered'), Type.Literal('not-delivered'), Type.Literal('unknown'), Type.Literal('not-requested')]);
const SessionTarget = Type.Union([Type.Literal('main'), Type.Literal('isolated'), Type.Literal('current'), Type.String({ pattern: '^session:.+' })]);
const WakeMode = Type.Union([Type.Literal('next-heartbeat'), Type.Literal('now')]);

/** A job as clients see it. */
export const CronJobSchema = Type.Object({
  id: NonEmpty,
  name: NonEmpty,
  description: Type.Optional(Type.String()),
  agentId: NonEmpty,
  /** The session its turns run in: `agent:<agentId>:cron:<id>`. */
  sessionKey: NonEmpty,
  enabled: Type.Boolean(),
  deleteAfterRun: Type.Optional(Type.Boolean()),
  createdAtMs: Ms,
  updatedAtMs: Ms,
  schedule: CronScheduleSchema,
  sessionTarget: Type.Literal('isolated'),
  wakeMode: Type.Literal('now'),
  payload: CronPayloadSchema,
  delivery: Type.Optional(CronDeliverySchema),
  state: Type.Object({
    nextRunAtMs: Type.Optional(Ms),
    runningAtMs: Type.Optional(Ms),
    lastRunAtMs: Type.Optional(Ms),
    lastRunStatus: Type.Optional(RunStatus),
    lastError: Type.Optional(Type.String()),
  }),
  nextRunAtMs: Type.Optional(Ms),
  lastRunAtMs: Type.Optional(Ms),
  lastRunStatus: Type.Optional(RunStatus),
  lastRunError: Type.Optional(Type.String()),
});

/** A `cron.list` row that is a whole job (every row, unless `compact` was asked for). */
export function isWholeCronJob(row: Static<typeof CronJobSchema> | Static<typeof CronCompactJobSchema>): row is Static<typeof CronJobSchema> {
  return 'sessionKey' in row;
}

/** A job as `cron.list` with `compact: true` shows it: what a long list needs, absent times as null. */
export const CronCompactJobSchema = Type.Object({
  id: NonEmpty,
  name: NonEmpty,
  agentId: NonEmpty,
  enabled: Type.Boolean(),
  updatedAtMs: Ms,
  scheduleKind: Type.Union([Type.Literal('at'), Type.Literal('every'), Type.Literal('cron')]),
  schedule: CronScheduleSchema,
  nextRunAt: Type.Union([Type.String(), Type.Null()]),
  nextRunAtMs: Type.Union([Ms, Type.Null()]),
  lastRunAt: Type.Union([Type.String(), Type.Null()]),
  lastRunAtMs: Type.Union([Ms, Type.Null()]),
  lastRunStatus: Type.Union([RunStatus, Type.Null()]),
  lastRunError: Type.Union([Type.String(), Type.Null()]),
  runningAtMs: Type.Optional(Ms),
});

/** One finished run of a job. */
export const CronRunEntrySchema = Type.Object({
  /** When it finished. */
  ts: Ms,
  jobId: NonEmpty,
  jobName: Type.Optional(Type.String()),
  action: Type.Literal('finished'),
  status: Type.Optional(RunStatus),
  error: Type.Optional(Type.String()),
  /** The start of the reply. */
  summary: Type.Optional(Type.String()),
  delivered: Type.Optional(Type.Boolean()),
  deliveryStatus: Type.Optional(DeliveryStatus),
  sessionKey: Type.Optional(NonEmpty),
  runId: Type.Optional(NonEmpty),
  /** When it started, and why: `schedule` or `manual` (`cron.run`). */
  runAtMs: Type.Optional(Ms),
  trigger: Type.Optional(Type.Union([Type.Literal('schedule'), Type.Literal('manual')])),
  durationMs: Type.Optional(Ms),
});

const Page = { total: Type.Integer(), offset: Type.Integer(), limit: Type.Integer(), hasMore: Type.Boolean(), nextOffset: Type.Union([Type.Integer(), Type.Null()]) };
const JobRef = Type.Union([closed({ id: NonEmpty }), closed({ jobId: NonEmpty })]);
const jobRefWith = <T extends Record<string, TSchema>>(extra: T) => Type.Union([closed({ id: NonEmpty, ...extra }), closed({ jobId: NonEmpty, ...extra })]);

export const cronListMethod = defineMethod({
  description: 'Scheduled jobs, by next run (or as sorted), a page at a time.',
  scope: OperatorScopes.READ,
  params: closed({
    includeDisabled: Type.Optional(Type.Boolean()),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })),
    offset: Type.Optional(Type.Integer({ minimum: 0 })),
    /** Words in the name, description or message. */
    query: Type.Optional(Type.String()),
    enabled: Type.Optional(Type.Union([Type.Literal('all'), Type.Literal('enabled'), Type.Literal('disabled')])),
    scheduleKind: Type.Optional(Type.Union([Type.Literal('all'), Type.Literal('at'), Type.Literal('every'), Type.Literal('cron'), Type.Literal('on-exit'), Type.Literal('stream')])),
    lastRunStatus: Type.Optional(Type.Union([Type.Literal('all'), RunStatus, Type.Literal('unknown')])),
    /** No job here has a trigger script: `conditional` lists none. */
    trigger: Type.Optional(Type.Union([Type.Literal('all'), Type.Literal('conditional'), Type.Literal('unconditional')])),
    sortBy: Type.Optional(Type.Union([Type.Literal('nextRunAtMs'), Type.Literal('updatedAtMs'), Type.Literal('name')])),
    sortDir: Type.Optional(Type.Union([Type.Literal('asc'), Type.Literal('desc')])),
    agentId: Type.Optional(NonEmpty),
    sessionKey: Type.Optional(NonEmpty),
    sessionAgentId: Type.Optional(NonEmpty),
    /** Rows in the compact shape ({@link CronCompactJobSchema}). */
    compact: Type.Optional(Type.Boolean()),
    /** Accepted for the reference clients; no previews are computed. */
    includeDeliveryPreviews: Type.Optional(Type.Boolean()),
  }),
  result: Type.Object({
    /** Whole jobs, or compact rows when `compact` is true. */
    jobs: Type.Array(Type.Union([CronJobSchema, CronCompactJobSchema])),
    ...Page,
    /** Changes whenever a job is added, changed or removed: pages with the same revision belong together. */
    snapshotRevision: Type.String(),
  }),
});

export const cronGetMethod = defineMethod({
  description: 'One scheduled job.',
  scope: OperatorScopes.READ,
  params: JobRef,
  result: CronJobSchema,
});

export const cronStatusMethod = defineMethod({
  description: 'The scheduler: whether this gateway runs it, how many jobs, when it wakes next.',
  scope: OperatorScopes.READ,
  params: closed({}),
  result: Type.Object({
    /** Scheduled jobs are a feature of this gateway (always true). */
    enabled: Type.Boolean(),
    /** `running` here, or `standby` where another gateway sharing the database runs the scheduler. */
    scheduler: Type.Union([Type.Literal('running'), Type.Literal('standby')]),
    storage: Type.String(),
    storePath: Type.String(),
    jobs: Type.Integer(),
    enabledJobs: Type.Integer(),
    nextWakeAtMs: Type.Union([Ms, Type.Null()]),
  }),
});

export const cronRunsMethod = defineMethod({
  description: 'Finished runs of one job (or of all), newest first: status, the start of the reply, delivery, errors.',
  scope: OperatorScopes.READ,
  params: closed({
    scope: Type.Optional(Type.Union([Type.Literal('job'), Type.Literal('all')])),
    id: Type.Optional(NonEmpty),
    jobId: Type.Optional(NonEmpty),
    agentId: Type.Optional(NonEmpty),
    runId: Type.Optional(NonEmpty),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })),
    offset: Type.Optional(Type.Integer({ minimum: 0 })),
    statuses: Type.Optional(Type.Array(RunStatus, { minItems: 1, maxItems: 3 })),
    status: Type.Optional(Type.Union([Type.Literal('all'), RunStatus])),
    deliveryStatuses: Type.Optional(Type.Array(DeliveryStatus, { minItems: 1, maxItems: 4 })),
    deliveryStatus: Type.Optional(DeliveryStatus),
    query: Type.Optional(Type.String()),
    sortDir: Type.Optional(Type.Union([Type.Literal('asc'), Type.Literal('desc')])),
  }),
  result: Type.Object({ entries: Type.Array(CronRunEntrySchema), ...Page }),
});

const addParams = closed({
  name: NonEmpty,
  description: Type.Optional(Type.String()),
  /** Default: the default agent. */
  agentId: Type.Optional(Type.Union([NonEmpty, Type.Null()])),
  enabled: Type.Optional(Type.Boolean()),
  /** A one-time (`at`) job is removed once it ran. */
  deleteAfterRun: Type.Optional(Type.Boolean()),
  schedule: CronScheduleSchema,
  /** Only `isolated` (a session of the job's own) is supported; default `isolated`. */
  sessionTarget: Type.Optional(SessionTarget),
  /** Only `now` is supported; default `now`. */
  wakeMode: Type.Optional(WakeMode),
  payload: CronPayloadSchema,
  delivery: Type.Optional(CronDeliverySchema),
});

export const cronAddMethod = defineMethod({
  description: 'Adds a scheduled job; a schedule or target that cannot work is refused with the reason.',
  scope: OperatorScopes.WRITE,
  params: addParams,
  result: CronJobSchema,
});

export const cronUpdateMethod = defineMethod({
  description: 'Changes a job (fields given in `patch`); the next run is computed again when the schedule changes.',
  scope: OperatorScopes.WRITE,
  params: jobRefWith({
    patch: closed({
      name: Type.Optional(NonEmpty),
      description: Type.Optional(Type.String()),
      agentId: Type.Optional(Type.Union([NonEmpty, Type.Null()])),
      enabled: Type.Optional(Type.Boolean()),
      deleteAfterRun: Type.Optional(Type.Boolean()),
      schedule: Type.Optional(CronScheduleSchema),
      sessionTarget: Type.Optional(SessionTarget),
      wakeMode: Type.Optional(WakeMode),
      payload: Type.Optional(closed({ kind: Type.Literal('agentTurn'), message: Type.Optional(NonEmpty) })),
      delivery: Type.Optional(
        closed({
          mode: Type.Optional(Type.Union([Type.Literal('none'), Type.Literal('announce')])),
          channel: Type.Optional(Type.Union([NonEmpty, Type.Null()])),
          accountId: Type.Optional(Type.Union([NonEmpty, Type.Null()])),
          to: Type.Optional(Type.Union([NonEmpty, Type.Null()])),
        }),
      ),
    }),
  }),
  result: CronJobSchema,
});

export const cronRemoveMethod = defineMethod({
  description: 'Removes a job and its run history.',
  scope: OperatorScopes.WRITE,
  params: JobRef,
  result: Type.Object({ ok: Type.Literal(true), removed: Type.Literal(true) }),
});

export const cronRunMethod = defineMethod({
  description: 'Runs a job now (`force`, the default), only if enabled (`if-enabled`), or only if it is due (`due`).',
  scope: OperatorScopes.WRITE,
  params: jobRefWith({
    mode: Type.Optional(Type.Union([Type.Literal('due'), Type.Literal('force'), Type.Literal('if-enabled')])),
  }),
  result: Type.Union([
    Type.Object({ ok: Type.Literal(true), enqueued: Type.Literal(true), runId: NonEmpty, sessionKey: NonEmpty }),
    Type.Object({ ok: Type.Literal(true), ran: Type.Literal(false), reason: Type.Union([Type.Literal('not-due'), Type.Literal('disabled')]) }),
  ]),
});
