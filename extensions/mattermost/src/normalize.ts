/**
 * Mattermost `posted` events → `InboundMessage`. Direct channels are keyed
 * by the sender, open and private channels (and group DMs) by the channel; a
 * reply in a thread carries the thread's root post id as `threadId`. Whether
 * the bot was addressed comes from the server's `mentions` list or an
 * `@username` in the text; policy is core's.
 */
import type { Post } from '@mattermost/types/posts';
import type { InboundMessage } from '../../../src-shared/domain/inbound.js';

/** Who is listening. */
export interface NormalizeContext {
  channel: string;
  accountId: string;
  botUserId: string;
  botUsername: string;
  /** Site URL, for attachment links. */
  serverUrl: string;
}

/** `data` of a `posted` event (the post itself is a JSON string). */
export interface PostedEventData {
  post: string;
  channel_type?: string;
  channel_name?: string;
  channel_display_name?: string;
  sender_name?: string;
  team_id?: string;
  /** JSON array of mentioned user ids, when any. */
  mentions?: string;
}

/** A post plus what the event (or, for backfill, the channel) says about where it was made. */
export interface PostInContext {
  post: Post;
  channelType: string;
  senderName?: string;
  teamId?: string;
  mentionedIds?: string[];
}

/** Why a post was not turned into a message. */
export type SkipReason = 'own' | 'bot' | 'system' | 'empty' | 'malformed';

type Attachments = NonNullable<InboundMessage['attachments']>;

function kindOf(mime: string | undefined): Attachments[number]['kind'] {
  if (mime?.startsWith('image/')) return 'image';
  if (mime?.startsWith('audio/')) return 'audio';
  if (mime?.startsWith('video/')) return 'video';
  return 'file';
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Whether `text` @-mentions `username` the way Mattermost highlights it. */
export function mentionsUsername(text: string, username: string): boolean {
  if (!username) return false;
  return new RegExp(`(^|[^\\w.@-])@${escapeRegExp(username)}(?![\\w-]|\\.[\\w])`, 'i').test(text);
}

/** Reads a `posted` event's data; undefined when it is not a usable post. */
export function postFromEvent(data: PostedEventData): PostInContext | undefined {
  if (typeof data?.post !== 'string') return undefined;
  let post: Post;
  try {
    post = JSON.parse(data.post) as Post;
  } catch {
    return undefined;
  }
  let mentionedIds: string[] | undefined;
  if (typeof data.mentions === 'string') {
    try {
      const parsed = JSON.parse(data.mentions) as unknown;
      if (Array.isArray(parsed)) mentionedIds = parsed.filter((x): x is string => typeof x === 'string');
    } catch {
      // An unreadable mentions list only loses the hint; the text still counts.
    }
  }
  return { post, channelType: String(data.channel_type ?? ''), senderName: data.sender_name?.replace(/^@/, ''), teamId: data.team_id || undefined, mentionedIds };
}

/** Normalise one post, or say why it is skipped. */
export function normalizePost(p: PostInContext, nc: NormalizeContext): InboundMessage | SkipReason {
  const { post } = p;
  if (typeof post?.id !== 'string' || typeof post.channel_id !== 'string' || typeof post.user_id !== 'string') return 'malformed';
  if (post.user_id === nc.botUserId) return 'own';
  // Join/leave notices and other system posts have a type; ordinary posts have none.
  if (post.type) return 'system';
  const props = post.props ?? {};
  if (props.from_webhook === 'true' || props.from_bot === 'true') return 'bot';
  const files = (post.metadata?.files ?? []) as { id: string; name?: string; mime_type?: string; size?: number }[];
  const attachments: Attachments = files.map((f) => ({
    kind: kindOf(f.mime_type),
    url: `${nc.serverUrl.replace(/\/+$/, '')}/api/v4/files/${f.id}`,
    ...(f.mime_type ? { mimeType: f.mime_type } : {}),
    ...(f.name ? { name: f.name } : {}),
    ...(typeof f.size === 'number' ? { sizeBytes: f.size } : {}),
  }));
  const text = typeof post.message === 'string' ? post.message : '';
  if (!text && attachments.length === 0) return 'empty';
  const base: InboundMessage = {
    channel: nc.channel,
    accountId: nc.accountId,
    messageId: post.id,
    senderId: post.user_id,
    ...(p.senderName ? { senderName: p.senderName } : {}),
    peer: { kind: 'direct', id: post.user_id },
    text,
    timestampMs: post.create_at,
    ...(post.root_id ? { threadId: post.root_id } : {}),
    ...(attachments.length ? { attachments } : {}),
    ...(p.teamId ? { teamId: p.teamId } : {}),
  };
  if (p.channelType === 'D') return base;
  return {
    ...base,
    peer: { kind: p.channelType === 'G' ? 'group' : 'channel', id: post.channel_id },
    mentioned: Boolean(p.mentionedIds?.includes(nc.botUserId)) || mentionsUsername(text, nc.botUsername),
  };
}
