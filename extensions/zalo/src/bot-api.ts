/**
 * The Zalo Bot Platform HTTP API (bot.zaloplatforms.com/docs): every call is
 * `POST <apiRoot>/bot<TOKEN>/<method>` with a JSON body, answered
 * `{ ok, result }` or `{ ok: false, error_code, description }`. Failures are
 * mapped to the channel contract here, once.
 */
import { ChannelAuthError, ChannelPermanentError, ChannelRateLimitError } from '../../../src-shared/domain/channel.js';

export const DEFAULT_API_ROOT = 'https://bot-api.zaloplatforms.com';

/** Said whenever Zalo refuses the bot token. */
export const BAD_TOKEN_MESSAGE =
  'Zalo rejected the bot token. Open Zalo Bot Manager, take the bot\'s current token (or create a new one) and put it in channels.zalo.botToken.';

/** `getMe`. */
export interface ZaloBotInfo {
  id: string;
  account_name?: string;
  display_name?: string;
  account_type?: string;
}

/** A long poll that ended without an update (Zalo answers 408 for that). */
export const NO_UPDATE = Symbol('no update');

export class ZaloBotApi {
  constructor(
    private readonly apiRoot: string,
    private readonly token: string,
  ) {}

  getMe(signal: AbortSignal): Promise<ZaloBotInfo> {
    return this.call<ZaloBotInfo>('getMe', {}, signal);
  }

  /** One long poll; resolves with the update(s) Zalo handed over, or {@link NO_UPDATE}. */
  async getUpdates(timeoutSeconds: number, signal: AbortSignal): Promise<unknown[] | typeof NO_UPDATE> {
    try {
      const result = await this.call<unknown>('getUpdates', { timeout: String(timeoutSeconds) }, signal);
      if (result === null || result === undefined) return NO_UPDATE;
      return Array.isArray(result) ? result : [result];
    } catch (err) {
      if ((err as { zaloCode?: number }).zaloCode === 408) return NO_UPDATE;
      throw err;
    }
  }

  /** Polling and a webhook exclude each other; polling mode clears any webhook left from elsewhere. */
  deleteWebhook(signal: AbortSignal): Promise<unknown> {
    return this.call('deleteWebhook', {}, signal);
  }

  /** Zalo then POSTs every update to `url` with `X-Bot-Api-Secret-Token: <secret>`. */
  setWebhook(url: string, secret: string, signal: AbortSignal): Promise<unknown> {
    return this.call('setWebhook', { url, secret_token: secret }, signal);
  }

  sendMessage(chatId: string, text: string, signal: AbortSignal): Promise<{ message_id?: string; date?: number }> {
    return this.call('sendMessage', { chat_id: chatId, text }, signal);
  }

  private async call<T>(method: string, body: unknown, signal: AbortSignal): Promise<T> {
    let res: Response;
    try {
      res = await fetch(`${this.apiRoot}/bot${this.token}/${method}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
        signal,
      });
    } catch (err) {
      if (signal.aborted) throw signal.reason instanceof Error ? signal.reason : new Error(`Zalo ${method} aborted`);
      const cause = (err as { cause?: { code?: unknown } } | null)?.cause;
      throw new Error(`Could not reach Zalo for ${method} (${typeof cause?.code === 'string' ? cause.code : (err as Error).message}).`);
    }
    const data = (await res.json().catch(() => undefined)) as { ok?: boolean; result?: unknown; error_code?: number; description?: string } | undefined;
    if (res.ok && data?.ok === true) return data.result as T;
    const code = data?.error_code ?? res.status;
    const said = data?.description ? `: ${data.description}` : '';
    if (code === 401 || code === 403 || res.status === 401) throw new ChannelAuthError(BAD_TOKEN_MESSAGE);
    if (code === 429 || res.status === 429) {
      const after = Number(res.headers.get('retry-after'));
      throw new ChannelRateLimitError(Number.isFinite(after) && after > 0 ? after * 1000 : 1000, `Zalo rate limit on ${method}${said}`);
    }
    if (code === 408) throw Object.assign(new Error(`Zalo ${method} timed out${said}`), { zaloCode: 408 });
    if (res.status >= 500 || code >= 500) throw new Error(`Zalo is unavailable (HTTP ${res.status} on ${method})${said}; will retry.`);
    throw new ChannelPermanentError(`Zalo refused ${method} (error ${code})${said}`);
  }
}
