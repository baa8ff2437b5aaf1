import type { InboundMessage, OutboundReply, PeerKind } from '../../src-shared/domain/inbound.js';
import type { ChannelSend } from '../../src-shared/domain/channel.js';
import type { MethodParams, MethodResult } from '../../src-shared/protocol/index.js';
import type { StoreRepos } from '../store/types.js';
import type { ChannelsStatus } from './manager.js';
import type { AccountStatus } from './supervisor.js';

/** Where channel messages go: the durable inbound queue (`released`: let out of pairing hold, a new queue entry). */
/** Takes a message into the durable queue; resolves once it is stored, so the adapter may acknowledge the platform. */
export type InboundSink = (msg: InboundMessage, opts?: { released?: boolean }) => Promise<{ duplicate: boolean } | void>;

/** The access rule for outbound sends (the same one inbound obeys). */
export interface OutboundPolicy {
  canSendTo(channel: string, accountId: string, to: { kind: PeerKind; id: string }): Promise<boolean>;
}

/** A send to a chat, as `send` and the agent's `message` tool ask for it. */
export interface SendRequest {
  channel?: string;
  accountId?: string;
  /** As users write it: `user:1`, `dm:1`, `channel:1`, `group:1`, or a bare id. */
  to: string;
  message?: string;
  mediaUrls?: string[];
  threadId?: string;
  replyToId?: string;
}

export interface SendResult {
  ok: boolean;
  runId: string;
  messageId?: string;
  messageIds: string[];
  channel: string;
  accountId: string;
  to: string;
}


/**
 * Chat channels inside the gateway: the supervised accounts, the delivery
 * path and outbox, and QR logins. Access policy is not here: it is the
 * routing gate, handed in with {@link ChannelsRuntime.connect}.
 * The RPC methods over it live in `gateway/handlers/channels.ts`.
 */
export interface ChannelsRuntime {
  /** Gives the runtime its inbound sink and outbound policy; called once, before {@link ChannelsRuntime.start}. */
  connect(ports: { inbound: InboundSink; policy: OutboundPolicy }): void;
  /** Outbound to a chat, obeying the access policy. */
  send(req: SendRequest): Promise<SendResult>;
  /**
   * The chat `send` would deliver to (the account, the peer parsed by the channel's target rules), checked against the access policy.
   * @throws {ChannelUnavailableError} when the channel or account is not configured; {@link ChannelAccessDeniedError} when the policy refuses it
   */
  resolveTarget(req: Pick<SendRequest, 'channel' | 'accountId' | 'to'>): Promise<{ channel: string; accountId: string; to: OutboundReply['to'] }>;
  /** Sends a reply at once, outside the outbox (pairing notices). */
  deliver(reply: OutboundReply): Promise<{ messageIds: string[] }>;
  /** Stores a reply for delivery through `tx`, the transaction that records the turn; call {@link flushReplies} once it commits. */
  enqueueReply(tx: Pick<StoreRepos, 'outbox'>, reply: OutboundReply, sessionKey: string): Promise<void>;
  /** Replies were committed to the outbox: send them. */
  flushReplies(): void;
  /** A released message re-enters through the same sink as a fresh one. */
  reingest(msg: InboundMessage): void;
  /** Another gateway sharing the database holds the channels lease: stop every adapter and the outbox until {@link activate}. */
  standBy(): Promise<void>;
  /** This gateway holds the channels lease again: run the channels and the outbox. */
  activate(): void;
  /** Shows "typing…" where the platform supports it; never fails. */
  typing(channel: string, accountId: string, to: ChannelSend['to'], threadId?: string): Promise<void>;
  /** The account owner's own id where the platform has one (linked WhatsApp number). */
  ownerOf(channel: string, accountId: string): string | undefined;
  /** A channel's display name and whether it is a personal number, from its plugin (before its code loads). */
  channelInfo(channel: string): { label: string; personalNumber: boolean };
  status(): ChannelsStatus;
  startAccount(channel: string, accountId?: string): Promise<AccountStatus>;
  stopAccount(channel: string, accountId?: string): Promise<AccountStatus>;
  logout(channel: string, accountId?: string): Promise<{ cleared: boolean }>;
  /** Starts (or shows) a QR login and waits briefly for the code or the result. */
  loginStart(p: MethodParams<'web.login.start'>): Promise<MethodResult<'web.login.start'>>;
  /** Waits for the login to finish, the QR to rotate, or the timeout. */
  loginWait(p: MethodParams<'web.login.wait'>): Promise<MethodResult<'web.login.wait'>>;
  /** Brings running accounts in line with the config (each account compares its own settings). */
  apply(): Promise<void>;
  /** Resolves when no reply is due to go out. */
  outboxIdle(): Promise<void>;
  start(): void;
  close(): Promise<void>;
}
