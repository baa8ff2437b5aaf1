/**
 * Resume positions per platform channel (the newest message handed to core in each), for channels whose
 * platform replays nothing after a reconnect or a restart: the adapter reads each channel's history after
 * its position instead. A position moves only after core has queued the message, so a crash can repeat
 * messages (core dedupes by id) but never skip them. Kept in the gateway's store when it offers one
 * (`ctx.state`: a gateway taking the channels over resumes from them), else in a file in the account's data
 * folder; a file from before the store is read once. Saved a second after the last change, atomically.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ChannelState } from '../src-shared/domain/channel.js';

/** What a platform's positions are and how they are saved. */
export interface CursorFormat<P> {
  /** The file in the data folder (without a store, or read once before the store had them). */
  file: string;
  /** The position's name in the saved JSON (kept as it was, so saved positions stay readable). */
  field: string;
  /** A platform channel id. */
  channelId: RegExp;
  isPosition(value: unknown): value is P;
  /** Whether position `a` is after `b`. */
  newer(a: P, b: P): boolean;
}

/** One channel's position. */
export interface ChannelCursor<P> {
  position: P;
  /** When a message last arrived there (ms), to skip long-quiet channels. */
  seenAt: number;
}

/** In the gateway's store, under this key. */
const STATE_KEY = 'cursors';
/** Channels remembered; the least recently active are forgotten first. */
const MAX_CHANNELS = 200;
const FLUSH_DELAY_MS = 1000;

export class ChannelCursors<P> {
  private cursors = new Map<string, ChannelCursor<P>>();
  private dirty = false;
  private timer?: NodeJS.Timeout;
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly format: CursorFormat<P>,
    private readonly dir: string,
    private readonly onError: (err: unknown) => void,
    private readonly state?: ChannelState,
  ) {}

  /** Read the saved positions; missing or unreadable ones mean none. */
  async load(): Promise<void> {
    try {
      const raw = (await this.state?.get(STATE_KEY)) ?? (await readFile(join(this.dir, this.format.file), 'utf8'));
      const parsed = JSON.parse(raw) as Record<string, Record<string, unknown>>;
      for (const [channelId, c] of Object.entries(parsed)) {
        const position = c?.[this.format.field];
        if (this.format.channelId.test(channelId) && this.format.isPosition(position) && typeof c.seenAt === 'number') {
          this.cursors.set(channelId, { position, seenAt: c.seenAt });
        }
      }
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') this.onError(err);
    }
  }

  get(channelId: string): ChannelCursor<P> | undefined {
    return this.cursors.get(channelId);
  }

  /** Channels active since `sinceMs`, most recent first. */
  activeSince(sinceMs: number): [string, ChannelCursor<P>][] {
    return [...this.cursors].filter(([, c]) => c.seenAt >= sinceMs).sort((a, b) => b[1].seenAt - a[1].seenAt);
  }

  /** Record that core has queued the message at `position` in `channelId`. */
  advance(channelId: string, position: P): void {
    const current = this.cursors.get(channelId);
    if (current && !this.format.newer(position, current.position)) return;
    this.cursors.delete(channelId);
    this.cursors.set(channelId, { position, seenAt: Date.now() });
    if (this.cursors.size > MAX_CHANNELS) {
      const oldest = [...this.cursors].sort((a, b) => a[1].seenAt - b[1].seenAt)[0]!;
      this.cursors.delete(oldest[0]);
    }
    this.dirty = true;
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, FLUSH_DELAY_MS);
  }

  /** Write pending changes now (to the store, or atomically to the file: temp file, then rename). */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.dirty) return this.writing;
    this.dirty = false;
    const data = JSON.stringify(Object.fromEntries([...this.cursors].map(([id, c]) => [id, { [this.format.field]: c.position, seenAt: c.seenAt }])));
    this.writing = this.writing.then(async () => {
      try {
        if (this.state) return await this.state.set({ [STATE_KEY]: data });
        await mkdir(this.dir, { recursive: true, mode: 0o700 });
        const tmp = join(this.dir, `${this.format.file}.tmp`);
        await writeFile(tmp, data, { mode: 0o600 });
        await rename(tmp, join(this.dir, this.format.file));
      } catch (err) {
        this.onError(err);
      }
    });
    return this.writing;
  }
}
