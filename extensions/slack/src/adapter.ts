/**
 * One Slack account: a Bolt app in Socket Mode that turns `message` and
 * `app_mention` events into inbound messages, and posts replies with
 * `chat.postMessage`. The envelope of every event is acknowledged only after
 * `ctx.emit` resolved (see socket-receiver.ts).
 */
import { App } from '@slack/bolt';
import { WebClient } from '@slack/web-api';
import { ChannelAuthError, type ChannelAdapter, type ChannelContext, type ChannelSend } from '../../../src-shared/domain/channel.js';
import type { PeerKind } from '../../../src-shared/domain/inbound.js';
import { toSlackAuthError, toSlackSendError } from './errors.js';
import {
  buildSlackInbound,
  peerKindFromChannelId,
  peerKindFromChannelType,
  readSlackMessageEvent,
  slackMessageId,
  slackTsOf,
  type SlackMessageFields,
} from './normalize.js';
import { checkSlackConfig, resolveSlackSettings, slackTimings, type SlackSettings } from './settings.js';
import { createSlackLogger } from './slack-logger.js';
import { AckAfterProcessingReceiver } from './socket-receiver.js';

/** Who the bot is, from `auth.test`. */
interface SlackIdentity {
  botUserId: string;
  botId: string;
  botName?: string;
  teamId?: string;
  teamName?: string;
  teamUrl?: string;
}

type MessageEventType = 'message' | 'app_mention';

/** A `chat.postMessage` that hangs this long counts as failed (core retries). */
const SEND_TIMEOUT_MS = 30_000;
/** Display names are a nicety: an event never waits longer than this for one. */
const NAME_LOOKUP_MS = 2_000;
/** How many recent message ids remember which event type delivered them. */
const RECENT_LIMIT = 1_000;

/** The Slack adapter for one account. */
export class SlackAdapter implements ChannelAdapter {
  private readonly settings: SlackSettings;
  private readonly configError: string | undefined;
  private readonly web: WebClient;
  private readonly sdkLogger;
  private identity: SlackIdentity | undefined;
  private app: App | undefined;
  private receiver: AckAfterProcessingReceiver | undefined;
  private stopped = false;
  private stopping: Promise<void> | undefined;
  private failed = false;
  private readonly names = new Map<string, string>();
  private readonly kinds = new Map<string, PeerKind>();
  private readonly recent = new Map<string, MessageEventType>();
  private readonly lanes = new Map<string, Promise<void>>();

  constructor(
    private readonly ctx: ChannelContext,
    defaultLivenessMs: number,
  ) {
    this.configError = checkSlackConfig(ctx.config);
    this.settings = resolveSlackSettings(ctx.config, defaultLivenessMs);
    this.sdkLogger = createSlackLogger(ctx.log);
    this.web = new WebClient(this.settings.botToken, this.webOptions());
  }

  /** Check the bot token, then open the Socket Mode connection. */
  async start(): Promise<void> {
    if (this.configError) throw new ChannelAuthError(this.configError);
    if (this.app) throw new Error('Slack adapter already started');
    this.identity = await this.authenticate();
    if (this.stopped) return;
    const timings = slackTimings(this.settings.livenessMs);
    const receiver = new AckAfterProcessingReceiver({
      appToken: this.settings.appToken,
      apiRoot: this.settings.apiRoot,
      timings,
      log: this.ctx.log,
      sdkLogger: this.sdkLogger,
      onAlive: () => this.ctx.heartbeat(),
      onLost: (err) => this.failOnce(err),
    });
    const app = new App({
      token: this.settings.botToken,
      // Known from our own auth.test, so Bolt does not call it again.
      botId: this.identity.botId,
      botUserId: this.identity.botUserId,
      receiver,
      logger: this.sdkLogger,
      convoStore: false,
      clientOptions: this.webOptions(),
    });
    // Listener failures reach the receiver, which then leaves the envelope unacknowledged.
    app.error(async (err) => {
      throw err;
    });
    app.event('message', async ({ event, body }) => this.onMessageEvent('message', event, body));
    app.event('app_mention', async ({ event, body }) => this.onMessageEvent('app_mention', event, body));
    app.event('tokens_revoked', async ({ event }) => {
      // Also sent when a user's token is revoked; only the bot's own matters here.
      if (event.tokens?.bot?.includes(this.identity?.botUserId ?? '')) {
        this.failOnce(new ChannelAuthError('Slack revoked the bot token; reinstall the app and update channels.slack.botToken.'));
      }
    });
    app.event('app_uninstalled', async () => this.failOnce(new ChannelAuthError('The Slack app was uninstalled from the workspace; reinstall it and update channels.slack.botToken.')));
    this.app = app;
    this.receiver = receiver;
    try {
      await app.start();
    } catch (err) {
      await receiver.stop();
      throw err;
    }
    this.ctx.log.info('Slack connected in Socket Mode', { team: this.identity.teamName, botUserId: this.identity.botUserId });
  }

