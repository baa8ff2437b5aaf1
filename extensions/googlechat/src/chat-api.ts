/**
 * The few Google Chat REST calls the adapter makes, as the app (service
 * account, scope chat.bot), with platform errors mapped to channel errors.
 */
import { ChannelAuthError, ChannelPermanentError, ChannelRateLimitError } from '../../../src-shared/domain/channel.js';
import { describeFetchError, retryAfterMs, type AccessTokenSource } from './access-token.js';

/** A created Chat message (`spaces/…/messages/…`). */
export interface ChatMessageRef {
  name: string;
  thread?: { name?: string };
}

/** Chat REST client. */
export class ChatApi {
  constructor(
    private readonly apiRoot: string,
    private readonly tokens: AccessTokenSource,
    private readonly timeoutMs: number,
  ) {}

  /** `spaces.messages.create`; in a thread when `threadName` is given (or a new thread if it is gone). */
  createMessage(space: string, text: string, threadName?: string): Promise<ChatMessageRef> {
    const query = threadName ? '?messageReplyOption=REPLY_MESSAGE_FALLBACK_TO_NEW_THREAD' : '';
    return this.call<ChatMessageRef>('POST', `/v1/${space}/messages${query}`, { text, ...(threadName ? { thread: { name: threadName } } : {}) }, space);
  }

  /** `spaces.findDirectMessage`: the DM space between `user` and the app. */
  async findDirectMessage(user: string): Promise<string> {
    const space = await this.call<{ name?: string }>('GET', `/v1/spaces:findDirectMessage?name=${encodeURIComponent(user)}`, undefined, user);
    if (!space.name) throw new ChannelPermanentError(`Google Chat has no direct message space with ${user}`);
    return space.name;
  }

  private async call<T>(method: string, path: string, body: unknown, target: string, retried = false): Promise<T> {
    const token = await this.tokens.getToken();
    let res: Response;
    try {
      res = await fetch(`${this.apiRoot}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json; charset=utf-8' } : {}) },
        body: body !== undefined ? JSON.stringify(body) : undefined,
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (err) {
      throw new Error(`Google Chat API unreachable (${describeFetchError(err)})`);
    }
    if (res.ok) return (await res.json()) as T;
    const detail = await errorDetail(res);
    if (res.status === 401) {
      // An access token can be revoked before it expires; one fresh token decides whether the credentials are gone.
      this.tokens.invalidate();
      if (!retried) return this.call<T>(method, path, body, target, true);
      throw new ChannelAuthError(`Google Chat no longer accepts the app's credentials (${detail}); check the service account.`);
    }
    if (res.status === 429) throw new ChannelRateLimitError(retryAfterMs(res.headers.get('retry-after')));
    if (res.status === 404) throw new ChannelPermanentError(`Google Chat does not know ${target}, or the app is not in it (${detail})`);
    if (res.status === 403) throw new ChannelPermanentError(`Google Chat does not let the app post to ${target} (${detail})`);
    if (res.status === 400) throw new ChannelPermanentError(`Google Chat rejected the message for ${target} (${detail})`);
    throw new Error(`Google Chat API answered ${res.status} (${detail})`);
  }
}

async function errorDetail(res: Response): Promise<string> {
  const body = (await res.json().catch(() => undefined)) as { error?: { status?: string; message?: string } } | undefined;
  const status = body?.error?.status ?? String(res.status);
  return body?.error?.message ? `${status}: ${body.error.message}` : status;
}
