import type Database from 'better-sqlite3';
import type { ChannelPairingRepo } from './types.js';
import type { SyncOf } from './sync.js';
import { toPairedSender as toAllowed, toPairingRequest as toRequest, type PairedSenderRow as AllowRow, type PairingRequestRow as RequestRow } from '../../src-shared/store/rows.js';


export function createChannelPairingRepo(db: Database.Database): SyncOf<ChannelPairingRepo> {
  const q = {
    expired: db.prepare<[number], RequestRow>('SELECT * FROM channel_pairing_requests WHERE expires_at_ms <= ?'),
    deleteExpired: db.prepare('DELETE FROM channel_pairing_requests WHERE expires_at_ms <= ?'),
    list: db.prepare<[{ channel: string | null; account: string | null }], RequestRow>(
      'SELECT * FROM channel_pairing_requests WHERE (@channel IS NULL OR channel = @channel) AND (@account IS NULL OR account_id = @account) ORDER BY created_at_ms, sender_id',
    ),
    get: db.prepare<[string, string, string], RequestRow>('SELECT * FROM channel_pairing_requests WHERE channel = ? AND account_id = ? AND sender_id = ?'),
    byCode: db.prepare<[{ code: string; channel: string | null }], RequestRow>('SELECT * FROM channel_pairing_requests WHERE code = @code AND (@channel IS NULL OR channel = @channel)'),
    count: db.prepare<[string, string], { n: number }>('SELECT COUNT(*) AS n FROM channel_pairing_requests WHERE channel = ? AND account_id = ?'),
    insert: db.prepare(
      'INSERT INTO channel_pairing_requests (channel, account_id, sender_id, code, sender_name, peer_json, held_json, created_at_ms, last_seen_at_ms, expires_at_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    ),
    touch: db.prepare('UPDATE channel_pairing_requests SET last_seen_at_ms = ?, held_json = ? WHERE channel = ? AND account_id = ? AND sender_id = ?'),
    delete: db.prepare('DELETE FROM channel_pairing_requests WHERE channel = ? AND account_id = ? AND sender_id = ?'),
    allow: db.prepare(
      'INSERT INTO channel_pairing_allow_entries (channel, account_id, sender_id, sender_name, approved_at_ms) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO UPDATE SET sender_name = excluded.sender_name, approved_at_ms = excluded.approved_at_ms',
    ),
    revoke: db.prepare('DELETE FROM channel_pairing_allow_entries WHERE channel = ? AND account_id = ? AND sender_id = ?'),
    listAllowed: db.prepare<[{ channel: string | null; account: string | null }], AllowRow>(
      'SELECT * FROM channel_pairing_allow_entries WHERE (@channel IS NULL OR channel = @channel) AND (@account IS NULL OR account_id = @account) ORDER BY approved_at_ms, sender_id',
    ),
  };
  return {
    pruneExpired(nowMs) {
      const rows = q.expired.all(nowMs);
      if (rows.length) q.deleteExpired.run(nowMs);
      return rows.map(toRequest);
    },
    listRequests: (f = {}) => q.list.all({ channel: f.channel ?? null, account: f.accountId ?? null }).map(toRequest),
    getRequest(channel, accountId, senderId) {
      const row = q.get.get(channel, accountId, senderId);
      return row ? toRequest(row) : undefined;
    },
    byCode(code, channel) {
      const row = q.byCode.get({ code, channel: channel ?? null });
      return row ? toRequest(row) : undefined;
    },
    countPending: (channel, accountId) => q.count.get(channel, accountId)!.n,
    createRequest(r) {
      q.insert.run(r.channel, r.accountId, r.senderId, r.code, r.senderName ?? null, JSON.stringify(r.peer), JSON.stringify(r.held), r.createdAtMs, r.lastSeenAtMs, r.expiresAtMs);
    },
    touchRequest(channel, accountId, senderId, nowMs, held) {
      q.touch.run(nowMs, JSON.stringify(held), channel, accountId, senderId);
    },
    deleteRequest: (channel, accountId, senderId) => q.delete.run(channel, accountId, senderId).changes > 0,
    allow(r) {
      q.allow.run(r.channel, r.accountId, r.senderId, r.senderName ?? null, r.approvedAtMs);
    },
    revoke: (channel, accountId, senderId) => q.revoke.run(channel, accountId, senderId).changes > 0,
    listAllowed: (f = {}) => q.listAllowed.all({ channel: f.channel ?? null, account: f.accountId ?? null }).map(toAllowed),
  };
}
