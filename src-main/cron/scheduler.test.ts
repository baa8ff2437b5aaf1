import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunOutcome } from '../agents/run-tracker.js';
import { createLogger } from '../logging/index.js';
import type { IngestRequest } from '../queue/inbound-queue.js';
import type { QueuedInbound } from '../routing/inbound-pipeline.js';
import { openSqliteStore } from '../store/sqlite-store.js';
import type { CronJobRecord, Store } from '../store/types.js';
import { createCronScheduler, type CronEvent, type CronScheduler } from './scheduler.js';

const NOW = Date.parse('2026-12-06T12:00:00Z');
const HOUR = 3_600_000;

describe('cron scheduler', () => {
  let store: Store;
  let ingested: IngestRequest<QueuedInbound>[];
  let events: CronEvent[];
  const schedulers: CronScheduler[] = [];

  beforeEach(() => {
    store = openSqliteStore(':memory:');
    ingested = [];
    events = [];
  });
  afterEach(async () => {
    for (const s of schedulers.splice(0)) s.close();
    await store.close();
  });

  /** A scheduler over the shared store whose turns answer at once with the message echoed. */
  const scheduler = (o: { resolveTarget?: () => Promise<never> } = {}) => {
    const s = createCronScheduler({
      store,
      async ingest(req) {
        const r = await store.queue.enqueue({ ...req, enqueuedAtMs: NOW });
        if (!r.duplicate) ingested.push(req);
        return { id: r.id, runId: req.runId, duplicate: r.duplicate, queued: false };
      },
      async waitForRun(runId): Promise<RunOutcome> {
        const item = (await store.queue.byRunId<QueuedInbound>(runId))!;
        await store.queue.finish(item.id, 'done', NOW);
        return { runId, status: 'ok', text: `re: ${item.payload.inbound.text}`, sessionKey: item.sessionKey };
      },
      ...(o.resolveTarget ? { resolveTarget: o.resolveTarget } : {}),
      emit: (e) => events.push(e),
      log: createLogger('test/cron'),
      now: () => NOW,
    });
    schedulers.push(s);
    return s;
  };

  const job = (over: Partial<CronJobRecord>): CronJobRecord => ({
    id: 'j1',
    name: 'hourly',
    agentId: 'main',
    schedule: { kind: 'every', everyMs: HOUR },
    message: 'check the build',
    enabled: true,
    deleteAfterRun: false,
    createdAtMs: NOW - 10 * HOUR - 60_000,
    updatedAtMs: NOW - 10 * HOUR,
    ...over,
  });

  it('runs an occurrence missed while no gateway ran once, then schedules the next one after now', async () => {
    await store.cron.put(job({ nextRunAtMs: NOW - 9 * HOUR }));
    const s = scheduler();
    s.start();
    await s.idle();
    expect(ingested).toHaveLength(1);
    expect(ingested[0]).toMatchObject({ dedupeKey: `cron:j1:${NOW - 9 * HOUR}`, sessionKey: 'agent:main:cron:j1', agentId: 'main', payload: { origin: 'agent', inbound: { text: 'check the build' } } });
    const { runs } = await store.cron.runs({ jobId: 'j1', limit: 10 });
    expect(runs).toMatchObject([{ status: 'ok', summary: 're: check the build', trigger: 'schedule', deliveryStatus: 'not-requested' }]);
    const after = (await store.cron.get('j1'))!;
    expect(after.nextRunAtMs).toBe(NOW + HOUR - 60_000);
    expect(after).toMatchObject({ lastRunStatus: 'ok', lastRunAtMs: NOW });
    expect(events.map((e) => e.action)).toEqual(['started', 'finished']);
    expect(s.nextWakeAtMs()).toBe(NOW + HOUR - 60_000);
  });

  it('two gateways reaching the same occurrence run it once', async () => {
    await store.cron.put(job({ nextRunAtMs: NOW - 1000 }));
    const a = scheduler();
    const b = scheduler();
    a.start();
    b.start();
    await Promise.all([a.idle(), b.idle()]);
    expect(ingested).toHaveLength(1);
    expect((await store.cron.runs({ jobId: 'j1', limit: 10 })).total).toBe(1);
  });

  it('runs the turn when the target cannot take the reply, and records why it was not delivered', async () => {
    await store.cron.put(job({ nextRunAtMs: NOW - 1000, delivery: { channel: 'telegram', to: '42' } }));
    const s = scheduler({ resolveTarget: () => Promise.reject(new Error('channel telegram is not configured')) });
    s.start();
    await s.idle();
    expect(ingested[0]!.payload.deliverTo).toBeUndefined();
    const [run] = (await store.cron.runs({ jobId: 'j1', limit: 1 })).runs;
    expect(run).toMatchObject({ status: 'ok', deliveryStatus: 'not-delivered', error: 'the reply was not delivered: channel telegram is not configured' });
    expect((await store.cron.get('j1'))!.lastError).toContain('not delivered');
  });

  it('leaves disabled jobs and jobs not yet due alone; a one-time job runs once and may go afterwards', async () => {
    await store.cron.put(job({ id: 'off', enabled: false, nextRunAtMs: NOW - 1000 }));
    await store.cron.put(job({ id: 'later', nextRunAtMs: NOW + 1000 }));
    await store.cron.put(job({ id: 'once', schedule: { kind: 'at', atMs: NOW - 5 }, nextRunAtMs: NOW - 5, deleteAfterRun: true }));
    const s = scheduler();
    s.start();
    await s.idle();
    expect(ingested.map((r) => r.sessionKey)).toEqual(['agent:main:cron:once']);
    expect(await store.cron.get('once')).toBeUndefined();
    expect(events.map((e) => `${e.jobId}:${e.action}`)).toEqual(['once:started', 'once:finished', 'once:removed']);
  });

  it('skips an occurrence while the previous run of the job is still going, and says so', async () => {
    await store.cron.put(job({ nextRunAtMs: NOW - 1000 }));
    await store.cron.startRun({ jobId: 'j1', runId: 'cron:j1:1', sessionKey: 'agent:main:cron:j1', trigger: 'schedule', scheduledAtMs: 1, startedAtMs: NOW - 2 * HOUR, deliveryStatus: 'not-requested' });
    const s = scheduler();
    s.start();
    await s.idle();
    expect(ingested).toEqual([]);
    expect(await store.cron.getRun(`cron:j1:${NOW - 1000}`)).toMatchObject({ status: 'skipped', error: expect.stringContaining('was still going') });
    expect((await store.cron.get('j1'))!.nextRunAtMs).toBeGreaterThan(NOW);
  });

  it('after a restart, queues again an occurrence recorded but never queued, and records its end', async () => {
    await store.cron.put(job({ nextRunAtMs: NOW + HOUR }));
    await store.cron.startRun({ jobId: 'j1', runId: 'cron:j1:100', sessionKey: 'agent:main:cron:j1', trigger: 'schedule', scheduledAtMs: 100, startedAtMs: NOW - 1000, deliveryStatus: 'not-requested' });
    const s = scheduler();
    await s.recover();
    await s.idle();
    expect(ingested.map((r) => r.runId)).toEqual(['cron:j1:100']);
    expect(await store.cron.getRun('cron:j1:100')).toMatchObject({ status: 'ok', summary: 're: check the build' });
  });
});