  /** Close the socket; resolves when no more events are processed. Idempotent. */
  stop(): Promise<void> {
    this.stopped = true;
    this.stopping ??= (async () => {
      await this.app?.stop();
    })();
    return this.stopping;
  }

  /** Post one message; `threadId` (or a reply in `replyToMode: thread`) becomes `thread_ts`. */
  async send(msg: ChannelSend): Promise<{ messageId: string }> {
    if (this.configError) throw new ChannelAuthError(this.configError);
    const replyTs = this.settings.replyToMode === 'thread' && msg.replyToMessageId ? slackTsOf(msg.replyToMessageId) : undefined;
    // Slack posts no media by URL without uploading it; links are sent as text and Slack unfurls them.
    const text = msg.mediaUrls?.length ? [msg.text, ...msg.mediaUrls].filter(Boolean).join('\n') : msg.text;
    try {
      const res = await this.web.chat.postMessage({ channel: msg.to.id, text, thread_ts: msg.threadId ?? replyTs });
      return { messageId: slackMessageId(res.channel ?? msg.to.id, String(res.ts)) };
    } catch (err) {
      throw toSlackSendError(err);
    }
  }

  /** Bot, workspace and socket state for `channels.status`. */
  describe(): Record<string, unknown> {
    return {
      botUserId: this.identity?.botUserId,
      botId: this.identity?.botId,
      botName: this.identity?.botName,
      teamId: this.identity?.teamId,
      teamName: this.identity?.teamName,
      teamUrl: this.identity?.teamUrl,
      socket: this.receiver?.state ?? 'idle',
      apiRoot: this.settings.apiRoot,
    };
  }

  private webOptions() {
    return {
      slackApiUrl: this.settings.apiRoot,
      logger: this.sdkLogger,
      // Core's delivery owns retries and waits out rate limits itself.
      retryConfig: { retries: 0 },
      rejectRateLimitedCalls: true,
      timeout: SEND_TIMEOUT_MS,
    };
  }

