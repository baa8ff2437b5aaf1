/**
 * The few Twitch API (Helix) calls whispers need: look a user up by login,
 * subscribe to EventSub on a WebSocket session, send a whisper. Every call
 * carries the bot's user token and the app's Client-Id (from the token
 * check). Failures are the channel contract's errors: 401 → revoked token,
 * 429 → rate limit with the wait from `Ratelimit-Reset`, 400/403/404 → a send
 * that can never succeed as asked.
 */
import { ChannelAuthError, ChannelPermanentError, ChannelRateLimitError } from '../../../src-shared/domain/channel.js';

export const DEFAULT_HELIX_URL = 'https://api.twitch.tv/helix';

/** How long a 429 asks us to wait: `Ratelimit-Reset` is the epoch second the bucket refills. */
export function helixRetryAfterMs(headers: Headers, now = Date.now()): number {
  const reset = Number(headers.get('ratelimit-reset'));
  if (Number.isFinite(reset) && reset > 0) return Math.max(1000, reset * 1000 - now);
  return 1000;
}

/** An EventSub subscription as Helix returns it. */
export interface EventSubSubscription {
  id: string;
  status: string;
  type: string;
}

export class HelixClient {
  constructor(
    private readonly opts: { baseUrl: string; token: string; clientId: string; timeoutMs: number },
  ) {}

  /** The numeric user id of a login; `undefined` when Twitch knows no such user. */
  async userId(login: string): Promise<string | undefined> {
    const body = (await this.call('GET', `/users?login=${encodeURIComponent(login)}`)) as { data?: { id?: unknown }[] };
    const id = body.data?.[0]?.id;
    return typeof id === 'string' && id ? id : undefined;
  }

  /** Subscribe this WebSocket session to one EventSub type. */
  async subscribe(type: string, version: string, condition: Record<string, string>, sessionId: string): Promise<EventSubSubscription> {
    const body = (await this.call('POST', '/eventsub/subscriptions', { type, version, condition, transport: { method: 'websocket', session_id: sessionId } })) as {
      data?: EventSubSubscription[];
    };
    const sub = body.data?.[0];
    if (!sub) throw new Error(`Twitch accepted the ${type} subscription but returned none`);
    return sub;
  }

  /** Send a whisper (Twitch answers 204 even when it drops one silently for policy reasons). */
  async whisper(fromUserId: string, toUserId: string, message: string): Promise<void> {
    await this.call('POST', `/whispers?from_user_id=${encodeURIComponent(fromUserId)}&to_user_id=${encodeURIComponent(toUserId)}`, { message });
  }

  private async call(method: string, path: string, json?: unknown): Promise<unknown> {
    const what = `${method} ${path.split('?')[0]}`;
    let res: Response;
    try {
      res = await fetch(`${this.opts.baseUrl}${path}`, {
        method,
        headers: { authorization: `Bearer ${this.opts.token}`, 'client-id': this.opts.clientId, ...(json !== undefined ? { 'content-type': 'application/json' } : {}) },
        ...(json !== undefined ? { body: JSON.stringify(json) } : {}),
        signal: AbortSignal.timeout(this.opts.timeoutMs),
      });
    } catch (err) {
      const cause = (err as { cause?: { code?: unknown } } | null)?.cause;
      throw new Error(`Could not reach the Twitch API for ${what} (${typeof cause?.code === 'string' ? cause.code : (err as Error).message ?? String(err)}).`);
    }
    const text = await res.text().catch(() => '');
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = undefined;
    }
    if (res.ok) return body;
    const said = typeof (body as { message?: unknown } | undefined)?.message === 'string' ? `: ${(body as { message: string }).message}` : '';
    if (res.status === 401) {
      throw new ChannelAuthError(
        `Twitch refused the access token for ${what}${said}. Whispers need the user:manage:whispers scope (user:read:whispers to only receive them); create a new token and put it in channels.twitch.accessToken.`,
      );
    }
    if (res.status === 429) {
      const ms = helixRetryAfterMs(res.headers);
      throw new ChannelRateLimitError(ms, `Twitch rate limit on ${what}; retry after ${Math.ceil(ms / 1000)} s`);
    }
    if (res.status === 400 || res.status === 403 || res.status === 404) throw new ChannelPermanentError(`Twitch refused ${what} (HTTP ${res.status})${said}`);
    throw new Error(`The Twitch API is unavailable (HTTP ${res.status} on ${what})${said}; will retry.`);
  }
}
