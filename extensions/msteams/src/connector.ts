/**
 * The Bot Connector REST calls the adapter makes, through the SDK's
 * `ConnectorClient` (activities built with its `MessageFactory`), each with a
 * time limit and cut short when the account stops, and with the connector's
 * answers mapped to channel errors.
 */
import { Activity, ActivityTypes, type Attachment } from '@microsoft/agents-activity';
import { ConnectorClient, HttpClient, MessageFactory, type HttpRequestConfig, type HttpResponse } from '@microsoft/agents-hosting';
import { ChannelAuthError, ChannelPermanentError, ChannelRateLimitError } from '../../../src-shared/domain/channel.js';
import { describeFetchError, retryAfterMs, type AccessTokenSource } from './access-token.js';

/** The SDK's HTTP client with a deadline on every request. */
class DeadlineHttpClient extends HttpClient {
  constructor(
    base: HttpClient,
    private readonly timeoutMs: number,
    private readonly stop: AbortSignal,
  ) {
    super({ baseURL: base.baseURL, headers: base.defaultHeaders });
  }

  override request<T = unknown>(config: HttpRequestConfig): Promise<HttpResponse<T>> {
    return super.request<T>({ ...config, signal: AbortSignal.any([this.stop, AbortSignal.timeout(this.timeoutMs)]) });
  }
}

/** `ConnectorClient` whose requests have deadlines. */
class DeadlineConnectorClient extends ConnectorClient {
  static open(serviceUrl: string, token: string, timeoutMs: number, stop: AbortSignal): ConnectorClient {
    // The SDK decides the headers (user agent, auth); only the transport gains a deadline.
    const plain = ConnectorClient.createClientWithToken(serviceUrl, token);
    return new DeadlineConnectorClient(new DeadlineHttpClient(plain.httpClient, timeoutMs, stop));
  }
}

/** One conversation to post into; `conversationId` may carry `;messageid=` for a channel thread. */
export interface ConnectorTarget {
  serviceUrl: string;
  conversationId: string;
}

/** Bot Connector client for one bot. */
export class Connector {
  constructor(
    private readonly tokens: AccessTokenSource,
    private readonly timeoutMs: number,
    private readonly stop: AbortSignal,
  ) {}

  /** Post a Markdown message (with image attachments); as a reply to `replyToId` when given. Returns the new activity id. */
  async sendText(target: ConnectorTarget, text: string, replyToId?: string, attachments: Attachment[] = []): Promise<string> {
    const activity = attachments.length ? MessageFactory.list(attachments, text || undefined) : MessageFactory.text(text);
    activity.textFormat = 'markdown';
    const res = await this.call(target.conversationId, (c) => {
      if (!replyToId) return c.sendToConversation(target.conversationId, activity);
      activity.replyToId = replyToId;
      return c.replyToActivity(target.conversationId, replyToId, activity);
    }, target.serviceUrl);
    return res.id ?? `${target.conversationId}:${Date.now()}`;
  }

  /** Show "typing…" in the conversation. */
  async sendTyping(target: ConnectorTarget): Promise<void> {
    await this.call(target.conversationId, (c) => c.sendToConversation(target.conversationId, new Activity(ActivityTypes.Typing)), target.serviceUrl);
  }

  /** Open (or find) the personal conversation between the bot and `userId`; returns its id. */
  async createPersonalConversation(serviceUrl: string, botId: string, userId: string, tenantId: string): Promise<string> {
    const res = await this.call(
      userId,
      (c) =>
        // The REST API names the bot `bot` (the SDK's type says `agent` and sends it as written); no first activity.
        c.createConversation({
          isGroup: false,
          bot: { id: botId },
          members: [{ id: userId }],
          tenantId,
          channelData: { tenant: { id: tenantId } },
        } as unknown as Parameters<ConnectorClient['createConversation']>[0]),
      serviceUrl,
    );
    if (!res.id) throw new ChannelPermanentError(`Teams opened no conversation with ${userId}`);
    return res.id;
  }

  private async call<T>(target: string, op: (client: ConnectorClient) => Promise<T>, serviceUrl: string, retried = false): Promise<T> {
    const token = await this.tokens.getToken();
    try {
      return await op(DeadlineConnectorClient.open(serviceUrl, token, this.timeoutMs, this.stop));
    } catch (err) {
      const status = (err as { status?: unknown }).status;
      if (typeof status !== 'number') throw new Error(`Bot Connector unreachable at ${serviceUrl} (${describeFetchError(err)})`);
      const response = (err as { response?: { headers?: Headers; data?: unknown } }).response;
      const detail = errorDetail(status, response?.data);
      if (status === 401) {
        // A token can be revoked before it expires; one fresh token decides whether the credentials are gone.
        this.tokens.invalidate();
        if (!retried) return this.call(target, op, serviceUrl, true);
        throw new ChannelAuthError(`The Bot Connector no longer accepts the Teams bot's token (${detail}); check channels.msteams.appId, appPassword and tenantId.`);
      }
      if (status === 429) throw new ChannelRateLimitError(retryAfterMs(response?.headers?.get('retry-after')));
      if (status === 403) throw new ChannelPermanentError(`Teams does not let the bot post to ${target} (${detail}); is the app still installed there?`);
      if (status === 404) throw new ChannelPermanentError(`Teams does not know the conversation ${target} (${detail})`);
      if (status === 400) throw new ChannelPermanentError(`Teams rejected the message for ${target} (${detail})`);
      throw new Error(`Bot Connector answered ${status} (${detail})`);
    }
  }
}

function errorDetail(status: number, data: unknown): string {
  const e = (data as { error?: { code?: unknown; message?: unknown } } | undefined)?.error;
  const code = typeof e?.code === 'string' ? e.code : String(status);
  return typeof e?.message === 'string' ? `${code}: ${e.message}` : code;
}
