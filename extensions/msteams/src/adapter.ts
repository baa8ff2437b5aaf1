/**
 * The Microsoft Teams adapter: a local HTTP messaging endpoint receives the
 * Bot Connector's activities (every request's JWT verified first), core gets
 * them through `ctx.emit`, and only then does the connector get its 200, so
 * an activity is never acknowledged before it is queued. Replies go out
 * through the Bot Connector REST API at the conversation's service URL.
 */
import { ChannelPermanentError, type ChannelAdapter, type ChannelContext, type ChannelSend } from '../../../src-shared/domain/channel.js';
import type { InboundMessage } from '../../../src-shared/domain/inbound.js';
import { AccessTokenSource } from './access-token.js';
import { createActivityVerifier, type ActivityVerifier } from './activity-verifier.js';
import { Connector, type ConnectorTarget } from './connector.js';
import { ConversationStore } from './conversation-store.js';
import { normalizeActivity, threadConversationId } from './normalize.js';
import { teamsMessage } from './outgoing.js';
import type { TeamsSettings } from './settings.js';
import { singleFlightProbe } from '../../../plugin-kit/liveness-probe.js';
import { WEBHOOK_OK, queueWebhookMessage, startWebhookServer, type WebhookReply, type WebhookServer } from '../../../plugin-kit/webhook-server.js';

// Activities are small JSON documents; anything bigger is not the connector.
const MAX_BODY_BYTES = 1024 * 1024;
const OK = WEBHOOK_OK;
const UNAUTHORIZED: WebhookReply = { status: 401, body: { error: 'unauthorized' } };

/** A running Teams bot account. */
export class TeamsAdapter implements ChannelAdapter {
  private verifier?: ActivityVerifier;
  private connector?: Connector;
  private server?: WebhookServer;
  private probeTimer?: NodeJS.Timeout;
  /** Liveness while nobody writes: Bot Framework answers a cheap request. */
  private readonly probe = singleFlightProbe({
    check: () => this.verifier!.refresh().then(() => undefined),
    stopped: () => this.stopped || !this.verifier,
    alive: () => this.ctx.heartbeat(),
    onError: (err) => this.ctx.log.warn('Teams liveness probe failed', { error: String(err.message ?? err) }),
  });
  private stopped = false;
  private stopping?: Promise<void>;
  private readonly store: ConversationStore;

  constructor(
    private readonly ctx: ChannelContext,
    private readonly settings: TeamsSettings,
  ) {
    this.store = new ConversationStore(ctx.dataDir);
  }

  async start(): Promise<void> {
    const s = this.settings;
    const timeoutMs = Math.min(10_000, Math.max(1_000, Math.floor(s.livenessMs / 3)));
    await this.store.load();
    const tokens = new AccessTokenSource({ appId: s.appId, appPassword: s.appPassword, tokenUrl: s.tokenUrl, scope: s.tokenScope, timeoutMs, signal: this.ctx.signal });
    // Proves the credentials now rather than at the first reply.
    await tokens.getToken();
    this.connector = new Connector(tokens, timeoutMs, this.ctx.signal);
    this.verifier = createActivityVerifier({ openIdMetadataUrl: s.openIdMetadataUrl, issuer: s.tokenIssuer, appId: s.appId, timeoutMs });
    await this.verifier.refresh();
    if (this.stopped) return;
    this.server = await startWebhookServer({
      host: s.webhookHost,
      port: s.webhookPort,
      path: s.webhookPath,
      maxBodyBytes: MAX_BODY_BYTES,
      handle: (headers, readBody) => this.onRequest(headers.authorization, readBody),
      name: 'The Teams messaging endpoint',
      portSetting: 'channels.msteams.webhookPort',
    });
    this.ctx.heartbeat();
    this.ctx.log.info('Teams messaging endpoint listening', { url: this.server.url, appId: s.appId, tenantId: s.tenantId ?? 'multi-tenant' });
    // Nobody may write for hours; a cheap key refresh shows Bot Framework is still reachable.
    this.probeTimer = setInterval(() => void this.probe(), Math.max(250, Math.floor(s.livenessMs / 3)));
    this.probeTimer.unref();
  }

  stop(): Promise<void> {
    this.stopping ??= (async () => {
      this.stopped = true;
      clearInterval(this.probeTimer);
      // Activities being queued right now still get their 200, so the connector does not send them again.
      await this.server?.close(2_000);
    })();
    return this.stopping;
  }

