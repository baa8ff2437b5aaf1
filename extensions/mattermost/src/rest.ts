/**
 * The REST side: Mattermost's official `Client4`, with one transformer
 * around every call (grammY style). Client4 turns a failed response into a
 * `ClientError` without its status or headers (the rate limiter's plain-text
 * 429 even loses its message), so the transformer asks Client4 for the raw
 * answer (its own `ignoreStatus` option) and classifies failures itself:
 * 429 → `ChannelRateLimitError` with the wait from `X-Ratelimit-Reset`,
 * 401 → `ChannelAuthError`, and so on.
 */
import mattermost from '@mattermost/client';
import { httpError, networkError } from './errors.js';

type FetchOptions = RequestInit & { ignoreStatus?: boolean };
type RawAnswer = { response: Response; headers: Headers; data: unknown };
/** The one Client4 member every request goes through (private in its typings). */
type Client4Internals = { doFetchWithResponse(url: string, options: FetchOptions): Promise<RawAnswer> };

/** Client4 plus the one route it has no method for. */
export class BotClient extends mattermost.Client4 {
  /** `POST /users/{id}/typing`: "typing…" without a WebSocket. */
  publishTyping(userId: string, channelId: string, parentId = ''): Promise<unknown> {
    return this.doFetch(`${this.getUserRoute(userId)}/typing`, { method: 'post', body: JSON.stringify({ channel_id: channelId, parent_id: parentId }) });
  }
}

/** A Client4 for one bot account whose failures are the contract's error classes. */
export function createRestClient(serverUrl: string, token: string, onFailure?: (err: Error) => void): BotClient {
  const client = new BotClient();
  client.setUrl(serverUrl.replace(/\/+$/, ''));
  client.setToken(token);
  client.setUserAgent('OpenClaw');
  const internals = client as unknown as Client4Internals;
  const raw = internals.doFetchWithResponse;
  const site = new URL(client.getUrl());
  internals.doFetchWithResponse = async (url, options) => {
    let answer: RawAnswer;
    try {
      answer = await raw(url, { ...options, ignoreStatus: true });
    } catch (err) {
      const mapped = networkError(err, url);
      onFailure?.(mapped);
      throw mapped;
    }
    if (answer.response.ok) return answer;
    const mapped = httpError({
      status: answer.response.status,
      method: String(options.method ?? 'get').toUpperCase(),
      path: new URL(url, site).pathname,
      headers: answer.response.headers,
      body: answer.data,
    });
    onFailure?.(mapped);
    throw mapped;
  };
  return client;
}