  private async authenticate(): Promise<SlackIdentity> {
    let res;
    try {
      res = await this.web.auth.test();
    } catch (err) {
      throw toSlackAuthError(err, 'botToken') ?? new Error(`Slack auth.test failed: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    }
    if (!res.user_id || !res.bot_id) {
      throw new ChannelAuthError('channels.slack.botToken is not a bot token: use the Bot User OAuth Token (xoxb-…) from your Slack app’s OAuth & Permissions page.');
    }
    return { botUserId: res.user_id, botId: res.bot_id, botName: res.user, teamId: res.team_id, teamName: res.team, teamUrl: res.url };
  }

  private failOnce(err: Error): void {
    if (this.failed || this.stopped) return;
    this.failed = true;
    this.ctx.log.error('Slack connection lost', { err: err.message });
    this.ctx.fail(err);
  }

  /** Throws to leave the envelope unacknowledged; returns (acknowledged) when the event is handled or skipped. */
  private async onMessageEvent(eventType: MessageEventType, event: unknown, body: unknown): Promise<void> {
    const identity = this.identity;
    if (!identity) throw new Error('Slack identity unknown');
    const read = readSlackMessageEvent(event, identity.botUserId);
    if (!read.ok) {
      if (read.malformed) this.ctx.log.warn('Skipped a malformed Slack event', { eventType, reason: read.reason });
      else this.ctx.log.debug('Skipped a Slack event', { eventType, reason: read.reason });
      return;
    }
    // One conversation at a time, in arrival order: a name lookup for one message must not let
    // the next one overtake it on its way to the queue.
    await this.inOrder(read.fields.channel, () => this.deliver(eventType, read.fields, body, identity));
  }

  private async deliver(eventType: MessageEventType, fields: SlackMessageFields, body: unknown, identity: SlackIdentity): Promise<void> {
    const messageId = slackMessageId(fields.channel, fields.ts);
    // `message` and `app_mention` both arrive for one mention, often at once: the first
    // claims the id and the other is skipped. A redelivery of the same event type goes
    // through again (core dedupes by messageId); a failed emit gives the claim back.
    const claimedBy = this.recent.get(messageId);
    if (claimedBy && claimedBy !== eventType) return;
    this.claim(messageId, eventType);
    try {
      const [peerKind, senderName] = await Promise.all([this.peerKindOf(fields), this.senderNameOf(fields)]);
      if (this.stopped) throw new Error('Slack adapter stopping');
      const msg = buildSlackInbound(fields, {
        channel: this.ctx.channel,
        accountId: this.ctx.accountId,
        botUserId: identity.botUserId,
        peerKind,
        teamId: teamIdOf(body) ?? fields.team ?? identity.teamId,
        senderName,
      });
      await this.ctx.emit(msg);
    } catch (err) {
      if (!claimedBy) this.recent.delete(messageId);
      throw err;
    }
  }

  private inOrder(key: string, work: () => Promise<void>): Promise<void> {
    const previous = this.lanes.get(key);
    const run = (previous ? previous.catch(() => undefined) : Promise.resolve()).then(work);
    this.lanes.set(key, run);
    const done = () => {
      if (this.lanes.get(key) === run) this.lanes.delete(key);
    };
    run.then(done, done);
    return run;
  }

  private claim(messageId: string, eventType: MessageEventType): void {
    this.recent.delete(messageId);
    this.recent.set(messageId, eventType);
    if (this.recent.size > RECENT_LIMIT) this.recent.delete(this.recent.keys().next().value as string);
  }

  /** `channel_type` when the event has it (and remember it), else `conversations.info`, else a guess from the id. */
  private async peerKindOf(fields: SlackMessageFields): Promise<PeerKind> {
    const fromType = peerKindFromChannelType(fields.channelType);
    if (fromType) {
      this.kinds.set(fields.channel, fromType);
      return fromType;
    }
    const known = this.kinds.get(fields.channel);
    if (known) return known;
    const info = await withinMs(this.web.conversations.info({ channel: fields.channel }), NAME_LOOKUP_MS).catch(() => undefined);
    const ch = info?.channel;
    const kind: PeerKind | undefined = !ch ? undefined : ch.is_im ? 'direct' : ch.is_mpim ? 'group' : 'channel';
    if (kind) this.kinds.set(fields.channel, kind);
    return kind ?? peerKindFromChannelId(fields.channel);
  }

  /** `user_profile` when the event has it, else a cached `users.info`; omitted when Slack does not say. */
  private async senderNameOf(fields: SlackMessageFields): Promise<string | undefined> {
    if (fields.profileName) return fields.profileName;
    const cached = this.names.get(fields.user);
    if (cached) return cached;
    const info = await withinMs(this.web.users.info({ user: fields.user }), NAME_LOOKUP_MS).catch((err: unknown) => {
      this.ctx.log.debug('users.info failed; sending without a display name', { err: err instanceof Error ? err.message : String(err) });
      return undefined;
    });
    const user = info?.user;
    const name = [user?.profile?.display_name, user?.profile?.real_name, user?.real_name, user?.name].find((n): n is string => typeof n === 'string' && n.length > 0);
    if (name) this.names.set(fields.user, name);
    return name;
  }
}

/** The workspace the app is installed in (the envelope's `team_id`): stays the same for Slack Connect senders. */
function teamIdOf(body: unknown): string | undefined {
  const teamId = (body as { team_id?: unknown } | undefined)?.team_id;
  return typeof teamId === 'string' && teamId ? teamId : undefined;
}

async function withinMs<T>(work: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([work, new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}