  async send(msg: ChannelSend): Promise<{ messageId: string }> {
    const connector = this.running();
    const target = await this.targetFor(msg.to, msg.threadId);
    const { text, attachments } = teamsMessage(msg.text, msg.mediaUrls ?? []);
    if (!text && !attachments.length) throw new ChannelPermanentError('Nothing to send: the message has no text and no media.');
    return { messageId: await connector.sendText(target, text, msg.replyToMessageId, attachments) };
  }

  async sendTyping(to: ChannelSend['to'], threadId?: string): Promise<void> {
    const connector = this.running();
    await connector.sendTyping(await this.targetFor(to, threadId));
  }

  describe(): Record<string, unknown> {
    return { webhookUrl: this.server?.url, appId: this.settings.appId, tenantId: this.settings.tenantId ?? 'multi-tenant' };
  }

  private running(): Connector {
    if (!this.connector || this.stopped) throw new Error('Microsoft Teams is not running');
    return this.connector;
  }

  /** The conversation and service URL for a peer; a user's personal chat is opened when the bot has none yet. */
  private async targetFor(to: ChannelSend['to'], threadId?: string): Promise<ConnectorTarget> {
    if (to.kind === 'direct' && !to.id.startsWith('a:')) {
      const known = this.store.personalConversation(to.id);
      if (known) return { conversationId: known, serviceUrl: this.store.conversation(known)?.serviceUrl ?? this.settings.apiRoot };
      const tenantId = this.settings.tenantId ?? this.store.someTenant();
      if (!tenantId) {
        throw new ChannelPermanentError(`Teams has no chat between the bot and ${to.id} yet, and no tenant is known to start one: they must message the bot first, or set channels.msteams.tenantId.`);
      }
      const conversationId = await this.running().createPersonalConversation(this.settings.apiRoot, `28:${this.settings.appId}`, to.id, tenantId);
      await this.store.remember({ conversationId, serviceUrl: this.settings.apiRoot, tenantId }, to.id);
      return { conversationId, serviceUrl: this.settings.apiRoot };
    }
    const serviceUrl = this.store.conversation(to.id)?.serviceUrl ?? this.settings.apiRoot;
    return { conversationId: threadConversationId(to.id, threadId), serviceUrl };
  }

  private async onRequest(authorization: string | undefined, readBody: () => Promise<Buffer>): Promise<WebhookReply> {
    if (this.stopped) return { status: 503, body: { error: 'shutting down' } };
    const verifier = this.verifier as ActivityVerifier;
    const verdict = await verifier.verifyToken(authorization);
    if (!verdict.ok) {
      this.ctx.log.warn('Teams request rejected', { reason: verdict.reason });
      return UNAUTHORIZED;
    }
    let activity: unknown;
    try {
      activity = JSON.parse((await readBody()).toString('utf8'));
    } catch (err) {
      if ((err as Error).name === 'BodyTooLargeError') throw err;
      this.ctx.log.warn('Teams activity is not JSON; rejected');
      return { status: 400, body: { error: 'malformed JSON' } };
    }
    const mismatch = verifier.checkActivity(verdict, (activity ?? {}) as { channelId?: unknown; serviceUrl?: unknown });
    if (mismatch) {
      this.ctx.log.warn('Teams request rejected', { reason: mismatch });
      return UNAUTHORIZED;
    }
    this.ctx.heartbeat();
    const result = normalizeActivity(activity, { channel: this.ctx.channel, accountId: this.ctx.accountId, appId: this.settings.appId });
    if (result.kind === 'invalid') {
      // Acknowledged so the connector does not resend a payload that will never parse.
      this.ctx.log.warn('Teams activity skipped', { reason: result.reason });
      return OK;
    }
    if (result.kind === 'ignored') {
      this.ctx.log.debug('Teams activity ignored', { reason: result.reason });
      return OK;
    }
    const ref = result.ref;
    // The conversation reference is kept with the message: replies need it, so a failure to keep it is a failure to queue.
    const remembered = {
      log: this.ctx.log,
      emit: async (msg: InboundMessage) => {
        await this.store.remember(ref, msg.peer.kind === 'direct' ? msg.senderId : undefined);
        await this.ctx.emit(msg);
      },
    };
    return (await queueWebhookMessage(remembered, result.msg, { platform: 'Teams', stopped: this.stopped })) ?? OK;
  }


}
