/**
 * The newest message id handed to core per Discord channel, kept in the
 * account's data folder. A fresh gateway session (after a restart or an
 * invalidated session) gets no replay from Discord, so the adapter reads the
 * channels' history after these ids instead. A cursor moves only after core
 * has queued the message, so a crash can repeat messages (core dedupes by
 * id) but not skip them. Where the gateway offers a store (`ctx.state`) they are kept there, so a
 * gateway taking the channels over resumes from them; a file from before is read once.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ChannelState } from '../../../src-shared/domain/channel.js';

/** One channel's position. */
export interface ChannelCursor {
  lastMessageId: string;
  /** When a message last arrived there (ms), to skip long-quiet channels. */
  seenAt: number;
}

const FILE = 'discord-cursors.json';
const STATE_KEY = 'cursors';
/** Channels remembered; the least recently active are forgotten first. */
const MAX_CHANNELS = 200;
const FLUSH_DELAY_MS = 1000;

function newer(a: string, b: string): boolean {
  return BigInt(a) > BigInt(b);
}

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
        if (/^\d+$/.test(channelId) && typeof c.lastMessageId === 'string' && /^\d+$/.test(c.lastMessageId) && typeof c.seenAt === 'number') {
          this.cursors.set(channelId, { lastMessageId: c.lastMessageId, seenAt: c.seenAt });
        }
      }
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') this.onError(err);
    }
  }

  /** Channels active since `sinceMs`, most recent first. */
  activeSince(sinceMs: number): [string, ChannelCursor][] {
    return [...this.cursors].filter(([, c]) => c.seenAt >= sinceMs).sort((a, b) => b[1].seenAt - a[1].seenAt);
  }

  /** Record that core has queued `messageId` from `channelId`. */
  advance(channelId: string, messageId: string): void {
    const current = this.cursors.get(channelId);
    if (current && !newer(messageId, current.lastMessageId)) return;
    this.cursors.delete(channelId);
    this.cursors.set(channelId, { lastMessageId: messageId, seenAt: Date.now() });
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
