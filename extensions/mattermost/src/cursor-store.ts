/**
 * The newest post time (`create_at`) handed to core per Mattermost channel,
 * kept in the account's data folder. After a reconnect or a restart the
 * adapter reads each channel's posts since its cursor back over REST. A
 * cursor moves only after core has queued the post, so a crash can repeat
 * posts (core dedupes by id) but not skip them.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ChannelState } from '../../../src-shared/domain/channel.js';

/** One channel's position. */
export interface ChannelCursor {
  /** `create_at` of the newest post queued from this channel (ms). */
  lastCreateAt: number;
  /** When a post last arrived there (ms), to skip long-quiet channels. */
  seenAt: number;
}

const FILE = 'mattermost-cursors.json';
/** In the gateway's store when it offers one (a gateway taking the channels over resumes from them); the file is read once. */
const STATE_KEY = 'cursors';
/** Channels remembered; the least recently active are forgotten first. */
const MAX_CHANNELS = 200;
const FLUSH_DELAY_MS = 1000;

export class CursorStore {
  private cursors = new Map<string, ChannelCursor>();
  private dirty = false;
  private timer?: NodeJS.Timeout;
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly dir: string,
    private readonly onError: (err: unknown) => void,
    private readonly state?: ChannelState,
  ) {}

  /** Read the saved cursors; missing or unreadable ones mean none. */
  async load(): Promise<void> {
    try {
      const raw = (await this.state?.get(STATE_KEY)) ?? (await readFile(join(this.dir, FILE), 'utf8'));
      const parsed = JSON.parse(raw) as Record<string, Partial<ChannelCursor>>;
      for (const [channelId, c] of Object.entries(parsed)) {
        if (/^[a-z0-9]{26}$/.test(channelId) && typeof c.lastCreateAt === 'number' && typeof c.seenAt === 'number') {
          this.cursors.set(channelId, { lastCreateAt: c.lastCreateAt, seenAt: c.seenAt });
        }
      }
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') this.onError(err);
    }
  }

  get(channelId: string): ChannelCursor | undefined {
    return this.cursors.get(channelId);
  }

  /** Channels active since `sinceMs`, most recent first. */
  activeSince(sinceMs: number): [string, ChannelCursor][] {
    return [...this.cursors].filter(([, c]) => c.seenAt >= sinceMs).sort((a, b) => b[1].seenAt - a[1].seenAt);
  }

  /** Record that core has queued a post of `channelId` made at `createAt`. */
  advance(channelId: string, createAt: number): void {
    const current = this.cursors.get(channelId);
    if (current && createAt <= current.lastCreateAt) return;
    this.cursors.delete(channelId);
    this.cursors.set(channelId, { lastCreateAt: createAt, seenAt: Date.now() });
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
    const data = JSON.stringify(Object.fromEntries(this.cursors));
    this.writing = this.writing.then(async () => {
      try {
        if (this.state) return await this.state.set({ [STATE_KEY]: data });
        await mkdir(this.dir, { recursive: true, mode: 0o700 });
        const tmp = join(this.dir, `${FILE}.tmp`);
        await writeFile(tmp, data, { mode: 0o600 });
        await rename(tmp, join(this.dir, FILE));
      } catch (err) {
        this.onError(err);
      }
    });
    return this.writing;
  }
}
