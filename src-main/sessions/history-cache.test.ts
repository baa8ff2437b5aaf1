import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../store/sqlite-store.js';
import type { Store } from '../store/types.js';
import { HistoryCache } from './history-cache.js';

let store: Store;
beforeEach(() => {
  store = openSqliteStore(':memory:');
});
afterEach(() => store.close());

const entry = (text: string) => ({ role: 'user' as const, content: [{ type: 'text', text }], createdAtMs: 1 });

describe('HistoryCache', () => {
  it('serves appended entries without losing order, and stays bounded', async () => {
    const cache = new HistoryCache(store, 2, 3);
    await cache.append('s', [entry('a'), entry('b')]);
    expect((await cache.before('s', undefined)).map((e) => e.seq)).toEqual([1, 2]);
    await cache.append('s', [entry('c'), entry('d')]);
    expect((await cache.before('s', undefined)).map((e) => (e.content[0] as { text: string }).text)).toEqual(['b', 'c', 'd']);
    expect((await cache.before('s', 4)).map((e) => e.seq)).toEqual([2, 3]);
  });

  it('notices writes made behind its back and reloads', async () => {
    const cache = new HistoryCache(store);
    await cache.append('s', [entry('a')]);
    expect(await cache.before('s', undefined)).toHaveLength(1);
    await store.transcript.append('s', [entry('elsewhere')]);
    expect((await cache.before('s', undefined)).map((e) => (e.content[0] as { text: string }).text)).toEqual(['a', 'elsewhere']);
    await store.transcript.deleteSession('s');
    expect(await cache.before('s', undefined)).toEqual([]);
  });
});
