/**
 * One Discord bot account: a discord.js client on the gateway for inbound
 * messages, and its REST client for sends. discord.js resumes dropped
 * sessions by itself (missed dispatches are replayed); after a fresh session
 * the adapter reads the gap back from channel history. Liveness is proven
 * on every heartbeat ACK and dispatch; the adapter gives up (`ctx.fail`)
 * when the gateway closes for good or does not come back within the
 * liveness bound.
 */
import { once } from 'node:events';
import { ChannelType, Client, Events, GatewayIntentBits, Partials, Routes, type APIMessage, type Message } from 'discord.js';
import { ChannelPermanentError, type ChannelAdapter, type ChannelAuthError, type ChannelContext, type ChannelSend } from '../../../src-shared/domain/channel.js';
import { backfillMissed } from './backfill.js';
import { composeContents } from './compose.js';
import { ChannelCursors } from '../../../plugin-kit/channel-cursors.js';
import { DISCORD_CURSORS, type CursorStore } from './cursor-store.js';
import { closeCodeError, FATAL_CLOSE_CODES, sendError, startError } from './errors.js';
import { ObservedShardingStrategy, type ShardEvent } from './gateway-strategy.js';
import { normalizeMessage } from './normalize.js';
import { messageCreateProblem } from './payload-guard.js';

/** Resolved settings of one account. */
export interface DiscordSettings {
  token: string;
  /** REST base without version, e.g. `https://discord.com/api`. */
  apiRoot?: string;
  gatewayUrl?: string;
  /** Liveness bound: start timeout and how long a lost gateway may take to come back. */
  livenessMs: number;
  textLimit: number;
}

type GatewayState = 'idle' | 'connecting' | 'ready' | 'reconnecting' | 'closed';

/** Keeps "Bot abc…xyz"-style secrets out of logs. */
function redact(text: string, token: string): string {
  return token ? text.split(token).join('[token]') : text;
}

export class DiscordAdapter implements ChannelAdapter {
  private client?: Client;
  private state: 'idle' | 'starting' | 'running' | 'stopped' = 'idle';
  private gateway: GatewayState = 'idle';
  private lastCloseCode?: number;
  private reconnectTimer?: NodeJS.Timeout;
  private failed = false;
  private stopping?: Promise<void>;
  private abortStart?: (err: Error) => void;
  private readonly inflight = new Set<Promise<void>>();
  private readonly dmChannels = new Map<string, string>();
  private readonly channelQueues = new Map<string, Promise<void>>();
  private readonly cursors: CursorStore;

  constructor(
    private readonly ctx: ChannelContext,
    private readonly settings: DiscordSettings,
  ) {
    this.cursors = new ChannelCursors(DISCORD_CURSORS, ctx.dataDir, (err) => ctx.log.warn('discord cursors could not be saved or read', { error: String(err) }), ctx.state);
  }

