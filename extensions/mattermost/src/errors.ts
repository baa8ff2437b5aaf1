/**
 * Mattermost failures in the contract's terms. The rate limiter answers 429
 * in plain text with the wait in `X-Ratelimit-Reset` (seconds) and
 * `Retry-After`; a revoked or wrong token is 401; unknown or forbidden
 * channels and invalid posts (400/403/404) never succeed on a retry.
 */
import { ChannelAuthError, ChannelPermanentError, ChannelRateLimitError } from '../../../src-shared/domain/channel.js';

/** Said whenever Mattermost refuses the bot token. */
export const BAD_TOKEN_MESSAGE =
  'Mattermost rejected the bot token. Create a new one (System Console → Integrations → Bot Accounts → your bot → Create New Token) and put it in channels.mattermost.botToken.';

/** A REST answer that was not 2xx, with what is needed to classify it. */
export interface MattermostHttpFailure {
  status: number;
  method: string;
  /** Path below the site URL, e.g. `/api/v4/posts`. */
  path: string;
  /** Lowercase header names. */
  headers: Headers;
  /** Mattermost's `{id, message}` error body, when it sent JSON. */
  body: unknown;
}

/** How long a 429 asks us to wait, from Mattermost's own headers (at least 1 s when none say). */
export function retryAfterMs(headers: Headers): number {
  for (const name of ['x-ratelimit-reset', 'retry-after']) {
    const v = headers.get(name);
    if (v === null || v.trim() === '') continue;
    const seconds = Number(v);
    if (Number.isFinite(seconds) && seconds >= 0) return Math.max(1000, Math.ceil(seconds * 1000));
    // Retry-After may also be an HTTP date.
    const at = Date.parse(v);
    if (Number.isFinite(at)) return Math.max(1000, at - Date.now());
  }
  return 1000;
}

/** The error a failed REST call stands for. */
export function httpError(f: MattermostHttpFailure): Error {
  const body = (f.body ?? {}) as { id?: unknown; message?: unknown };
  const what = `${f.method} ${f.path}`;
  const said = typeof body.message === 'string' && body.message ? `: ${body.message}` : '';
  if (f.status === 401) return new ChannelAuthError(BAD_TOKEN_MESSAGE);
  if (f.status === 429) return new ChannelRateLimitError(retryAfterMs(f.headers), `Mattermost rate limit on ${what}; retry after ${retryAfterMs(f.headers)} ms`);
  if (f.status === 400 || f.status === 403 || f.status === 404 || f.status === 413) {
    return new ChannelPermanentError(`Mattermost refused ${what} (HTTP ${f.status}${typeof body.id === 'string' ? `, ${body.id}` : ''})${said}`);
  }
  return new Error(`Mattermost is unavailable (HTTP ${f.status} on ${what})${said}; will retry.`);
}

/** A network failure (refused, reset, DNS) in plain words. */
export function networkError(err: unknown, url: string): Error {
  const cause = (err as { cause?: { code?: unknown; message?: unknown } } | null)?.cause;
  const detail = typeof cause?.code === 'string' ? cause.code : err instanceof Error ? err.message : String(err);
  return new Error(`Could not reach Mattermost at ${new URL(url).origin} (${detail}).`);
}
