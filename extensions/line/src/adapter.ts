/**
 * The LINE adapter: a local HTTP endpoint receives LINE's webhooks (each
 * body's `x-line-signature` verified before it is parsed), core gets every
 * message through `ctx.emit`, and only then does LINE get its 200, so an
 * event is never acknowledged before it is queued (a non-2xx makes LINE
 * redeliver, when redelivery is on). Answers use the event's reply token
 * while it is fresh (free of charge) and the push API after.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { ChannelPermanentError, type ChannelAdapter, type ChannelContext, type ChannelSend } from '../../../src-shared/domain/channel.js';
import { isInvalidReplyToken, LineApi, type LineBotInfo } from './line-api.js';
import { normalizeLineEvent, webhookEvents } from './normalize.js';
import { lineMessages } from './outgoing.js';
import type { LineSettings } from './settings.js';
import { verifyLineSignature } from './signature.js';
import { singleFlightProbe } from '../../../plugin-kit/liveness-probe.js';
import { WEBHOOK_OK, queueWebhookMessage, startWebhookServer, type WebhookReply, type WebhookServer } from '../../../plugin-kit/webhook-server.js';

// Webhook bodies are small JSON documents (a few events); anything bigger is not LINE.
const MAX_BODY_BYTES = 1024 * 1024;
// LINE asks that a reply token be used within about a minute of the event; past that, push.
export const REPLY_TOKEN_TTL_MS = 50_000;
// A failed push keeps its retry key this long, so a retry of the same text cannot be delivered twice.
const RETRY_KEY_TTL_MS = 10 * 60_000;
const OK = WEBHOOK_OK;

/** A running LINE account. */
export class LineAdapter implements ChannelAdapter {
  private api?: LineApi;
  private bot?: LineBotInfo;
  private server?: WebhookServer;
  private probeTimer?: NodeJS.Timeout;
  /** Liveness while nobody writes: LINE answers a cheap request. */
  private readonly probe = singleFlightProbe({
    check: () => this.api!.botInfo().then(() => undefined),
    stopped: () => this.stopped || !this.api,
    alive: () => this.ctx.heartbeat(),
    onError: (err) => err.name === 'ChannelAuthError' ? this.ctx.fail(err) : this.ctx.log.warn('LINE liveness probe failed', { error: String(err.message ?? err) }),
  });
  private stopped = false;
  private stopping?: Promise<void>;
  // peer id → the newest unused reply token for it.
  private readonly replyTokens = new Map<string, { token: string; at: number }>();
  private readonly retryKeys = new Map<string, { key: string; at: number }>();

  constructor(
    private readonly ctx: ChannelContext,
    private readonly settings: LineSettings,
  ) {}

  async start(): Promise<void> {
    const s = this.settings;
    this.api = new LineApi(s.apiRoot, s.channelAccessToken, Math.min(10_000, Math.max(1_000, Math.floor(s.livenessMs / 3))));
    this.bot = await this.api.botInfo();
    if (this.stopped) return;
    this.server = await startWebhookServer({
      host: s.webhookHost,
      port: s.webhookPort,
      path: s.webhookPath,
      maxBodyBytes: MAX_BODY_BYTES,
      handle: (headers, readBody) => this.onWebhook(headers, readBody),
      name: 'The LINE webhook endpoint',
      portSetting: 'channels.line.webhookPort',
    });
    this.ctx.heartbeat();
    this.ctx.log.info('LINE webhook endpoint listening', { url: this.server.url, bot: this.bot.basicId ?? this.bot.userId });
    // Nobody may write for hours; a cheap bot-info call shows LINE still takes the token.
    this.probeTimer = setInterval(() => void this.probe(), Math.max(250, Math.floor(s.livenessMs / 3)));
    this.probeTimer.unref();
  }

  stop(): Promise<void> {
    this.stopping ??= (async () => {
      this.stopped = true;
      clearInterval(this.probeTimer);
      // Webhooks being queued right now still get their 200, so LINE does not send them again.
      await this.server?.close(2_000);
    })();
    return this.stopping;
  }

