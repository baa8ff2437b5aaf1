/**
 * A local fake of Discord for adapter tests: the REST API under `/api/v10`
 * and the Gateway WebSocket on `/gateway`, on 127.0.0.1 with an ephemeral
 * port. Users "say" things, the fake dispatches MESSAGE_CREATE; the bot's
 * posts are recorded. Faults: drop, stall, REST outage, 429s, revoked token,
 * invalidated sessions.
 */
import type { APIMessage } from 'discord.js';
import { startHttpServer } from '../http-server.js';
import { FakeGateway, type GatewayStats } from './gateway.js';
import { createRestHandler, type RestState, type SentMessage } from './rest.js';
import { FakeWorld, type FakeAttachment } from './world.js';

export type { SentMessage } from './rest.js';
export { FakeWorld, type FakeAttachment } from './world.js';

const INTENT_GUILDS = 1 << 0;
const INTENT_GUILD_MESSAGES = 1 << 9;
const INTENT_DIRECT_MESSAGES = 1 << 12;
const INTENT_MESSAGE_CONTENT = 1 << 15;

/** Options for {@link startFakeDiscord}. */
export interface FakeDiscordOptions {
  token?: string;
  /** `heartbeat_interval` announced in HELLO; small values make zombie detection quick. */
  heartbeatIntervalMs?: number;
  /** Gateway address GET /gateway/bot announces instead of the fake's own (to test `gatewayUrl`). */
  announceGatewayUrl?: string;
  /** Users, guild and channels to serve (so ids can be known before the server starts). */
  world?: FakeWorld;
}

/** Something a user says. */
export interface SayOptions {
  /** Author user id (one of `world.humans`, or `world.otherBotId`). */
  from: string;
  /** `dm`, or a guild channel / thread id. */
  in: 'dm' | string;
  text: string;
  /** @-mention the bot: prefixes `<@botId>` and lists it in `mentions`. */
  mentionBot?: boolean;
  /** Reply to this message id. */
  replyTo?: string;
  attachments?: FakeAttachment[];
}

