import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openSqliteStore } from './sqlite-store.js';
import type { Store } from './types.js';

let store: Store;
beforeEach(() => {
  store = openSqliteStore(':memory:');
});
afterEach(() => store.close());

let ids = 0;
const newId = () => `sess-${++ids}`;

describe('sessions repo', () => {
  it('ensures once, counts usage, searches, resets to a new id and deletes', () => {
    const a = store.sessions.ensure('agent:main:main', 'main', 1000, newId);
    expect(store.sessions.ensure('agent:main:main', 'main', 2000, newId).sessionId).toBe(a.sessionId);
    store.sessions.ensure('agent:work:telegram:direct:42', 'work', 1500, newId);
    store.sessions.addUsage('agent:main:main', { messages: 2, inputTokens: 10, outputTokens: 5, costUsd: 0.01, nowMs: 3000, preview: 'hello 100% there' });
    expect(store.sessions.get('agent:main:main')).toMatchObject({ messageCount: 2, inputTokens: 10, outputTokens: 5, updatedAtMs: 3000, lastPreview: 'hello 100% there' });
    expect(store.sessions.list({}).sessions.map((s) => s.sessionKey)).toEqual(['agent:main:main', 'agent:work:telegram:direct:42']);
    expect(store.sessions.list({ agentId: 'work' }).total).toBe(1);
    expect(store.sessions.list({ search: '100%' }).sessions).toHaveLength(1);
    expect(store.sessions.list({ search: '_' }).sessions).toHaveLength(0);
    expect(store.sessions.patch('agent:main:main', { label: 'Main', route: { channel: 'telegram', accountId: 'default', peer: { kind: 'direct', id: '1' } } })).toBe(true);
    expect(store.sessions.get('agent:main:main')).toMatchObject({ label: 'Main', route: { channel: 'telegram' } });
    const reset = store.sessions.reset('agent:main:main', 'sess-new', 4000)!;
    expect(reset).toMatchObject({ sessionId: 'sess-new', messageCount: 0, resetAtMs: 4000, label: 'Main' });
    expect(store.sessions.delete('agent:main:main')).toBe(true);
    expect(store.sessions.get('agent:main:main')).toBeUndefined();
  });
});

describe('transcript repo', () => {
  it('appends with consecutive seqs and pages newest first by cursor', () => {
    const seqs = store.transcript.append('s1', Array.from({ length: 10 }, (_, i) => ({ role: 'user' as const, content: [{ type: 'text', text: `m${i}` }], createdAtMs: i })));
    expect(seqs).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    const p1 = store.transcript.page('s1', { limit: 3 });
    expect(p1.map((e) => e.seq)).toEqual([10, 9, 8]);
    expect(store.transcript.page('s1', { beforeSeq: 8, limit: 3 }).map((e) => e.seq)).toEqual([7, 6, 5]);
    expect(store.transcript.since('s1', 9, 100).map((e) => e.seq)).toEqual([9, 10]);
    expect(store.transcript.append('s1', [{ role: 'assistant', content: [], queueId: 7, createdAtMs: 11, usage: { inputTokens: 1, outputTokens: 2 } }])).toEqual([11]);
    expect(store.transcript.hasQueueEntry(7)).toBe(true);
    expect(store.transcript.page('s1', { limit: 1 })[0]).toMatchObject({ role: 'assistant', queueId: 7, usage: { outputTokens: 2 } });
    expect(store.transcript.deleteSession('s1')).toBe(11);
  });
});

describe('queue repo', () => {
  const item = (k: string) => ({ dedupeKey: k, sessionKey: 'agent:main:main', agentId: 'main', runId: `run-${k}`, payload: { text: k }, enqueuedAtMs: 1 });
  it('dedupes, lists open items in order, and requeues running ones after a crash', () => {
    const a = store.queue.enqueue(item('a'));
    const b = store.queue.enqueue(item('b'));
    expect(store.queue.enqueue(item('a'))).toMatchObject({ duplicate: true, id: a.id, existing: { runId: 'run-a' } });
    store.queue.markRunning(a.id, 5);
    expect(store.queue.open(10).map((i) => [i.id, i.status])).toEqual([
      [a.id, 'running'],
      [b.id, 'pending'],
    ]);
    expect(store.queue.requeueRunning()).toBe(1);
    expect(store.queue.get(a.id)).toMatchObject({ status: 'pending', attempts: 1 });
    store.queue.finish(a.id, 'done', 9);
    expect(store.queue.counts()).toMatchObject({ done: 1, pending: 1 });
    expect(store.queue.byRunId('run-b')?.id).toBe(b.id);
    expect(store.queue.prune(10)).toBe(1);
  });
});
