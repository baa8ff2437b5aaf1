/**
 * One Mattermost bot account: `Client4` for REST (who am I, posts, DM
 * channels, history) and the WebSocket for `posted` events. A dropped socket
 * is reopened in place with backoff; after every (re)connect the adapter
 * reads back, per channel it has heard from, the posts made since the last
 * one core queued, so nothing said during the gap is lost. Liveness is every
 * server frame and ping answer; a silent server stops the heartbeats and the
 * supervisor restarts the account.
 */
import type { Channel } from '@mattermost/types/channels';
import type { Post } from '@mattermost/types/posts';
import { ChannelPermanentError, isChannelAuthError, type ChannelAdapter, type ChannelContext, type ChannelSend } from '../../../src-shared/domain/channel.js';
import { ChannelCursors } from '../../../plugin-kit/channel-cursors.js';
import { MATTERMOST_CURSORS, type CursorStore } from './cursor-store.js';
import { normalizePost, postFromEvent, type NormalizeContext, type PostedEventData, type PostInContext } from './normalize.js';
import { createRestClient, type BotClient } from './rest.js';
import { MattermostSocket, websocketUrl, type MattermostEvent } from './socket.js';

/** Resolved settings of one account. */
export interface MattermostSettings {
  serverUrl: string;
  botToken: string;
  /** Liveness bound: start timeout, and the ping cadence is a third of it. */
  livenessMs: number;
}

/** Only channels with a post in this window are read back after a gap. */
export const BACKFILL_WINDOW_MS = 24 * 60 * 60 * 1000;
const RECONNECT_MIN_MS = 250;
const RECONNECT_MAX_MS = 5000;
/** Post ids remembered to skip what backfill and the socket both deliver. */
const RECENT_IDS = 2000;

export class MattermostAdapter implements ChannelAdapter {
  private readonly rest: BotClient;
  private readonly cursors: CursorStore;
  private state: 'idle' | 'starting' | 'running' | 'stopped' = 'idle';
  private socket?: MattermostSocket;
  private me?: { id: string; username: string };
  private reconnectTimer?: NodeJS.Timeout;
  private reconnectDelay = RECONNECT_MIN_MS;
  private failed = false;
  private stopping?: Promise<void>;
  private lastEventAt?: number;
  private reconnects = 0;
  private readonly recent = new Set<string>();
  private readonly channelQueues = new Map<string, Promise<void>>();
  private readonly channelTypes = new Map<string, string>();
  private readonly dmChannels = new Map<string, string>();
  private readonly inflight = new Set<Promise<unknown>>();

  constructor(
    private readonly ctx: ChannelContext,
    private readonly settings: MattermostSettings,
  ) {
    this.rest = createRestClient(settings.serverUrl, settings.botToken, (err) => {
      if (isChannelAuthError(err) && this.state === 'running') this.fail(err);
    });
    this.cursors = new ChannelCursors(MATTERMOST_CURSORS, ctx.dataDir, (err) => ctx.log.warn('mattermost cursors could not be saved or read', { error: String(err) }), ctx.state);
  }

  async start(): Promise<void> {
    if (this.state !== 'idle') throw new Error('Mattermost adapter already started');
    this.state = 'starting';
    await this.cursors.load();
    const me = await this.rest.getMe();
    this.me = { id: me.id, username: me.username };
    this.ctx.heartbeat();
    await this.connect();
    if (this.state !== 'starting') throw new Error('Mattermost adapter stopped while starting');
    this.state = 'running';
    this.ctx.log.info('mattermost connected', { bot: `@${me.username}`, botUserId: me.id, server: new URL(this.settings.serverUrl).host });
    this.track(this.backfill());
  }

  stop(): Promise<void> {
    this.stopping ??= (async () => {
      this.state = 'stopped';
      clearTimeout(this.reconnectTimer);
      this.socket?.close();
      await Promise.allSettled([...this.inflight]);
      await Promise.allSettled([...this.channelQueues.values()]);
      await this.cursors.flush();
    })();
    return this.stopping;
  }

