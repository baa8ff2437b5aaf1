/**
 * After a fresh gateway session, read what was said in recently active
 * channels since the last message core queued. Discord replays missed events
 * only when a session RESUMEs; a restarted adapter starts a new session, so
 * without this the messages of the gap would never arrive.
 */
import type { Client, Message } from 'discord.js';
import type { ChannelLogger } from '../../../src-shared/domain/channel.js';
import type { CursorStore } from './cursor-store.js';

/** Only channels with a message in this window are read back. */
export const BACKFILL_WINDOW_MS = 24 * 60 * 60 * 1000;
/** Discord's page size for GET /channels/:id/messages. */
const PAGE = 100;
/** Per channel, at most this many pages (so a busy channel cannot flood core). */
const MAX_PAGES = 3;

/** What backfill needs from the adapter. */
export interface BackfillDeps {
  client: Client<true>;
  cursors: CursorStore;
  /** Normalise and hand one message to core (moves the cursor once queued). */
  deliver(message: Message): Promise<void>;
  stopped(): boolean;
  log: ChannelLogger;
}

/** Deliver messages newer than each channel's cursor; returns how many were found. */
export async function backfillMissed(deps: BackfillDeps): Promise<number> {
  let found = 0;
  for (const [channelId, cursor] of deps.cursors.activeSince(Date.now() - BACKFILL_WINDOW_MS)) {
    if (deps.stopped()) break;
    try {
      found += await backfillChannel(deps, channelId, cursor.position);
    } catch (err) {
      // No access any more, channel deleted, Discord busy: the next fresh session tries again.
      deps.log.warn('discord history could not be read; skipped', { channelId, error: err instanceof Error ? err.message : String(err) });
    }
  }
  return found;
}

async function backfillChannel(deps: BackfillDeps, channelId: string, after: string): Promise<number> {
  const channel = await deps.client.channels.fetch(channelId);
  if (!channel?.isTextBased() || !('messages' in channel)) return 0;
  let cursor = after;
  let found = 0;
  for (let page = 0; page < MAX_PAGES && !deps.stopped(); page++) {
    const batch = await channel.messages.fetch({ after: cursor, limit: PAGE, cache: true });
    const oldestFirst = [...batch.values()].sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? -1 : 1));
    for (const message of oldestFirst) {
      if (deps.stopped()) return found;
      // History has no member objects; roles matter to routing, so look the member up.
      if (message.inGuild() && !message.member) await message.guild.members.fetch(message.author.id).catch(() => undefined);
      await deps.deliver(message);
      found++;
    }
    if (batch.size < PAGE) break;
    cursor = oldestFirst[oldestFirst.length - 1]!.id;
  }
  return found;
}