  async start(): Promise<void> {
    if (this.state !== 'idle') throw new Error('Discord adapter already started');
    this.state = 'starting';
    this.gateway = 'connecting';
    await this.cursors.load();
    if (this.stopping) throw new Error('Discord adapter stopped while starting');
    const client = this.createClient();
    this.client = client;
    const readyAbort = new AbortController();
    const ready = once(client, Events.ClientReady, { signal: readyAbort.signal });
    let timer: NodeJS.Timeout | undefined;
    const bound = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`Discord did not finish connecting within ${Math.round(this.settings.livenessMs / 1000)} s.`)),
        this.settings.livenessMs,
      );
      this.abortStart = reject;
    });
    try {
      await Promise.race([client.login(this.settings.token).then(() => ready), bound]);
    } catch (err) {
      if (this.stopping) throw new Error('Discord adapter stopped while starting');
      const mapped = startError(err, this.lastCloseCode);
      this.ctx.log.warn('discord start failed', { error: redact(mapped.message, this.settings.token), closeCode: this.lastCloseCode });
      this.state = 'stopped';
      this.gateway = 'closed';
      // No reconnect loop may outlive a failed start.
      await client.destroy().catch(() => undefined);
      throw mapped;
    } finally {
      clearTimeout(timer);
      readyAbort.abort();
      ready.catch(() => undefined);
      this.abortStart = undefined;
    }
    if (this.state !== 'starting') throw new Error('Discord adapter stopped while starting');
    this.state = 'running';
    this.gateway = 'ready';
    this.ctx.log.info('discord connected', { bot: client.user?.tag, botUserId: client.user?.id, guilds: client.guilds.cache.size });
    this.startBackfill();
  }

  stop(): Promise<void> {
    this.stopping ??= (async () => {
      this.state = 'stopped';
      this.gateway = 'closed';
      clearTimeout(this.reconnectTimer);
      this.abortStart?.(new Error('stopped'));
      await this.client?.destroy().catch((err: unknown) => this.ctx.log.warn('discord client destroy failed', { error: String(err) }));
      await Promise.allSettled([...this.inflight]);
      await this.cursors.flush();
    })();
    return this.stopping;
  }

  async send(msg: ChannelSend): Promise<{ messageId: string }> {
    const client = this.usableClient();
    const channelId = await this.targetChannel(client, msg.to, msg.threadId);
    let first: string | undefined;
    for (const [i, content] of composeContents(msg.text, msg.mediaUrls ?? [], this.settings.textLimit).entries()) {
      const body = {
        content,
        // Model output must not ping @everyone, @here or whole roles.
        allowed_mentions: { parse: ['users'], replied_user: true },
        ...(i === 0 && msg.replyToMessageId ? { message_reference: { message_id: msg.replyToMessageId, fail_if_not_exists: false } } : {}),
      };
      const posted = (await this.rest(() => client.rest.post(Routes.channelMessages(channelId), { body }))) as APIMessage;
      first ??= posted.id;
    }
    if (!first) throw new ChannelPermanentError('Nothing to send: the message has no text and no media.');
    return { messageId: first };
  }

  async sendTyping(to: ChannelSend['to'], threadId?: string): Promise<void> {
    const client = this.usableClient();
    const channelId = await this.targetChannel(client, to, threadId);
    await this.rest(() => client.rest.post(Routes.channelTyping(channelId)));
  }

  describe(): Record<string, unknown> {
    const client = this.client;
    return {
      botUserId: client?.user?.id,
      botTag: client?.user?.tag,
      guilds: client?.guilds.cache.size ?? 0,
      gateway: this.gateway,
      ...(client && client.ws.ping >= 0 ? { pingMs: client.ws.ping } : {}),
    };
  }

  private createClient(): Client {
    const { apiRoot, gatewayUrl } = this.settings;
    const client = new Client({
      intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages, GatewayIntentBits.DirectMessages, GatewayIntentBits.MessageContent],
      // DM channels are not cached before their first message.
      partials: [Partials.Channel],
      rest: {
        ...(apiRoot ? { api: apiRoot.replace(/\/+$/, '') } : {}),
        // Core's delivery owns retries and retry-after: fail fast here.
        retries: 0,
        rejectOnRateLimit: () => true,
      },
      ws: { buildStrategy: (manager) => new ObservedShardingStrategy(manager, { gatewayUrl, observer: this.observer() }) },
    });
    client.on(Events.MessageCreate, (message) => this.onMessage(message));
    // A new session (not a resume) after start: Discord will not replay the gap.
    client.on(Events.ShardReady, () => this.startBackfill());
    client.on(Events.Debug, (text) => this.ctx.log.debug('discord.js', { text: redact(text, this.settings.token) }));
    client.on(Events.Warn, (text) => this.ctx.log.warn('discord.js warning', { text: redact(text, this.settings.token) }));
    client.on(Events.Error, (err) => this.ctx.log.warn('discord client error', { error: redact(err.message, this.settings.token) }));
    client.on(Events.ShardError, (err) => this.ctx.log.warn('discord gateway error', { error: redact(err.message, this.settings.token) }));
    return client;
  }

  private observer() {
    return {
      onEvent: (event: ShardEvent, payload: Record<string, unknown>): boolean => {
        if (this.state === 'stopped') return true;
        switch (event) {
          case 'heartbeat':
          case 'hello':
            this.ctx.heartbeat();
            return true;
          case 'ready':
          case 'resumed':
            this.onSessionUp(event);
            return true;
          case 'closed':
            this.onGatewayClosed(Number(payload.code));
            return true;
          case 'dispatch':
            this.ctx.heartbeat();
            return this.checkDispatch(payload.data);
          default:
            return true;
        }
      },
      onHandlerError: (event: ShardEvent, err: unknown) => {
        this.ctx.log.warn('discord gateway event could not be handled; skipped', { event, error: err instanceof Error ? err.message : String(err) });
      },
    };
  }

  private checkDispatch(data: unknown): boolean {
    const frame = data as { t?: unknown; s?: unknown; d?: unknown } | undefined;
    if (frame?.t !== 'MESSAGE_CREATE') return true;
    const problem = messageCreateProblem(frame.d);
    if (problem) {
      this.ctx.log.warn('discord sent a malformed MESSAGE_CREATE; skipped', { problem, seq: frame.s });
      return false;
    }
    const d = frame.d as { guild_id?: unknown; channel_type?: unknown };
    // Without a cached channel discord.js needs the channel type to build a DM channel; a message without a guild is a DM.
    if (d.guild_id === undefined && d.channel_type === undefined) d.channel_type = ChannelType.DM;
    return true;
  }

  private onSessionUp(event: 'ready' | 'resumed'): void {
    this.ctx.heartbeat();
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = undefined;
    if (this.state === 'running' && this.gateway !== 'ready') {
      if (event === 'ready') this.ctx.log.warn('discord session could not resume; started a new one and reading the gap back from history');
      else this.ctx.log.info('discord session resumed');
    }
    this.gateway = 'ready';
  }

  private onGatewayClosed(code: number): void {
    this.lastCloseCode = code;
    if (this.state !== 'running') return;
    if (FATAL_CLOSE_CODES.has(code)) {
      this.gateway = 'closed';
      this.fail(closeCodeError(code));
      return;
    }
    this.gateway = 'reconnecting';
    this.ctx.log.info('discord gateway closed; reconnecting', { closeCode: code });
    // discord.js reconnects on its own; give up once it has not succeeded within the liveness bound.
    this.reconnectTimer ??= setTimeout(() => {
      this.reconnectTimer = undefined;
      if (this.state === 'running' && this.gateway !== 'ready') {
        this.fail(new Error(`Discord gateway did not come back within ${Math.round(this.settings.livenessMs / 1000)} s (last close code ${code}).`));
      }
    }, this.settings.livenessMs);
  }

  private fail(err: Error): void {
    if (this.failed || this.state !== 'running') return;
    this.failed = true;
    this.ctx.log.error('discord channel failed', { error: err.message });
    this.ctx.fail(err);
  }

  private onMessage(message: Message): void {
    if (this.state === 'stopped') return;
    this.track(this.deliver(message));
  }

  /**
   * Normalise and hand one message to core. The channel's cursor moves only
   * once this and every earlier message of that channel are queued.
   */
  private deliver(message: Message): Promise<void> {
    const botUserId = this.client?.user?.id;
    if (this.state === 'stopped' || !botUserId) return Promise.resolve();
    let inbound: ReturnType<typeof normalizeMessage>;
    try {
      inbound = normalizeMessage(message, { channel: this.ctx.channel, accountId: this.ctx.accountId, botUserId });
    } catch (err) {
      this.ctx.log.warn('discord message could not be read; skipped', { messageId: message.id, error: err instanceof Error ? err.message : String(err) });
      return Promise.resolve();
    }
    if (typeof inbound === 'string' && inbound !== 'own') this.ctx.log.debug('discord message skipped', { messageId: message.id, reason: inbound });
    const queued =
      typeof inbound === 'string'
        ? Promise.resolve(true)
        : this.ctx.emit(inbound).then(
            () => true,
            (err: unknown) => {
              this.ctx.log.error('discord message could not be queued', { messageId: message.id, error: String(err) });
              return false;
            },
          );
    const channelId = message.channelId;
    const done = Promise.all([this.channelQueues.get(channelId), queued]).then(([, ok]) => {
      if (ok) this.cursors.advance(channelId, message.id);
    });
    this.channelQueues.set(channelId, done);
    void done.then(() => {
      if (this.channelQueues.get(channelId) === done) this.channelQueues.delete(channelId);
    });
    return done;
  }

  /** Read back what a fresh session missed (see backfill.ts). */
  private startBackfill(): void {
    const client = this.client;
    if (this.state !== 'running' || !client?.isReady()) return;
    this.track(
      backfillMissed({ client, cursors: this.cursors, deliver: (m) => this.deliver(m), stopped: () => this.state === 'stopped', log: this.ctx.log }).then((found) => {
        if (found) this.ctx.log.info('discord messages read back from history', { count: found });
      }),
    );
  }

  private track(work: Promise<void>): void {
    const tracked: Promise<void> = work.finally(() => this.inflight.delete(tracked));
    this.inflight.add(tracked);
  }

  private usableClient(): Client {
    if (this.state === 'stopped' || !this.client) throw new Error('The Discord channel is not running.');
    return this.client;
  }

  /** The channel to post in: a thread, a guild channel, or the user's DM channel (opened on first use). */
  private async targetChannel(client: Client, to: ChannelSend['to'], threadId?: string): Promise<string> {
    if (threadId) return threadId;
    if (to.kind !== 'direct') return to.id;
    const known = this.dmChannels.get(to.id);
    if (known) return known;
    const dm = (await this.rest(() => client.rest.post(Routes.userChannels(), { body: { recipient_id: to.id } }))) as { id: string };
    this.dmChannels.set(to.id, dm.id);
    return dm.id;
  }

  private async rest<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (err) {
      throw sendError(err, (auth: ChannelAuthError) => this.fail(auth));
    }
  }
}
