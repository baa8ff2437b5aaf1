import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../logging/index.js';
import { openSqliteStore } from '../store/sqlite-store.js';
import type { QueueItem, Store } from '../store/types.js';
import { InboundQueue, type ActiveRun, type QueueMode } from './inbound-queue.js';

let store: Store;
beforeEach(() => {
  store = openSqliteStore(':memory:');
});
afterEach(() => store.close());

const log = createLogger('test/queue');
let n = 0;
const req = (sessionKey: string, text: string, queueMode?: QueueMode) => ({
  dedupeKey: `test:${++n}`,
  sessionKey,
  agentId: 'main',
  runId: `run-${n}`,
  payload: { text, ...(queueMode ? { queueMode } : {}) },
});

/** A processor whose turns finish when the test says so. */
function controllable() {
  const started: { batch: QueueItem[]; run: ActiveRun; finish: () => void }[] = [];
  const waiters: (() => void)[] = [];
  const processor = (batch: QueueItem[], run: ActiveRun) =>
    new Promise<void>((resolve) => {
      const finish = () => {
        void Promise.all(batch.map((i) => store.queue.finish(i.id, 'done', Date.now()))).then(() => resolve());
      };
      run.signal.addEventListener('abort', finish);
      started.push({ batch, run, finish });
      waiters.splice(0).forEach((w) => w());
    });
  const nextStart = (count: number) =>
    new Promise<void>((resolve) => {
      const check = () => (started.length >= count ? resolve() : waiters.push(check));
      check();
    });
  return { started, processor, nextStart };
}

describe('InboundQueue', () => {
  it('reports its lanes: turns against the limit, sessions waiting for a slot, messages waiting per session', async () => {
    const c = controllable();
    const q = new InboundQueue(store, c.processor, log, 1);
    await q.start();
    expect(q.lanes()).toEqual({ maxConcurrent: 1, running: 0, waitingForSlot: 0, draining: false, sessions: { lanes: 0, running: 0, queued: 0, queuedLanes: 0 } });
    await q.ingest(req('a', 'a1'));
    await q.ingest(req('a', 'a2'));
    await q.ingest(req('b', 'b1'));
    await c.nextStart(1);
    expect(q.lanes()).toEqual({ maxConcurrent: 1, running: 1, waitingForSlot: 1, draining: false, sessions: { lanes: 2, running: 1, queued: 2, queuedLanes: 2 } });
    c.started[0]!.finish();
    await c.nextStart(2);
    c.started[1]!.finish();
    await c.nextStart(3);
    c.started[2]!.finish();
    await q.idle();
    expect(q.lanes().sessions).toEqual({ lanes: 0, running: 0, queued: 0, queuedLanes: 0 });
    await q.stop();
    expect(q.lanes().draining).toBe(true);
  });

  it('runs one turn at a time per session and sessions in parallel', async () => {
    const c = controllable();
    const q = new InboundQueue(store, c.processor, log);
    await q.start();
    expect(await q.ingest(req('a', 'a1'))).toMatchObject({ queued: false });
    expect(await q.ingest(req('a', 'a2'))).toMatchObject({ queued: true });
    await q.ingest(req('b', 'b1'));
    await c.nextStart(2);
    expect(c.started.map((s) => (s.batch[0]!.payload as { text: string }).text)).toEqual(['a1', 'b1']);
    c.started[0]!.finish();
    await c.nextStart(3);
    expect((c.started[2]!.batch[0]!.payload as { text: string }).text).toBe('a2');
    c.started[1]!.finish();
    c.started[2]!.finish();
    await q.idle();
    expect(await store.queue.counts()).toMatchObject({ done: 3, pending: 0, running: 0 });
  });

  it('does not run a duplicate (same platform message id) twice', async () => {
    const c = controllable();
    const q = new InboundQueue(store, c.processor, log);
    await q.start();
    const r = req('a', 'x');
    const first = await q.ingest(r);
    expect(await q.ingest({ ...r, runId: 'other' })).toEqual({ id: first.id, runId: r.runId, duplicate: true, queued: false });
    await c.nextStart(1);
    c.started[0]!.finish();
    await q.idle();
    expect(c.started).toHaveLength(1);
  });

  it('collect gathers waiting messages into one turn; steer hands them to the running turn; interrupt aborts it', async () => {
    const c = controllable();
    const q = new InboundQueue(store, c.processor, log);
    await q.start();
    await q.ingest(req('s', 'first'));
    await c.nextStart(1);
    await q.ingest(req('s', 'c1', 'collect'));
    await q.ingest(req('s', 'c2', 'collect'));
    await q.ingest(req('s', 'steer me', 'steer'));
    expect(c.started[0]!.run.takeSteer().map((i) => (i.payload as { text: string }).text)).toEqual(['steer me']);
    c.started[0]!.finish();
    await c.nextStart(2);
    expect(c.started[1]!.batch.map((i) => (i.payload as { text: string }).text)).toEqual(['c1', 'c2']);
    await q.ingest(req('s', 'now!', 'interrupt'));
    await c.nextStart(3);
    expect(c.started[1]!.run.signal.aborted).toBe(true);
    expect((c.started[2]!.batch[0]!.payload as { text: string }).text).toBe('now!');
    c.started[2]!.finish();
    await q.idle();
  });

  it('resumes after a restart: items that were running or pending when the process died run again', async () => {
    const first = new InboundQueue(store, () => new Promise(() => undefined), log);
    await first.start();
    await first.ingest(req('a', 'was running'));
    await first.ingest(req('a', 'was pending'));
    // "Crash": the first queue is abandoned mid-turn; a new one starts on the same store.
    await store.queue.markRunning((await store.queue.open(10))[0]!.id, Date.now());
    const c = controllable();
    const second = new InboundQueue(store, c.processor, log);
    expect(await second.start()).toEqual({ resumed: 2 });
    await c.nextStart(1);
    c.started[0]!.finish();
    await c.nextStart(2);
    c.started[1]!.finish();
    await second.idle();
    expect(c.started.map((s) => (s.batch[0]!.payload as { text: string }).text)).toEqual(['was running', 'was pending']);
  });

  it('a processor that throws marks the batch failed and the session keeps going', async () => {
    let calls = 0;
    const q = new InboundQueue(
      store,
      async (batch) => {
        calls++;
        if (calls === 1) throw new Error('boom');
        for (const i of batch) (await store.queue.finish(i.id, 'done', 1));
      },
      log,
    );
    await q.start();
    const bad = await q.ingest(req('a', 'bad'));
    await q.ingest(req('a', 'good'));
    await q.idle();
    expect(await store.queue.get(bad.id)).toMatchObject({ status: 'failed', error: 'boom' });
    expect(await store.queue.counts()).toMatchObject({ done: 1, failed: 1 });
  });
});
