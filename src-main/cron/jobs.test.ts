import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../store/sqlite-store.js';
import type { CronJobRecord, Store } from '../store/types.js';
import { createCronJobs, type CronJobs } from './jobs.js';
import type { CronEvent } from './scheduler.js';

const NOW = Date.parse('2026-12-06T12:00:00Z');
const MIN = 60_000;

describe('cron jobs: the rules for adding, changing and running', () => {
  let store: Store;
  let jobs: CronJobs;
  let events: CronEvent[];
  let ran: string[];
  let checked: string[];

  beforeEach(() => {
    store = openSqliteStore(':memory:');
    events = [];
    ran = [];
    checked = [];
    jobs = createCronJobs({
      store,
      scheduler: { poke: () => undefined, runNow: async (job: CronJobRecord) => (ran.push(job.id), { runId: `r-${job.id}`, sessionKey: `agent:${job.agentId}:cron:${job.id}` }) },
      defaultAgentId: () => 'main',
      agentIds: () => ['main', 'work'],
      checkTarget: async (d) => {
        if (d.to === 'blocked') throw new Error('not allowed by the channel access policy');
        checked.push(`${d.channel}:${d.to}`);
      },
      emit: (e) => events.push(e),
      now: () => NOW,
    });
  });
  afterEach(() => store.close());

  const add = (over: Record<string, unknown> = {}) => jobs.add({ name: 'j', schedule: { kind: 'every', everyMs: 30 * MIN }, payload: { kind: 'agentTurn', message: 'hi' }, ...over } as Parameters<CronJobs['add']>[0]);

  it('adds a job for the default agent with its first run, checks the target, and says so', async () => {
    const job = await add({ delivery: { mode: 'announce', channel: 'telegram', to: '42' } });
    expect(job).toMatchObject({ agentId: 'main', enabled: true, nextRunAtMs: NOW + 30 * MIN, delivery: { channel: 'telegram', to: '42' } });
    expect(checked).toEqual(['telegram:42']);
    expect(events).toEqual([{ jobId: job.id, action: 'added', nextRunAtMs: NOW + 30 * MIN }]);
    expect(await add({ enabled: false })).not.toHaveProperty('nextRunAtMs');
  });

  it('refuses what it cannot do, naming the problem, and stores nothing', async () => {
    await expect(add({ agentId: 'nobody' })).rejects.toThrow('unknown agent "nobody" (configured: main, work)');
    await expect(add({ sessionTarget: 'main' })).rejects.toThrow(/sessionTarget "main" is not supported/);
    await expect(add({ wakeMode: 'next-heartbeat' })).rejects.toThrow(/wakeMode "next-heartbeat" is not supported/);
    await expect(add({ delivery: { mode: 'announce', channel: 'telegram' } })).rejects.toThrow(/needs a target/);
    await expect(add({ delivery: { mode: 'announce', channel: 'telegram', to: 'blocked' } })).rejects.toThrow(/access policy/);
    await expect(add({ schedule: { kind: 'cron', expr: 'nope' } })).rejects.toThrow(/invalid cron expression/);
    expect(await store.cron.list()).toEqual([]);
  });

  it('a new schedule counts from now; disabling clears the next run and enabling sets it again', async () => {
    const job = await add({ delivery: { mode: 'announce' } });
    expect(job.delivery).toEqual({ channel: 'last', to: '' });
    const changed = await jobs.update(job.id, { schedule: { kind: 'cron', expr: '0 9 * * *', tz: 'Europe/Berlin' }, payload: { kind: 'agentTurn', message: 'new' }, delivery: { mode: 'none' } });
    expect(changed).toMatchObject({ message: 'new', nextRunAtMs: Date.parse('2026-12-07T08:00:00Z'), schedule: { kind: 'cron' } });
    expect(changed).not.toHaveProperty('delivery');
    expect(await jobs.update(job.id, { enabled: false })).not.toHaveProperty('nextRunAtMs');
    expect((await jobs.update(job.id, { enabled: true })).nextRunAtMs).toBe(Date.parse('2026-12-07T08:00:00Z'));
    expect((await jobs.update(job.id, { schedule: { kind: 'every', everyMs: 10 * MIN } })).schedule).toEqual({ kind: 'every', everyMs: 10 * MIN, anchorMs: NOW });
    await expect(jobs.update('gone', { enabled: true })).rejects.toThrow('no scheduled job "gone"');
  });

  it('runs now when forced; `if-enabled` and `due` say why they did not', async () => {
    const job = await add({ enabled: false });
    expect(await jobs.run(job.id, 'if-enabled')).toEqual({ ran: false, reason: 'disabled' });
    expect(await jobs.run(job.id, 'force')).toMatchObject({ ran: true, runId: `r-${job.id}` });
    await jobs.update(job.id, { enabled: true });
    expect(await jobs.run(job.id, 'due')).toEqual({ ran: false, reason: 'not-due' });
    expect(ran).toEqual([job.id]);
    await jobs.remove(job.id);
    await expect(jobs.remove(job.id)).rejects.toThrow(/no scheduled job/);
  });
});
