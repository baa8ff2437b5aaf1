/**
 * The Messaging API calls the adapter makes, through `@line/bot-sdk`, with a
 * deadline on each and LINE's answers mapped to the channel contract:
 * 401 is a revoked token, 429 a rate limit, other 4xx a send that can never
 * succeed, 5xx and network trouble worth retrying.
 */
import { HTTPFetchError, messagingApi } from '@line/bot-sdk';
import { ChannelAuthError, ChannelPermanentError, ChannelRateLimitError } from '../../../src-shared/domain/channel.js';
import type { LineOutMessage } from './outgoing.js';

/** Said whenever LINE refuses the channel access token. */
export const BAD_TOKEN_MESSAGE =
  'LINE rejected the channel access token. Issue a new one (LINE Developers console → your channel → Messaging API → Channel access token) and put it in channels.line.channelAccessToken.';

/** What `GET /v2/bot/info` tells about the bot. */
export interface LineBotInfo {
  userId: string;
  basicId?: string;
  displayName?: string;
}

/** LINE's reason for a 400 on a reply whose token was used or has expired. */
export function isInvalidReplyToken(err: unknown): boolean {
  return err instanceof ChannelPermanentError && /reply token/i.test(err.message);
}

function retryAfterMs(headers: Headers | undefined): number {
  const v = headers?.get('retry-after');
  const seconds = v ? Number(v) : NaN;
  // LINE usually sends no Retry-After; its limits are per second, so a second is the honest wait.
  return Number.isFinite(seconds) && seconds >= 0 ? Math.max(1000, Math.ceil(seconds * 1000)) : 1000;
}

function lineMessage(body: unknown): string {
  if (typeof body !== 'string' || !body) return '';
  try {
    const parsed = JSON.parse(body) as { message?: unknown; details?: { message?: unknown; property?: unknown }[] };
    const details = Array.isArray(parsed.details) ? parsed.details.map((d) => `${String(d.property ?? '')} ${String(d.message ?? '')}`.trim()).join('; ') : '';
    return [typeof parsed.message === 'string' ? parsed.message : '', details].filter(Boolean).join(': ');
  } catch {
    return body.slice(0, 200);
  }
}

/** The error a failed call stands for. */
export function lineError(err: unknown, what: string): Error {
  if (err instanceof HTTPFetchError) {
    const said = lineMessage(err.body);
    const detail = said ? `: ${said}` : '';
    if (err.status === 401) return new ChannelAuthError(BAD_TOKEN_MESSAGE);
    if (err.status === 429) return new ChannelRateLimitError(retryAfterMs(err.headers as Headers | undefined), `LINE rate limit on ${what}${detail}`);
    if (err.status >= 400 && err.status < 500) return new ChannelPermanentError(`LINE refused ${what} (HTTP ${err.status}${detail})`);
    return new Error(`LINE is unavailable (HTTP ${err.status} on ${what})${detail}; will retry.`);
  }
  const cause = (err as { cause?: { code?: unknown } } | null)?.cause;
  const detail = typeof cause?.code === 'string' ? cause.code : err instanceof Error ? err.message : String(err);
  return new Error(`Could not reach LINE for ${what} (${detail}).`);
}

/** Messaging API client for one channel. */
export class LineApi {
  private readonly client: messagingApi.MessagingApiClient;

  constructor(
    apiRoot: string,
    channelAccessToken: string,
    private readonly timeoutMs: number,
  ) {
    this.client = new messagingApi.MessagingApiClient({ channelAccessToken, baseURL: apiRoot });
  }

  /** `GET /v2/bot/info`: proves the token and names the bot. */
  async botInfo(): Promise<LineBotInfo> {
    const info = await this.call('GET /v2/bot/info', () => this.client.getBotInfo());
    return { userId: info.userId, basicId: info.basicId, displayName: info.displayName };
  }

  /** `POST /v2/bot/message/reply` with up to five messages; the token is spent either way. */
  async reply(replyToken: string, messages: LineOutMessage[]): Promise<string> {
    const res = await this.call('POST /v2/bot/message/reply', () => this.client.replyMessage({ replyToken, messages }));
    return res.sentMessages?.[0]?.id ?? `reply-${replyToken.slice(0, 8)}`;
  }

  /** `POST /v2/bot/message/push` with up to five messages; `retryKey` makes a repeat of the same push harmless. */
  async push(to: string, messages: LineOutMessage[], retryKey: string): Promise<string> {
    try {
      const res = await this.call('POST /v2/bot/message/push', () => this.client.pushMessage({ to, messages }, retryKey));
      return res.sentMessages?.[0]?.id ?? `push-${retryKey}`;
    } catch (err) {
      // 409: LINE already accepted a push with this retry key (an earlier attempt timed out after it got through).
      if (err instanceof ChannelPermanentError && /HTTP 409/.test(err.message)) return `push-${retryKey}`;
      throw err;
    }
  }

  private async call<T>(what: string, run: () => Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    // The SDK's fetch takes no signal; the deadline abandons the call instead of waiting on a silent server.
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`LINE did not answer ${what} within ${this.timeoutMs} ms`)), this.timeoutMs);
    });
    try {
      return await Promise.race([run().catch((err: unknown) => Promise.reject(lineError(err, what))), deadline]);
    } finally {
      clearTimeout(timer);
    }
  }
}
