/**
 * The Google Chat adapter: a local HTTP endpoint receives Chat's events
 * (every request's bearer token verified first), core gets them through
 * `ctx.emit`, and only then does Chat get its 200, so an event is never
 * acknowledged before it is queued. Replies go out through the REST API as
 * the app, never in the HTTP response.
 */
import {
  ChannelPermanentError,
  type ChannelAdapter,
  type ChannelContext,
  type ChannelSend,
} from '../../../src-shared/domain/channel.js';
import { AccessTokenSource } from './access-token.js';
import { ChatApi } from './chat-api.js';
import { normalizeChatEvent } from './normalize.js';
import { createRequestVerifier, type RequestVerifier } from './request-verifier.js';
import { DEFAULT_TOKEN_URI, loadServiceAccount, type GoogleChatSettings } from './settings.js';
import { singleFlightProbe } from '../../../plugin-kit/liveness-probe.js';
import { WEBHOOK_OK, queueWebhookMessage, startWebhookServer, type WebhookReply, type WebhookServer } from '../../../plugin-kit/webhook-server.js';

// Chat events are small JSON documents; anything bigger is not Chat.
const MAX_BODY_BYTES = 1024 * 1024;
const OK = WEBHOOK_OK;

/** A running Google Chat account. */
export class GoogleChatAdapter implements ChannelAdapter {
  private verifier?: RequestVerifier;
  private api?: ChatApi;
  private server?: WebhookServer;
  private clientEmail?: string;
  private probeTimer?: NodeJS.Timeout;
  /** Liveness while nobody writes: Google answers a cheap request. */
  private readonly probe = singleFlightProbe({
    check: () => this.verifier!.refresh().then(() => undefined),
    stopped: () => this.stopped || !this.verifier,
    alive: () => this.ctx.heartbeat(),
    onError: (err) => this.ctx.log.warn('Google Chat liveness probe failed', { error: String(err.message ?? err) }),
  });
  private stopped = false;
  private stopping?: Promise<void>;
  // users/… → the DM space with that user, learnt from events or looked up once.
  private readonly dmSpaces = new Map<string, string>();

  constructor(
    private readonly ctx: ChannelContext,
    private readonly settings: GoogleChatSettings,
  ) {}

  async start(): Promise<void> {
    const s = this.settings;
    const timeoutMs = Math.min(10_000, Math.max(1_000, Math.floor(s.livenessMs / 3)));
    const account = await loadServiceAccount(s);
    this.clientEmail = account.client_email;
    const tokens = new AccessTokenSource(account, s.tokenUri ?? account.token_uri ?? DEFAULT_TOKEN_URI, timeoutMs);
    await tokens.init();
    // Proves the credentials now rather than at the first reply.
    await tokens.getToken();
    this.api = new ChatApi(s.apiRoot, tokens, timeoutMs);
    this.verifier = createRequestVerifier({ audienceType: s.audienceType, audience: s.audience, certsUrl: s.certsUrl, timeoutMs });
    try {
      await this.verifier.refresh();
    } catch (err) {
      throw new Error(`Could not load Google Chat's request-signing keys from ${s.certsUrl} (${String((err as Error).message ?? err)}).`);
    }
    if (this.stopped) return;
    this.server = await startWebhookServer({
      host: s.webhookHost,
      port: s.webhookPort,
      path: s.webhookPath,
      maxBodyBytes: MAX_BODY_BYTES,
      handle: (headers, readBody) => this.onRequest(headers.authorization, readBody),
      name: 'The Google Chat endpoint',
      portSetting: 'channels.googlechat.webhookPort',
    });
    this.ctx.heartbeat();
    this.ctx.log.info('Google Chat endpoint listening', { url: this.server.url, audienceType: s.audienceType });
    // Nobody may write for hours; a cheap key refresh shows Google is still reachable.
    this.probeTimer = setInterval(() => void this.probe(), Math.max(250, Math.floor(s.livenessMs / 3)));
    this.probeTimer.unref();
  }

  stop(): Promise<void> {
    this.stopping ??= (async () => {
      this.stopped = true;
      clearInterval(this.probeTimer);
      // Events being queued right now still get their 200, so Chat does not send them again.
      await this.server?.close(2_000);
    })();
    return this.stopping;
  }

  async send(msg: ChannelSend): Promise<{ messageId: string }> {
    if (!this.api || this.stopped) throw new Error('Google Chat is not running');
    const space = await this.spaceFor(msg.to);
    const created = await this.api.createMessage(space, msg.text, msg.threadId);
    return { messageId: created.name };
  }

  describe(): Record<string, unknown> {
    return { webhookUrl: this.server?.url, audienceType: this.settings.audienceType, botUser: this.settings.botUser, serviceAccount: this.clientEmail };
  }

  private async spaceFor(to: ChannelSend['to']): Promise<string> {
    if (to.id.startsWith('spaces/')) return to.id;
    if (to.kind === 'direct' && to.id.startsWith('users/')) {
      const known = this.dmSpaces.get(to.id);
      if (known) return known;
      const found = await (this.api as ChatApi).findDirectMessage(to.id);
      this.dmSpaces.set(to.id, found);
      return found;
    }
    throw new ChannelPermanentError(`Google Chat cannot send to ${to.kind} "${to.id}": expected spaces/… or, for a direct message, users/….`);
  }

  private async onRequest(authorization: string | undefined, readBody: () => Promise<Buffer>): Promise<WebhookReply> {
    if (this.stopped) return { status: 503, body: { error: 'shutting down' } };
    const verdict = await (this.verifier as RequestVerifier).verify(authorization);
    if (!verdict.ok) {
      this.ctx.log.warn('Google Chat request rejected', { reason: verdict.reason });
      return { status: 401, body: { error: 'unauthorized' } };
    }
    this.ctx.heartbeat();
    let event: unknown;
    try {
      event = JSON.parse((await readBody()).toString('utf8'));
    } catch (err) {
      if ((err as Error).name === 'BodyTooLargeError') throw err;
      this.ctx.log.warn('Google Chat event is not JSON; rejected');
      return { status: 400, body: { error: 'malformed JSON' } };
    }
    const result = normalizeChatEvent(event, { channel: this.ctx.channel, accountId: this.ctx.accountId, botUser: this.settings.botUser });
    if (result.kind === 'invalid') {
      // Acknowledged so Chat does not resend a payload that will never parse.
      this.ctx.log.warn('Google Chat event skipped', { reason: result.reason });
      return OK;
    }
    if (result.kind === 'ignored') {
      this.ctx.log.debug('Google Chat event ignored', { reason: result.reason });
      return OK;
    }
    if (result.dmSpace) this.dmSpaces.set(result.msg.senderId, result.dmSpace);
    return (await queueWebhookMessage(this.ctx, result.msg, { platform: 'Google Chat', stopped: this.stopped })) ?? OK;
  }


}