  async send(msg: ChannelSend): Promise<{ messageId: string }> {
    this.usable();
    const text = [msg.text, ...(msg.mediaUrls ?? [])].filter(Boolean).join('\n');
    if (!text.trim()) throw new ChannelPermanentError('Nothing to send: the message has no text and no media.');
    const channelId = await this.targetChannel(msg.to);
    const post = await this.rest.createPost({ channel_id: channelId, message: text, ...(msg.threadId ? { root_id: msg.threadId } : {}) } as Post);
    return { messageId: post.id };
  }

  async sendTyping(to: ChannelSend['to'], threadId?: string): Promise<void> {
    const me = this.usable();
    const channelId = await this.targetChannel(to);
    if (this.socket?.typing(channelId, threadId)) return;
    await this.rest.publishTyping(me.id, channelId, threadId);
  }

  describe(): Record<string, unknown> {
    return {
      ...(this.me ? { botUserId: this.me.id, botUsername: `@${this.me.username}` } : {}),
      server: this.settings.serverUrl,
      socket: this.socket?.isOpen ? 'open' : this.state === 'running' ? 'reconnecting' : 'closed',
      reconnects: this.reconnects,
      ...(this.lastEventAt ? { lastEventAt: this.lastEventAt } : {}),
    };
  }

  // ---- the socket ----------------------------------------------------------------

  private async connect(): Promise<void> {
    const socket = new MattermostSocket(websocketUrl(this.settings.serverUrl), this.settings.botToken, {
      onAlive: () => {
        if (this.state !== 'stopped') this.ctx.heartbeat();
      },
      onEvent: (event) => this.onEvent(event),
      onClosed: (reason) => this.onClosed(socket, reason),
    });
    this.socket = socket;
    await socket.open(this.settings.livenessMs);
    socket.keepAlive(Math.max(250, Math.min(30_000, Math.floor(this.settings.livenessMs / 3))));
  }

  private onClosed(socket: MattermostSocket, reason: Error): void {
    if (this.state === 'stopped' || this.failed || socket !== this.socket) return;
    this.ctx.log.warn('mattermost socket lost; reconnecting', { reason: reason.message });
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    clearTimeout(this.reconnectTimer);
    const delay = this.reconnectDelay;
    this.reconnectDelay = Math.min(RECONNECT_MAX_MS, this.reconnectDelay * 2);
    this.reconnectTimer = setTimeout(() => {
      if (this.state !== 'running') return;
      this.connect().then(
        () => {
          if (this.state !== 'running') return this.socket?.close();
          this.reconnects++;
          this.reconnectDelay = RECONNECT_MIN_MS;
          this.ctx.log.info('mattermost socket reconnected; reading back what was posted meanwhile');
          this.track(this.backfill());
        },
        (err: Error) => {
          if (this.state !== 'running') return;
          if (isChannelAuthError(err)) return this.fail(err);
          this.ctx.log.warn('mattermost reconnect failed', { error: err.message, retryInMs: this.reconnectDelay });
          this.scheduleReconnect();
        },
      );
    }, delay);
  }

  private onEvent(event: MattermostEvent): void {
    if (this.state === 'stopped') return;
    this.lastEventAt = Date.now();
    if (event.event !== 'posted') return;
    const post = postFromEvent(event.data as unknown as PostedEventData);
    if (!post) {
      this.ctx.log.warn('mattermost sent a posted event without a readable post; skipped', { seq: event.seq });
      return;
    }
    this.channelTypes.set(post.post.channel_id, post.channelType);
    void this.deliver(post);
  }

  // ---- inbound -------------------------------------------------------------------

