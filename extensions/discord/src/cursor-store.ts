/**
 * The newest message id handed to core per Discord channel. A fresh gateway session (after a restart or an
 * invalidated session) gets no replay from Discord, so the adapter reads the channels' history after these
 * ids instead (see plugin-kit/channel-cursors.ts for how they are kept).
 */
import { ChannelCursors, type CursorFormat } from '../../../plugin-kit/channel-cursors.js';

/** Discord ids are snowflakes: later ones are larger. */
export const DISCORD_CURSORS: CursorFormat<string> = {
  file: 'discord-cursors.json',
  field: 'lastMessageId',
  channelId: /^\d+$/,
  isPosition: (v): v is string => typeof v === 'string' && /^\d+$/.test(v),
  newer: (a, b) => BigInt(a) > BigInt(b),
};

export type CursorStore = ChannelCursors<string>;
