import type { NewTranscriptEntry, Store, StoreRepos, TranscriptEntry } from '../store/types.js';

/**
 * Recent transcript entries of active sessions, kept parsed in memory so a
 * turn does not re-read and re-parse its history from the database. Bounded
 * in sessions and entries; checked against the store's last seq on every read,
 * so writes from anywhere else simply cause a reload.
 */
export class HistoryCache {
  private readonly sessions = new Map<string, TranscriptEntry[]>();

  constructor(
    private readonly store: Store,
    private readonly maxSessions = 128,
    private readonly maxEntries = 400,
  ) {}

  /** Entries with seq < `beforeSeq` (all when undefined), oldest first, at most `maxEntries`. */
  async before(sessionId: string, beforeSeq: number | undefined): Promise<TranscriptEntry[]> {
    let list = this.sessions.get(sessionId);
    const last = await this.store.transcript.lastSeq(sessionId);
    if (!list || (list.at(-1)?.seq ?? 0) !== last) {
      list = (await this.store.transcript.page(sessionId, { limit: this.maxEntries })).reverse();
    }
    this.touch(sessionId, list);
    if (beforeSeq === undefined) return list;
    // Sorted by seq and the cut is near the end: walk back from there.
    let end = list.length;
    while (end > 0 && list[end - 1]!.seq >= beforeSeq) end--;
    return end === list.length ? list : list.slice(0, end);
  }

  /** Append to the store (through `via`, the transaction it belongs to) and to the cached copy. Returns the new entries' seqs. */
  async append(sessionId: string, entries: NewTranscriptEntry[], via: Pick<StoreRepos, 'transcript'> = this.store): Promise<number[]> {
    const cached = this.sessions.get(sessionId);
    const seqs = await via.transcript.append(sessionId, entries);
    // The store numbers appended entries after its last one: the cached copy was complete when they follow it directly.
    const inSync = cached !== undefined && (seqs.length === 0 || seqs[0] === (cached.at(-1)?.seq ?? 0) + 1);
    if (cached && inSync) {
      cached.push(...entries.map((e, i) => ({ ...e, sessionId, seq: seqs[i]! })));
      if (cached.length > this.maxEntries) cached.splice(0, cached.length - this.maxEntries);
    } else this.sessions.delete(sessionId);
    return seqs;
  }

  forget(sessionId: string): void {
    this.sessions.delete(sessionId);
  }

  private touch(sessionId: string, list: TranscriptEntry[]): void {
    this.sessions.delete(sessionId);
    this.sessions.set(sessionId, list);
    if (this.sessions.size > this.maxSessions) this.sessions.delete(this.sessions.keys().next().value!);
  }
}