  /** Normalise and hand one post to core, in order per channel; moves the cursor once queued. */
  private deliver(p: PostInContext): Promise<void> {
    const channelId = p.post.channel_id;
    const previous = this.channelQueues.get(channelId) ?? Promise.resolve();
    const next = previous.then(async () => {
      if (this.state === 'stopped' || this.recent.has(p.post.id)) return;
      const msg = normalizePost(p, this.normalizeContext());
      if (typeof msg === 'string') {
        this.ctx.log.debug('mattermost post skipped', { reason: msg, postId: p.post.id });
      } else {
        try {
          await this.ctx.emit(msg);
        } catch (err) {
          // Not queued: leave the cursor, so backfill offers it again after the next reconnect.
          this.ctx.log.warn('mattermost post could not be queued', { postId: p.post.id, error: err instanceof Error ? err.message : String(err) });
          return;
        }
      }
      this.remember(p.post.id);
      this.cursors.advance(channelId, p.post.create_at);
    });
    this.channelQueues.set(channelId, next);
    void next.finally(() => {
      if (this.channelQueues.get(channelId) === next) this.channelQueues.delete(channelId);
    });
    return next;
  }

  /** Posts made since each active channel's cursor, oldest first. */
  private async backfill(): Promise<void> {
    let found = 0;
    for (const [channelId, cursor] of this.cursors.activeSince(Date.now() - BACKFILL_WINDOW_MS)) {
      if (this.state !== 'running') return;
      try {
        const channelType = await this.channelType(channelId);
        const list = await this.rest.getPostsSince(channelId, cursor.position);
        const posts = Object.values(list.posts ?? {})
          .filter((post) => post.create_at >= cursor.position && !post.delete_at && !this.recent.has(post.id))
          .sort((a, b) => a.create_at - b.create_at);
        for (const post of posts) {
          await this.deliver({ post, channelType });
          found++;
        }
      } catch (err) {
        if (isChannelAuthError(err)) return;
        // No access any more, channel deleted, server busy: the next reconnect tries again.
        this.ctx.log.warn('mattermost history could not be read; skipped', { channelId, error: err instanceof Error ? err.message : String(err) });
      }
    }
    if (found) this.ctx.log.info('mattermost posts read back after a gap', { count: found });
  }

  private async channelType(channelId: string): Promise<string> {
    const known = this.channelTypes.get(channelId);
    if (known) return known;
    const channel: Channel = await this.rest.getChannel(channelId);
    this.channelTypes.set(channelId, channel.type);
    return channel.type;
  }

  private normalizeContext(): NormalizeContext {
    return { channel: this.ctx.channel, accountId: this.ctx.accountId, botUserId: this.me!.id, botUsername: this.me!.username, serverUrl: this.settings.serverUrl };
  }

  private remember(postId: string): void {
    this.recent.add(postId);
    if (this.recent.size > RECENT_IDS) this.recent.delete(this.recent.values().next().value!);
  }

  // ---- outbound ------------------------------------------------------------------

  private usable(): { id: string; username: string } {
    if (this.state !== 'running' || !this.me) throw new Error('The Mattermost channel is not running.');
    return this.me;
  }

  /** A channel id, or the DM channel with a user (opened on first use). */
  private async targetChannel(to: ChannelSend['to']): Promise<string> {
    if (to.kind !== 'direct') return to.id;
    const known = this.dmChannels.get(to.id);
    if (known) return known;
    const channel = await this.rest.createDirectChannel([this.me!.id, to.id]);
    this.dmChannels.set(to.id, channel.id);
    this.channelTypes.set(channel.id, 'D');
    return channel.id;
  }

  private fail(err: Error): void {
    if (this.failed || this.state === 'stopped') return;
    this.failed = true;
    clearTimeout(this.reconnectTimer);
    this.socket?.close();
    this.ctx.log.error('mattermost channel stopped', { error: err.message });
    this.ctx.fail(err);
  }

  private track(p: Promise<unknown>): void {
    this.inflight.add(p);
    void p.finally(() => this.inflight.delete(p));
  }
}
