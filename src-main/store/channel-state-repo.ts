import type Database from 'better-sqlite3';
import type { ChannelStateRepo } from './types.js';
import type { SyncOf } from './sync.js';

export function createChannelStateRepo(db: Database.Database): SyncOf<ChannelStateRepo> {
  const q = {
    get: db.prepare<[string, string, string], { value: string }>('SELECT value FROM channel_state WHERE channel = ? AND account_id = ? AND key = ?'),
    put: db.prepare('INSERT INTO channel_state (channel, account_id, key, value, updated_at_ms) VALUES (?, ?, ?, ?, ?) ON CONFLICT (channel, account_id, key) DO UPDATE SET value = excluded.value, updated_at_ms = excluded.updated_at_ms'),
    del: db.prepare('DELETE FROM channel_state WHERE channel = ? AND account_id = ? AND key = ?'),
    // Prefix match without LIKE's wildcards: keys from `prefix` up to the next string after every key with that prefix.
    list: db.prepare<[string, string, string, string], { key: string; value: string }>('SELECT key, value FROM channel_state WHERE channel = ? AND account_id = ? AND key >= ? AND key < ? ORDER BY key'),
    listAll: db.prepare<[string, string], { key: string; value: string }>('SELECT key, value FROM channel_state WHERE channel = ? AND account_id = ? ORDER BY key'),
    clear: db.prepare('DELETE FROM channel_state WHERE channel = ? AND account_id = ?'),
  };
  const write = db.transaction((channel: string, accountId: string, entries: Record<string, string | undefined>, nowMs: number) => {
    for (const [key, value] of Object.entries(entries)) {
      if (value === undefined) q.del.run(channel, accountId, key);
      else q.put.run(channel, accountId, key, value, nowMs);
    }
  });
  return {
    get: (channel, accountId, key) => q.get.get(channel, accountId, key)?.value,
    set: (channel, accountId, entries, nowMs) => void write(channel, accountId, entries, nowMs),
    list: (channel, accountId, prefix) => (prefix ? q.list.all(channel, accountId, prefix, prefix + '\uffff') : q.listAll.all(channel, accountId)).map((r) => [r.key, r.value]),
    clear: (channel, accountId) => q.clear.run(channel, accountId).changes,
  };
}