  async send(msg: ChannelSend): Promise<{ messageId: string }> {
    const api = this.api;
    if (!api || this.stopped) throw new Error('LINE is not running');
    if (!/^[UCR][0-9a-f]{32}$/.test(msg.to.id)) {
      throw new ChannelPermanentError(`LINE cannot send to "${msg.to.id}": expected a user (U…), group (C…) or room (R…) id.`);
    }
    const messages = lineMessages(msg.text, msg.mediaUrls ?? []);
    if (!messages.length) throw new ChannelPermanentError('Nothing to send: the message has no text and no media.');
    const fresh = this.takeReplyToken(msg.to.id);
    if (fresh) {
      try {
        return { messageId: await api.reply(fresh, messages) };
      } catch (err) {
        // Spent or expired after all (LINE's clock, a redelivered event): the push API still reaches them.
        if (!isInvalidReplyToken(err)) throw err;
        this.ctx.log.debug('LINE reply token no longer valid; pushing instead', { to: msg.to.id });
      }
    }
    const slot = `${msg.to.id}\n${JSON.stringify(messages)}`;
    const now = Date.now();
    for (const [k, v] of this.retryKeys) if (now - v.at > RETRY_KEY_TTL_MS) this.retryKeys.delete(k);
    const key = this.retryKeys.get(slot)?.key ?? randomUUID();
    this.retryKeys.set(slot, { key, at: this.retryKeys.get(slot)?.at ?? now });
    const messageId = await api.push(msg.to.id, messages, key);
    this.retryKeys.delete(slot);
    return { messageId };
  }

  describe(): Record<string, unknown> {
    return { webhookUrl: this.server?.url, botUserId: this.bot?.userId, basicId: this.bot?.basicId, displayName: this.bot?.displayName };
  }

  private takeReplyToken(peerId: string): string | undefined {
    const entry = this.replyTokens.get(peerId);
    this.replyTokens.delete(peerId);
    return entry && Date.now() - entry.at < REPLY_TOKEN_TTL_MS ? entry.token : undefined;
  }

  private async onWebhook(headers: IncomingHttpHeaders, readBody: () => Promise<Buffer>): Promise<WebhookReply> {
    if (this.stopped) return { status: 503, body: { error: 'shutting down' } };
    const body = await readBody();
    const signature = headers['x-line-signature'];
    if (!verifyLineSignature(body, typeof signature === 'string' ? signature : undefined, this.settings.channelSecret)) {
      this.ctx.log.warn('LINE webhook rejected: bad or missing x-line-signature');
      return { status: 401, body: { error: 'invalid signature' } };
    }
    this.ctx.heartbeat();
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString('utf8'));
    } catch {
      this.ctx.log.warn('LINE webhook is not JSON; rejected');
      return { status: 400, body: { error: 'malformed JSON' } };
    }
    const events = webhookEvents(parsed);
    if (typeof events === 'string') {
      this.ctx.log.warn('LINE webhook skipped', { reason: events });
      return OK;
    }
    // The console's "Verify" button sends an empty event list: answering 200 is the whole test.
    for (const event of events) {
      const result = normalizeLineEvent(event, { channel: this.ctx.channel, accountId: this.ctx.accountId, botUserId: this.bot?.userId });
      if (result.kind === 'ignored') {
        this.ctx.log.debug('LINE event ignored', { reason: result.reason });
        continue;
      }
      // Kept before queueing: the answer may be on its way before `emit` resolves. A redelivered
      // event's token may be stale already; the age check and the push fallback cover it.
      if (result.replyToken && !this.stopped) this.replyTokens.set(result.msg.peer.id, { token: result.replyToken, at: Date.now() });
      // Not 2xx: LINE redelivers the whole body; events already queued are deduplicated by message id.
      const refused = await queueWebhookMessage(this.ctx, result.msg, { platform: 'LINE', stopped: this.stopped });
      if (refused) return refused;
    }
    return OK;
  }


}
