import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { UnknownDeviceError, type CronJobRecord, type DeviceRecord, type Store } from '../src-shared/store/types.js';

/** How the suite gets a store: a fresh, empty one per test (a new database, or one emptied by `reset`). */
export interface StoreUnderTest {
  /** Runs once before the suite (starting a server, say). */
  setup?(): Promise<void>;
  open(): Promise<Store>;
  /** Called after each test with the store it opened. */
  dispose(store: Store): Promise<void>;
  teardown?(): Promise<void>;
}

const DAY_MS = 86_400_000;

const device = (overrides: Partial<DeviceRecord> = {}): DeviceRecord => ({
  deviceId: 'dev-1',
  publicKey: 'pk-1',
  role: 'operator',
  scopes: ['operator.read', 'operator.write'],
  createdAtMs: 1000,
  approvedAtMs: 2000,
  ...overrides,
});

/**
 * The repository contract every storage backend keeps: the same behaviour,
 * asserted through the backend-neutral {@link Store} interface only.
 */
export function describeStoreContract(backend: string, sut: StoreUnderTest): void {
  describe(`store contract: ${backend}`, () => {
    let store: Store;
    let ids = 0;
    const newId = () => `sess-${++ids}`;

    beforeAll(async () => sut.setup?.(), 120_000);
    afterAll(async () => sut.teardown?.(), 60_000);
    beforeEach(async () => {
      store = await sut.open();
    });
    afterEach(async () => sut.dispose(store));

    describe('meta', () => {
      it('returns undefined for a missing key and overwrites on set', async () => {
        expect(await store.getMeta('nope')).toBeUndefined();
        await store.setMeta('a', '1');
        await store.setMeta('a', '2');
        expect(await store.getMeta('a')).toBe('2');
      });
    });

    describe('devices', () => {
      it('round-trips optional fields and lists oldest first', async () => {
        const full = device({ deviceId: 'dev-2', clientId: 'cli', clientMode: 'cli', platform: 'linux', deviceFamily: 'desktop', displayName: 'Laptop', lastSeenAtMs: 3000, createdAtMs: 500 });
        await store.devices.upsert(device());
        await store.devices.upsert(full);
        expect(await store.devices.get('dev-2')).toEqual(full);
        expect((await store.devices.list()).map((d) => d.deviceId)).toEqual(['dev-2', 'dev-1']);
      });

      it('replaces the whole record on upsert', async () => {
        await store.devices.upsert(device({ displayName: 'Old' }));
        await store.devices.upsert(device({ scopes: ['operator.admin'] }));
        const got = await store.devices.get('dev-1');
        expect(got?.scopes).toEqual(['operator.admin']);
        expect(got?.displayName).toBeUndefined();
      });

      it('touches last-seen and ignores unknown devices', async () => {
        await store.devices.upsert(device());
        await store.devices.touch('dev-1', 9999);
        await store.devices.touch('ghost', 1);
        expect((await store.devices.get('dev-1'))?.lastSeenAtMs).toBe(9999);
        expect(await store.devices.get('ghost')).toBeUndefined();
      });

      it('removes a device together with its tokens, approvals and node requests', async () => {
        await store.devices.upsert(device());
        const { token } = await store.deviceTokens.issue('dev-1', 'operator', [], 1);
        await store.deviceTokens.issue('dev-1', 'node', [], 1);
        await store.nodeApprovals.approve('dev-1', ['camera.snap'], 1);
        await store.nodeApprovals.putRequest({ requestId: 'r1', nodeId: 'dev-1', commands: ['screen.record'], createdAtMs: 1 });
        expect(await store.devices.remove('dev-1')).toBe(true);
        expect(await store.devices.remove('dev-1')).toBe(false);
        expect(await store.deviceTokens.verify('dev-1', 'operator', token)).toBeUndefined();
        expect(await store.nodeApprovals.approved('dev-1')).toEqual([]);
        expect(await store.nodeApprovals.getRequest('r1')).toBeUndefined();
        // Re-pairing the same id must not resurrect old tokens.
        await store.devices.upsert(device());
        expect(await store.deviceTokens.verify('dev-1', 'operator', token)).toBeUndefined();
        expect(await store.deviceTokens.revoke('dev-1')).toBe(0);
      });
    });

    describe('device tokens', () => {
      beforeEach(async () => store.devices.upsert(device()));

      it('issues a 32-byte base64url token that verifies with its scopes', async () => {
        const { token, issuedAtMs } = await store.deviceTokens.issue('dev-1', 'operator', ['operator.read'], 4242);
        expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
        expect(issuedAtMs).toBe(4242);
        expect(await store.deviceTokens.verify('dev-1', 'operator', token)).toEqual({ deviceId: 'dev-1', role: 'operator', scopes: ['operator.read'], issuedAtMs: 4242 });
      });

      it('rejects a wrong token, role or device', async () => {
        const { token } = await store.deviceTokens.issue('dev-1', 'operator', [], 1);
        expect(await store.deviceTokens.verify('dev-1', 'operator', `${token}x`)).toBeUndefined();
        expect(await store.deviceTokens.verify('dev-1', 'operator', '')).toBeUndefined();
        expect(await store.deviceTokens.verify('dev-1', 'node', token)).toBeUndefined();
        expect(await store.deviceTokens.verify('dev-2', 'operator', token)).toBeUndefined();
      });

      it('replaces the older token for the same device and role', async () => {
        const first = await store.deviceTokens.issue('dev-1', 'operator', ['a'], 1);
        const second = await store.deviceTokens.issue('dev-1', 'operator', ['b'], 2);
        expect(await store.deviceTokens.verify('dev-1', 'operator', first.token)).toBeUndefined();
        expect((await store.deviceTokens.verify('dev-1', 'operator', second.token))?.scopes).toEqual(['b']);
      });

      it('revokes one role or all of them', async () => {
        const op = await store.deviceTokens.issue('dev-1', 'operator', [], 1);
        const node = await store.deviceTokens.issue('dev-1', 'node', [], 1);
        expect(await store.deviceTokens.revoke('dev-1', 'operator')).toBe(1);
        expect(await store.deviceTokens.verify('dev-1', 'operator', op.token)).toBeUndefined();
        expect(await store.deviceTokens.verify('dev-1', 'node', node.token)).toBeDefined();
        await store.deviceTokens.issue('dev-1', 'operator', [], 2);
        expect(await store.deviceTokens.revoke('dev-1')).toBe(2);
        expect(await store.deviceTokens.revoke('dev-1')).toBe(0);
      });

      it('refuses to issue for an unknown device', async () => {
        await expect(store.deviceTokens.issue('ghost', 'operator', [], 1)).rejects.toThrow(UnknownDeviceError);
      });
    });

    describe('sessions', () => {
      it('ensures once, counts usage, searches, resets to a new id and deletes', async () => {
        const a = await store.sessions.ensure('agent:main:main', 'main', 1000, newId);
        expect((await store.sessions.ensure('agent:main:main', 'main', 2000, newId)).sessionId).toBe(a.sessionId);
        await store.sessions.ensure('agent:work:telegram:direct:42', 'work', 1500, newId);
        await store.sessions.addUsage('agent:main:main', { messages: 2, inputTokens: 10, outputTokens: 5, costUsd: 0.01, nowMs: 3000, preview: 'hello 100% there' });
        expect(await store.sessions.get('agent:main:main')).toMatchObject({ messageCount: 2, inputTokens: 10, outputTokens: 5, costUsd: 0.01, updatedAtMs: 3000, lastPreview: 'hello 100% there' });
        expect(await store.sessions.getBySessionId(a.sessionId)).toMatchObject({ sessionKey: 'agent:main:main' });
        expect((await store.sessions.list({})).sessions.map((s) => s.sessionKey)).toEqual(['agent:main:main', 'agent:work:telegram:direct:42']);
        expect((await store.sessions.list({ agentId: 'work' })).total).toBe(1);
        expect((await store.sessions.list({ search: '100%' })).sessions).toHaveLength(1);
        expect((await store.sessions.list({ search: '_' })).sessions).toHaveLength(0);
        expect(await store.sessions.count()).toBe(2);
        expect(await store.sessions.countByAgent()).toEqual({ main: 1, work: 1 });
        expect(await store.sessions.patch('agent:main:main', { label: 'Main', route: { channel: 'telegram', accountId: 'default', peer: { kind: 'direct', id: '1' } } })).toBe(true);
        expect(await store.sessions.get('agent:main:main')).toMatchObject({ label: 'Main', route: { channel: 'telegram' } });
        const reset = (await store.sessions.reset('agent:main:main', 'sess-new', 4000))!;
        expect(reset).toMatchObject({ sessionId: 'sess-new', messageCount: 0, resetAtMs: 4000, label: 'Main' });
        expect((await store.sessions.archives('agent:main:main')).map((x) => x.sessionId)).toEqual([a.sessionId]);
        expect(await store.sessions.dropArchives({ sessionKey: 'agent:main:main' })).toEqual([a.sessionId]);
        expect(await store.sessions.delete('agent:main:main')).toBe(true);
        expect(await store.sessions.get('agent:main:main')).toBeUndefined();
      });
    });

    describe('transcript', () => {
      it('appends with consecutive seqs and pages newest first by cursor', async () => {
        const seqs = await store.transcript.append('s1', Array.from({ length: 10 }, (_, i) => ({ role: 'user' as const, content: [{ type: 'text', text: `m${i}` }], createdAtMs: i })));
        expect(seqs).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
        expect((await store.transcript.page('s1', { limit: 3 })).map((e) => e.seq)).toEqual([10, 9, 8]);
        expect((await store.transcript.page('s1', { beforeSeq: 8, limit: 3 })).map((e) => e.seq)).toEqual([7, 6, 5]);
        expect((await store.transcript.since('s1', 9, 100)).map((e) => e.seq)).toEqual([9, 10]);
        expect(await store.transcript.append('s1', [{ role: 'assistant', content: [], queueId: 7, createdAtMs: 11, usage: { inputTokens: 1, outputTokens: 2 } }])).toEqual([11]);
        expect(await store.transcript.lastSeq('s1')).toBe(11);
        expect(await store.transcript.hasQueueEntry(7)).toBe(true);
        expect(await store.transcript.byQueueId(7)).toMatchObject({ seq: 11, role: 'assistant' });
        expect((await store.transcript.page('s1', { limit: 1 }))[0]).toMatchObject({ role: 'assistant', queueId: 7, usage: { outputTokens: 2 } });
        expect(await store.transcript.deleteSession('s1')).toBe(11);
        expect(await store.transcript.lastSeq('s1')).toBe(0);
      });
    });

    describe('queue', () => {
      const item = (k: string) => ({ dedupeKey: k, sessionKey: 'agent:main:main', agentId: 'main', runId: `run-${k}`, payload: { text: k }, enqueuedAtMs: 1 });
      it('dedupes, lists open items in order, and requeues running ones after a crash', async () => {
        const a = await store.queue.enqueue(item('a'));
        const b = await store.queue.enqueue(item('b'));
        expect(await store.queue.enqueue(item('a'))).toMatchObject({ duplicate: true, id: a.id, existing: { runId: 'run-a' } });
        await store.queue.markRunning(a.id, 5);
        expect((await store.queue.open(10)).map((i) => [i.id, i.status])).toEqual([
          [a.id, 'running'],
          [b.id, 'pending'],
        ]);
        expect(await store.queue.requeueRunning()).toBe(1);
        const got = await store.queue.get<{ text: string }>(a.id);
        expect(got).toMatchObject({ status: 'pending', attempts: 1 });
        expect(got?.payload.text).toBe('a');
        await store.queue.finish(a.id, 'done', 9);
        expect(await store.queue.counts()).toMatchObject({ done: 1, pending: 1 });
        expect((await store.queue.byRunId('run-b'))?.id).toBe(b.id);
        expect(await store.queue.prune(10)).toBe(1);
      });
    });

    describe('channel pairing', () => {
      const request = { channel: 'telegram', accountId: 'default', senderId: '42', code: 'ABCD2345', senderName: 'Ann', peer: { kind: 'direct' as const, id: '42' }, held: [{ text: 'hi' }], createdAtMs: 1, lastSeenAtMs: 1, expiresAtMs: 100 };
      it('holds requests until approved or expired and keeps the allowlist', async () => {
        await store.channelPairing.createRequest(request);
        expect(await store.channelPairing.countPending('telegram', 'default')).toBe(1);
        expect(await store.channelPairing.byCode('ABCD2345')).toMatchObject({ senderId: '42', held: [{ text: 'hi' }] });
        expect(await store.channelPairing.byCode('ABCD2345', 'discord')).toBeUndefined();
        await store.channelPairing.touchRequest('telegram', 'default', '42', 5, [{ text: 'hi' }, { text: 'again' }]);
        expect((await store.channelPairing.getRequest('telegram', 'default', '42'))?.held).toHaveLength(2);
        expect(await store.channelPairing.pruneExpired(50)).toEqual([]);
        await store.channelPairing.allow({ channel: 'telegram', accountId: 'default', senderId: '42', senderName: 'Ann', approvedAtMs: 7 });
        expect(await store.channelPairing.deleteRequest('telegram', 'default', '42')).toBe(true);
        expect(await store.channelPairing.listAllowed({ channel: 'telegram' })).toEqual([{ channel: 'telegram', accountId: 'default', senderId: '42', senderName: 'Ann', approvedAtMs: 7 }]);
        expect(await store.channelPairing.revoke('telegram', 'default', '42')).toBe(true);
        await store.channelPairing.createRequest({ ...request, senderId: '43', code: 'EFGH2345' });
        expect((await store.channelPairing.pruneExpired(100)).map((r) => r.senderId)).toEqual(['43']);
        expect(await store.channelPairing.listRequests()).toEqual([]);
      });
    });

    describe('outbox', () => {
      it('keeps replies in order per chat until sent, retried or given up', async () => {
        const a = await store.outbox.add({ targetKey: 't1', reply: { text: 'one' }, sessionKey: 'agent:main:main', nowMs: 1 });
        const b = await store.outbox.add({ targetKey: 't1', reply: { text: 'two' }, nowMs: 2 });
        const c = await store.outbox.add({ targetKey: 't2', reply: { text: 'other' }, nowMs: 3 });
        expect((await store.outbox.heads(10)).map((h) => h.id)).toEqual([a, c]);
        await store.outbox.retryLater(a, { sentChunks: 1, nextAttemptAtMs: 50, error: 'down' });
        expect(await store.outbox.get(a)).toMatchObject({ sentChunks: 1, attempts: 1, nextAttemptAtMs: 50, lastError: 'down', reply: { text: 'one' } });
        await store.outbox.markSent(a, 60);
        expect((await store.outbox.heads(10)).map((h) => h.id)).toEqual([b, c]);
        await store.outbox.markFailed(c, { sentChunks: 0, nowMs: 61, error: 'gone' });
        expect(await store.outbox.counts()).toEqual({ pending: 1, failed: 1 });
        expect(await store.outbox.prune(1000)).toBe(2);
      });
    });

    describe('channel state', () => {
      it('keeps text by key per account: replaces, deletes, lists by prefix (no wildcards), clears', async () => {
        await store.channelState.set('whatsapp', 'default', { creds: '{"me":1}', 'key:pre-key:1': 'a', 'key:pre-key:2': 'b', 'key%x': 'c' }, 1);
        await store.channelState.set('whatsapp', 'other', { creds: 'theirs' }, 1);
        expect(await store.channelState.get('whatsapp', 'default', 'creds')).toBe('{"me":1}');
        await store.channelState.set('whatsapp', 'default', { creds: '{"me":2}', 'key:pre-key:1': undefined }, 2);
        expect(await store.channelState.get('whatsapp', 'default', 'creds')).toBe('{"me":2}');
        expect(await store.channelState.list('whatsapp', 'default', 'key:')).toEqual([['key:pre-key:2', 'b']]);
        expect(await store.channelState.list('whatsapp', 'default', 'key%')).toEqual([['key%x', 'c']]);
        expect((await store.channelState.list('whatsapp', 'default', '')).map(([k]) => k)).toEqual(['creds', 'key%x', 'key:pre-key:2']);
        expect(await store.channelState.clear('whatsapp', 'default')).toBe(3);
        expect(await store.channelState.get('whatsapp', 'default', 'creds')).toBeUndefined();
        expect(await store.channelState.get('whatsapp', 'other', 'creds')).toBe('theirs');
      });
    });

    describe('cron jobs', () => {
      const job = (id: string, over: Partial<CronJobRecord> = {}): CronJobRecord => ({
        id,
        name: id,
        agentId: 'main',
        schedule: { kind: 'cron', expr: '0 9 * * 1-5', tz: 'Europe/Berlin' },
        message: 'What is on my calendar?',
        enabled: true,
        deleteAfterRun: false,
        createdAtMs: 1,
        updatedAtMs: 1,
        ...over,
      });

      it('keeps jobs of every schedule kind, lists them by next run, replaces and removes them with their runs', async () => {
        await store.cron.put(job('b', { nextRunAtMs: 200, delivery: { channel: 'telegram', to: '123' } }));
        await store.cron.put(job('a', { schedule: { kind: 'every', everyMs: 30_000, anchorMs: 5 }, nextRunAtMs: 100, description: 'often' }));
        await store.cron.put(job('c', { schedule: { kind: 'at', atMs: 9_000 }, enabled: false, deleteAfterRun: true }));
        expect((await store.cron.list()).map((j) => j.id)).toEqual(['a', 'b', 'c']);
        expect(await store.cron.get('b')).toEqual(job('b', { nextRunAtMs: 200, delivery: { channel: 'telegram', to: '123' } }));
        expect(await store.cron.get('a')).toMatchObject({ schedule: { kind: 'every', everyMs: 30_000, anchorMs: 5 }, description: 'often' });
        expect(await store.cron.get('c')).toMatchObject({ schedule: { kind: 'at', atMs: 9_000 }, enabled: false, deleteAfterRun: true });
        await store.cron.put(job('b', { nextRunAtMs: 50, lastRunAtMs: 40, lastRunStatus: 'error', lastError: 'boom', updatedAtMs: 2 }));
        expect((await store.cron.list()).map((j) => j.id)).toEqual(['b', 'a', 'c']);
        expect(await store.cron.get('b')).toMatchObject({ lastRunStatus: 'error', lastError: 'boom', updatedAtMs: 2 });
        expect((await store.cron.get('b'))?.delivery).toBeUndefined();
        await store.cron.startRun({ jobId: 'b', runId: 'cron:b:1', sessionKey: 'agent:main:cron:b', trigger: 'schedule', scheduledAtMs: 1, startedAtMs: 1, deliveryStatus: 'not-requested' });
        expect(await store.cron.remove('b')).toBe(true);
        expect(await store.cron.remove('b')).toBe(false);
        expect(await store.cron.get('b')).toBeUndefined();
        expect(await store.cron.getRun('cron:b:1')).toBeUndefined();
      });

      it('records each occurrence once, finishes it once, pages the history', async () => {
        await store.cron.put(job('j'));
        const start = (n: number, trigger: 'schedule' | 'manual' = 'schedule') =>
          store.cron.startRun({ jobId: 'j', runId: `cron:j:${n}`, sessionKey: 'agent:main:cron:j', trigger, scheduledAtMs: n, startedAtMs: n, deliveryStatus: 'not-delivered' });
        expect(await start(10)).toBe(true);
        expect(await start(10)).toBe(false);
        expect(await start(20, 'manual')).toBe(true);
        expect(await start(30)).toBe(true);
        expect((await store.cron.openRuns()).map((r) => r.runId)).toEqual(['cron:j:10', 'cron:j:20', 'cron:j:30']);
        expect(await store.cron.finishRun('cron:j:10', { status: 'ok', finishedAtMs: 11, summary: 'Two meetings.', deliveryStatus: 'delivered' })).toBe(true);
        expect(await store.cron.finishRun('cron:j:10', { status: 'error', finishedAtMs: 12, error: 'late' })).toBe(false);
        expect(await store.cron.finishRun('cron:j:20', { status: 'error', finishedAtMs: 21, error: 'model down' })).toBe(true);
        expect(await store.cron.getRun('cron:j:10')).toEqual({ id: expect.any(Number), jobId: 'j', runId: 'cron:j:10', sessionKey: 'agent:main:cron:j', trigger: 'schedule', scheduledAtMs: 10, startedAtMs: 10, finishedAtMs: 11, status: 'ok', summary: 'Two meetings.', deliveryStatus: 'delivered' });
        expect(await store.cron.getRun('cron:j:20')).toMatchObject({ trigger: 'manual', status: 'error', error: 'model down', deliveryStatus: 'not-delivered' });
        expect((await store.cron.openRuns()).map((r) => r.runId)).toEqual(['cron:j:30']);
        const page = await store.cron.runs({ jobId: 'j', limit: 2 });
        expect(page.total).toBe(3);
        expect(page.runs.map((r) => r.runId)).toEqual(['cron:j:30', 'cron:j:20']);
        expect((await store.cron.runs({ jobId: 'j', limit: 2, offset: 2 })).runs.map((r) => r.runId)).toEqual(['cron:j:10']);
        expect((await store.cron.runs({ limit: 10, sortDir: 'asc', statuses: ['ok', 'error'] })).runs.map((r) => r.runId)).toEqual(['cron:j:10', 'cron:j:20']);
        expect(await store.cron.runs({ jobId: 'other', limit: 10 })).toEqual({ runs: [], total: 0 });
      });
    });

    describe('node approvals', () => {
      it('approves commands per node and keeps one request per node', async () => {
        await store.devices.upsert(device({ deviceId: 'node-1', role: 'node', scopes: [] }));
        await store.nodeApprovals.approve('node-1', ['b.cmd', 'a.cmd'], 5);
        await store.nodeApprovals.approve('node-1', ['a.cmd'], 6);
        expect(await store.nodeApprovals.approved('node-1')).toEqual(['a.cmd', 'b.cmd']);
        expect(await store.nodeApprovals.listApproved()).toEqual([{ nodeId: 'node-1', commands: ['a.cmd', 'b.cmd'], approvedAtMs: expect.any(Number) }]);
        await store.nodeApprovals.putRequest({ requestId: 'r1', nodeId: 'node-1', commands: ['c.cmd'], platform: 'ios', createdAtMs: 1 });
        await store.nodeApprovals.putRequest({ requestId: 'r2', nodeId: 'node-1', commands: ['d.cmd'], createdAtMs: 2 });
        expect((await store.nodeApprovals.listRequests()).map((r) => r.requestId)).toEqual(['r2']);
        expect(await store.nodeApprovals.requestForNode('node-1')).toMatchObject({ requestId: 'r2', commands: ['d.cmd'] });
        expect(await store.nodeApprovals.deleteRequest('r2')).toBe(true);
        expect(await store.nodeApprovals.removeNode('node-1')).toBe(2);
      });
    });

    describe('usage', () => {
      const turn = async (sessionId: string, atMs: number, u?: { inputTokens: number; outputTokens: number; costUsd?: number; model?: string }) => {
        await store.transcript.append(sessionId, [
          { role: 'user', content: [{ type: 'text', text: 'hi' }], createdAtMs: atMs },
          { role: 'assistant', content: [{ type: 'text', text: 'hello' }], createdAtMs: atMs, ...(u ? { usage: u } : {}) },
        ]);
      };

      it('sums turns, tokens and cost per day, agent and model; keeps turns from before a reset', async () => {
        const day0 = 20_000 * DAY_MS;
        const main = await store.sessions.ensure('agent:main:main', 'main', day0, newId);
        const ops = await store.sessions.ensure('agent:ops:main', 'ops', day0, newId);
        await turn(main.sessionId, day0 + 1000, { inputTokens: 100, outputTokens: 20, costUsd: 0.5, model: 'a/x' });
        await turn(main.sessionId, day0 + 2000, { inputTokens: 50, outputTokens: 10, costUsd: 0.25, model: 'a/x' });
        await turn(ops.sessionId, day0 + DAY_MS + 5, { inputTokens: 7, outputTokens: 3, model: 'b/y' });
        await store.sessions.reset('agent:main:main', newId(), day0 + DAY_MS);
        await turn((await store.sessions.get('agent:main:main'))!.sessionId, day0 + DAY_MS + 10, { inputTokens: 1, outputTokens: 1, costUsd: 0.01, model: 'a/x' });
        // A turn that failed before the model answered records no usage and is not a billed turn.
        await turn(ops.sessionId, day0 + DAY_MS + 20);

        expect(await store.usage.byDay({ sinceMs: day0, untilMs: day0 + 2 * DAY_MS, utcOffsetMinutes: 0 })).toEqual([
          { day: 20_000, agentId: 'main', model: 'a/x', turns: 2, inputTokens: 150, outputTokens: 30, costUsd: 0.75 },
          { day: 20_001, agentId: 'main', model: 'a/x', turns: 1, inputTokens: 1, outputTokens: 1, costUsd: 0.01 },
          { day: 20_001, agentId: 'ops', model: 'b/y', turns: 1, inputTokens: 7, outputTokens: 3, costUsd: 0 },
        ]);
      });

      it("cuts days at the reader's midnight and honours the window", async () => {
        const day0 = 20_000 * DAY_MS;
        const s = await store.sessions.ensure('agent:main:main', 'main', day0, newId);
        await turn(s.sessionId, day0 + 23 * 3_600_000, { inputTokens: 1, outputTokens: 1 }); // 23:00 UTC
        await turn(s.sessionId, day0 + 3 * DAY_MS, { inputTokens: 1, outputTokens: 1 }); // outside the window
        expect((await store.usage.byDay({ sinceMs: day0, untilMs: day0 + 2 * DAY_MS, utcOffsetMinutes: 0 })).map((r) => r.day)).toEqual([20_000]);
        expect((await store.usage.byDay({ sinceMs: day0, untilMs: day0 + 2 * DAY_MS, utcOffsetMinutes: 120 })).map((r) => r.day)).toEqual([20_001]);
      });
    });

    describe('transaction', () => {
      it('rolls back every write when the function throws', async () => {
        await expect(
          store.transaction(async (tx) => {
            await tx.setMeta('a', '1');
            await tx.devices.upsert(device());
            throw new Error('abort');
          }),
        ).rejects.toThrow('abort');
        expect(await store.getMeta('a')).toBeUndefined();
        expect(await store.devices.list()).toEqual([]);
      });

      it('returns the result; a nested transaction that fails rolls back only its own writes', async () => {
        const result = await store.transaction(async (tx) => {
          await tx.setMeta('a', '1');
          await tx.transaction(async (inner) => {
            await inner.setMeta('b', '1');
            throw new Error('inner');
          }).catch(() => undefined);
          return tx.transaction(async (inner) => inner.getMeta('a'));
        });
        expect(result).toBe('1');
        expect(await store.getMeta('a')).toBe('1');
        expect(await store.getMeta('b')).toBeUndefined();
      });

      it('keeps other callers out of an open transaction: their writes survive its rollback', async () => {
        let entered!: () => void;
        const inside = new Promise<void>((resolve) => (entered = resolve));
        let release!: () => void;
        const held = new Promise<void>((resolve) => (release = resolve));
        const tx = store
          .transaction(async (t) => {
            await t.setMeta('tx', 'yes');
            entered();
            await held;
            throw new Error('rolled back');
          })
          .catch((err: Error) => err.message);
        await inside;
        const outside = store.setMeta('outside', 'kept');
        release();
        expect(await tx).toBe('rolled back');
        await outside;
        expect(await store.getMeta('tx')).toBeUndefined();
        expect(await store.getMeta('outside')).toBe('kept');
      });

      it('commits concurrent transactions independently', async () => {
        await Promise.all(Array.from({ length: 20 }, (_, i) => store.transaction(async (tx) => tx.setMeta(`k${i}`, String(i)))));
        expect(await Promise.all(Array.from({ length: 20 }, (_, i) => store.getMeta(`k${i}`)))).toEqual(Array.from({ length: 20 }, (_, i) => String(i)));
      });
    });
  });
}
