/**
 * The newest post time (`create_at`) handed to core per Mattermost channel. After a reconnect or a restart
 * the adapter reads each channel's posts since its cursor back over REST (see plugin-kit/channel-cursors.ts
 * for how they are kept).
 */
import { ChannelCursors, type CursorFormat } from '../../../plugin-kit/channel-cursors.js';

export const MATTERMOST_CURSORS: CursorFormat<number> = {
  file: 'mattermost-cursors.json',
  field: 'lastCreateAt',
  channelId: /^[a-z0-9]{26}$/,
  isPosition: (v): v is number => typeof v === 'number',
  newer: (a, b) => a > b,
};

export type CursorStore = ChannelCursors<number>;
