import { randomUUID } from 'node:crypto';
import { normalizeAgentId } from '../../src-shared/domain/agent-id.js';
import type { MethodParams } from '../../src-shared/protocol/index.js';
import type { CronDeliveryRecord, CronJobRecord, Store } from '../store/types.js';
import { CronJobNotFoundError, CronRequestError } from './errors.js';
import { firstOccurrence, parseSchedule } from './schedule.js';
import { LAST_CHAT, type CronEvent, type CronScheduler } from './scheduler.js';

type AddParams = MethodParams<'cron.add'>;
type Patch = Extract<MethodParams<'cron.update'>, { id: string }>['patch'];
type WireDelivery = NonNullable<AddParams['delivery']>;

export interface CronJobsDeps {
  store: Store;
  scheduler: Pick<CronScheduler, 'poke' | 'runNow'>;
  defaultAgentId(): string;
  /** Configured agent ids. */
  agentIds(): string[];
  /** Checks a delivery target against the channels (configured account, access policy); absent without channels. */
  checkTarget?(d: CronDeliveryRecord): Promise<unknown>;
  emit(e: CronEvent): void;
  now?(): number;
}

/** Adding, changing, removing and running jobs: every request is checked before anything is stored. */
export interface CronJobs {
  get(id: string): Promise<CronJobRecord>;
  add(p: AddParams): Promise<CronJobRecord>;
  update(id: string, patch: Patch): Promise<CronJobRecord>;
  remove(id: string): Promise<void>;
  run(id: string, mode: 'due' | 'force' | 'if-enabled'): Promise<{ ran: true; runId: string; sessionKey: string } | { ran: false; reason: 'not-due' | 'disabled' }>;
}

function checkSessionOptions(p: { sessionTarget?: string; wakeMode?: string }): void {
  if (p.sessionTarget !== undefined && p.sessionTarget !== 'isolated') {
    throw new CronRequestError(`sessionTarget "${p.sessionTarget}" is not supported: a job runs in a session of its own ("isolated")`);
  }
  if (p.wakeMode !== undefined && p.wakeMode !== 'now') throw new CronRequestError(`wakeMode "${p.wakeMode}" is not supported: a job runs when due ("now")`);
}

function deliveryOf(d: WireDelivery | undefined): CronDeliveryRecord | undefined {
  if (!d || d.mode === 'none') return undefined;
  // No channel, or `last`: the chat the agent was last written to from (resolved at each run).
  if (!d.channel || d.channel === LAST_CHAT) return { channel: LAST_CHAT, to: '' };
  if (!d.to) throw new CronRequestError(`delivery to ${d.channel} needs a target ("to"), e.g. channel "telegram", to "123456789"`);
  return { channel: d.channel, to: d.to, ...(d.accountId ? { accountId: d.accountId } : {}) };
}

export function createCronJobs(deps: CronJobsDeps): CronJobs {
  const now = deps.now ?? Date.now;

  const agentOf = (requested: string | null | undefined): string => {
    if (!requested) return deps.defaultAgentId();
    const id = normalizeAgentId(requested);
    if (!deps.agentIds().includes(id)) throw new CronRequestError(`unknown agent "${requested}" (configured: ${deps.agentIds().join(', ')})`);
    return id;
  };

  const get = async (id: string) => {
    const job = await deps.store.cron.get(id);
    if (!job) throw new CronJobNotFoundError(id);
    return job;
  };

  const save = async (job: CronJobRecord, action: 'added' | 'updated') => {
    if (job.delivery && job.delivery.channel !== LAST_CHAT) await deps.checkTarget?.(job.delivery);
    await deps.store.cron.put(job);
    deps.emit({ jobId: job.id, action, ...(job.nextRunAtMs !== undefined ? { nextRunAtMs: job.nextRunAtMs } : {}) });
    deps.scheduler.poke();
    return job;
  };

  return {
    get,
    async add(p) {
      checkSessionOptions(p);
      const t = now();
      const schedule = parseSchedule(p.schedule, t);
      const enabled = p.enabled ?? true;
      const delivery = deliveryOf(p.delivery);
      const job: CronJobRecord = {
        id: randomUUID(),
        name: p.name.trim(),
        agentId: agentOf(p.agentId),
        schedule,
        message: p.payload.message,
        enabled,
        deleteAfterRun: p.deleteAfterRun ?? false,
        createdAtMs: t,
        updatedAtMs: t,
        ...(p.description ? { description: p.description } : {}),
        ...(delivery ? { delivery } : {}),
      };
      const next = enabled ? firstOccurrence(schedule, t, t) : undefined;
      if (next !== undefined) job.nextRunAtMs = next;
      return save(job, 'added');
    },
    async update(id, patch) {
      checkSessionOptions(patch);
      const job = { ...(await get(id)) };
      const t = now();
      if (patch.name !== undefined) job.name = patch.name.trim();
      if (patch.description !== undefined) job.description = patch.description;
      if (patch.agentId !== undefined) job.agentId = agentOf(patch.agentId);
      if (patch.deleteAfterRun !== undefined) job.deleteAfterRun = patch.deleteAfterRun;
      if (patch.payload?.message !== undefined) job.message = patch.payload.message;
      if (patch.delivery !== undefined) {
        const d = patch.delivery;
        const merged: WireDelivery = {
          mode: d.mode ?? (job.delivery ? 'announce' : 'none'),
          ...(d.channel !== null && (d.channel ?? job.delivery?.channel) ? { channel: (d.channel ?? job.delivery?.channel)! } : {}),
          ...(d.accountId !== null && (d.accountId ?? job.delivery?.accountId) ? { accountId: (d.accountId ?? job.delivery?.accountId)! } : {}),
          ...(d.to !== null && (d.to ?? job.delivery?.to) ? { to: (d.to ?? job.delivery?.to)! } : {}),
        };
        const delivery = deliveryOf(merged);
        if (delivery) job.delivery = delivery;
        else delete job.delivery;
      }
      const rescheduled = patch.schedule !== undefined || (patch.enabled === true && !job.enabled);
      if (patch.schedule !== undefined) {
        const schedule = parseSchedule(patch.schedule, t);
        // A new interval counts from now, not from when the job was first added.
        job.schedule = schedule.kind === 'every' && schedule.anchorMs === undefined ? { ...schedule, anchorMs: t } : schedule;
      }
      if (patch.enabled !== undefined) job.enabled = patch.enabled;
      if (!job.enabled) delete job.nextRunAtMs;
      else if (rescheduled) {
        const next = firstOccurrence(job.schedule, t, job.createdAtMs);
        if (next === undefined) delete job.nextRunAtMs;
        else job.nextRunAtMs = next;
      }
      job.updatedAtMs = t;
      return save(job, 'updated');
    },
    async remove(id) {
      if (!(await deps.store.cron.remove(id))) throw new CronJobNotFoundError(id);
      deps.emit({ jobId: id, action: 'removed' });
      deps.scheduler.poke();
    },
    async run(id, mode) {
      const job = await get(id);
      if (mode !== 'force' && !job.enabled) return { ran: false, reason: 'disabled' };
      if (mode === 'due' && (job.nextRunAtMs === undefined || job.nextRunAtMs > now())) return { ran: false, reason: 'not-due' };
      return { ran: true, ...(await deps.scheduler.runNow(job)) };
    },
  };
}
