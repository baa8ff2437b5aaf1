/**
 * The normalised message shapes every channel adapter produces and consumes.
 * Adapters normalise; core decides (access, routing, sessions).
 */

/** Kind of conversation a message arrived in. */
export type PeerKind = 'direct' | 'group' | 'channel';

/** One message from a chat platform (or from a local client such as the CLI or Control UI). */
export interface InboundMessage {
  /** Channel id, e.g. `telegram`, `discord`, `webchat`. Lowercase. */
  channel: string;
  /** Account on that channel (multi-account channels); `default` when there is one. */
  accountId: string;
  /** Platform message id; with channel and account it dedupes redelivery. */
  messageId: string;
  /** Who sent it (platform user id). */
  senderId: string;
  senderName?: string;
  /** Where it was said: the DM peer, the group or the channel. */
  peer: { kind: PeerKind; id: string };
  /** Parent peer for threads (thread inheritance in routing). */
  parentPeer?: { kind: PeerKind; id: string };
  /** Thread (Slack, Discord) or forum topic (Telegram). */
  threadId?: string;
  topicId?: string;
  /** Discord guild and the sender's role ids; Slack team. */
  guildId?: string;
  memberRoleIds?: string[];
  teamId?: string;
  /** Plain text as the user wrote it. Never treated as system instructions. */
  text: string;
  /** Whether the bot was mentioned (group mention gating). */
  mentioned?: boolean;
  /** Sent by the account's owner (e.g. a note-to-self chat on a personal number). */
  fromOwner?: boolean;
  replyToMessageId?: string;
  /** Milliseconds since epoch, platform time when known. */
  timestampMs: number;
  attachments?: InboundAttachment[];
}

/** A file that came with a message. */
export interface InboundAttachment {
  kind: 'image' | 'audio' | 'video' | 'file';
  url?: string;
  mimeType?: string;
  name?: string;
  sizeBytes?: number;
  /** Stored in the gateway's media folder under this id (the SHA-256 of the bytes); images sent to `chat.send` are. */
  mediaId?: string;
}

/** What the core asks a channel to send. */
export interface OutboundReply {
  channel: string;
  accountId: string;
  /** Target peer on the platform. */
  to: { kind: PeerKind; id: string };
  threadId?: string;
  topicId?: string;
  text: string;
  replyToMessageId?: string;
  mediaUrls?: string[];
}