/** A running fake Discord. */
export interface FakeDiscord {
  world: FakeWorld;
  token: string;
  /** REST root to put in `channels.discord.apiRoot`. */
  apiRoot: string;
  /** Gateway address GET /gateway/bot announces. */
  gatewayUrl: string;
  stats: GatewayStats;
  rest: RestState;
  /** A user says something; returns the message as dispatched. */
  say(opts: SayOptions): APIMessage;
  /** Create a thread under a guild channel and dispatch THREAD_CREATE; returns its id. */
  createThread(parentId: string, name: string): string;
  /** Dispatch an arbitrary event (for malformed-payload tests). */
  dispatchRaw(t: string, d: unknown): void;
  /** Write a raw text frame to every gateway socket. */
  sendRawFrame(text: string): void;
  /** Texts the bot posted in a channel (or DM channel), oldest first. */
  sentIn(channelId: string): SentMessage[];
  /** The next `count` POST …/messages answer 429 with `retryAfterMs`. */
  rateLimitNext(count: number, retryAfterMs: number, global?: boolean): void;
  /** REST answers 502 while on. */
  setOutage(on: boolean): void;
  /** Gateway stops answering while on (sockets stay open). */
  setStalled(on: boolean): void;
  /** Close every gateway socket abruptly; sessions stay resumable. */
  drop(): void;
  /** Invalidate all gateway sessions (op 9, not resumable). */
  invalidateSessions(): void;
  /** Gateway sessions that can still receive dispatches or resume. */
  liveSessions(): number;
  /** Gateway sockets currently open. */
  openSockets(): number;
  /** The token was reset on the Developer Portal: REST 401 and gateway close 4004. */
  revokeToken(): void;
  /** While on, IDENTIFY is answered with close 4004 (REST still accepts the token). */
  rejectIdentify(on: boolean): void;
  /** Close every gateway socket with this code. */
  closeGateway(code: number, reason: string): void;
  /** Resolves when `check()` holds (re-checked on every fake event). */
  waitUntil(check: () => boolean, what: string, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

/** Start a fake Discord on 127.0.0.1. */
export async function startFakeDiscord(opts: FakeDiscordOptions = {}): Promise<FakeDiscord> {
  const world = opts.world ?? new FakeWorld();
  const token = opts.token ?? 'fake-bot-token.abc.def';
  const waiters = new Set<() => void>();
  const notify = () => {
    for (const w of [...waiters]) w();
  };
  const state: RestState = {
    token,
    revoked: false,
    outage: false,
    rateLimit: { remaining: 0, retryAfterMs: 0, global: false },
    sent: [],
    typing: [],
    requests: [],
  };
  let identifyRejected = false;
  const gateway = new FakeGateway(
    {
      tokenOk: (t) => t === token && !state.revoked && !identifyRejected,
      readyPayload: (sessionId, resumeUrl) => ({
        v: 10,
        user: world.bot,
        guilds: [{ id: world.guildId, unavailable: true }],
        session_id: sessionId,
        session_type: 'normal',
        resume_gateway_url: resumeUrl,
        shard: [0, 1],
        application: { id: world.bot.id, flags: 0 },
        private_channels: [],
        relationships: [],
        user_settings: {},
        geo_ordered_rtc_regions: [],
        auth: {},
      }),
      guildCreates: () => [world.guildCreatePayload()],
    },
    opts.heartbeatIntervalMs ?? 41_250,
    notify,
  );
  const dispatchMessage = (message: APIMessage & { guild_id?: string }) => {
    const isDm = !message.guild_id;
    const mentionsBot = message.mentions.some((u) => u.id === world.bot.id);
    gateway.dispatch('MESSAGE_CREATE', message, isDm ? INTENT_DIRECT_MESSAGES : INTENT_GUILD_MESSAGES, (d, intents) => {
      // Without the Message Content intent Discord blanks content, except in DMs, mentions and own messages.
      if (intents & INTENT_MESSAGE_CONTENT || isDm || mentionsBot || message.author.id === world.bot.id) return d;
      return { ...(d as object), content: '', embeds: [], attachments: [] };
    });
  };
  const handler = createRestHandler({ world, state, gatewayUrl: () => opts.announceGatewayUrl ?? gatewayUrl, onMessageCreated: dispatchMessage, onChange: notify });
  const server = await startHttpServer(handler);
  server.server.on('upgrade', (req, socket, head) => {
    if (new URL(req.url ?? '/', 'http://x').pathname === '/gateway') gateway.handleUpgrade(req, socket, head);
    else socket.destroy();
  });
  const gatewayUrl = `${server.baseUrl.replace(/^http/, 'ws')}/gateway`;
  gateway.setUrl(gatewayUrl);

  return {
    world,
    token,
    apiRoot: `${server.baseUrl}/api`,
    gatewayUrl,
    stats: gateway.stats,
    rest: state,
    say(o) {
      const channelId = o.in === 'dm' ? world.dmChannelFor(o.from).id : o.in;
      const content = o.mentionBot ? `<@${world.bot.id}> ${o.text}` : o.text;
      const message = world.buildMessage({
        authorId: o.from,
        channelId,
        content,
        mentions: o.mentionBot ? [world.bot.id] : [],
        replyTo: o.replyTo,
        attachments: o.attachments,
      });
      dispatchMessage(message);
      return message;
    },
    createThread(parentId, name) {
      const thread = world.createThread(parentId, name);
      gateway.dispatch('THREAD_CREATE', { ...thread, newly_created: true }, INTENT_GUILDS);
      return thread.id;
    },
    dispatchRaw: (t, d) => gateway.dispatch(t, d),
    sendRawFrame: (text) => gateway.sendRaw(text),
    sentIn(channelId) {
      return state.sent.filter((s) => s.channelId === channelId);
    },
    rateLimitNext(count, retryAfterMs, global = false) {
      state.rateLimit = { remaining: count, retryAfterMs, global };
    },
    setOutage(on) {
      state.outage = on;
    },
    setStalled: (on) => gateway.setStalled(on),
    drop: () => gateway.drop(),
    invalidateSessions: () => gateway.invalidateSessions(),
    liveSessions: () => gateway.liveSessions(),
    openSockets: () => gateway.openSockets(),
    revokeToken() {
      state.revoked = true;
      gateway.closeAll(4004, 'Authentication failed');
    },
    rejectIdentify(on) {
      identifyRejected = on;
    },
    closeGateway: (code, reason) => gateway.closeAll(code, reason),
    waitUntil(check, what, timeoutMs = 5000) {
      return new Promise<void>((resolve, reject) => {
        if (check()) return resolve();
        const timer = setTimeout(() => {
          waiters.delete(w);
          reject(new Error(`fake discord: timed out after ${timeoutMs} ms waiting for ${what}`));
        }, timeoutMs);
        const w = () => {
          if (!check()) return;
          clearTimeout(timer);
          waiters.delete(w);
          resolve();
        };
        waiters.add(w);
      });
    },
    async close() {
      gateway.close();
      await server.close();
    },
  };
}
