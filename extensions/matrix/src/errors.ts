/**
 * Matrix failures mapped to the channel contract: `M_LIMIT_EXCEEDED` waits,
 * `M_UNKNOWN_TOKEN` stops the account, requests that can never succeed
 * (not in the room, too large, bad JSON) are not retried, the rest (network,
 * 5xx) stay plain so delivery retries.
 */
import { MatrixError } from 'matrix-js-sdk';
import { ChannelAuthError, ChannelPermanentError, ChannelRateLimitError } from '../../../src-shared/domain/channel.js';

/** Removes secrets from text before it reaches a log or a status line. */
export function scrubSecrets(text: string, secrets: (string | undefined)[]): string {
  let out = text;
  for (const s of secrets) if (s) out = out.split(s).join('<secret>');
  return out.replace(/access_token=[^&\s]+/g, 'access_token=<secret>');
}

/** A short, log-safe description of a failed request. */
export function describeMatrixError(err: unknown): string {
  if (err instanceof MatrixError) return `${err.httpStatus ?? ''} ${err.errcode ?? ''} ${err.data?.error ?? ''}`.replace(/\s+/g, ' ').trim();
  const e = err as { name?: string; message?: string; cause?: { message?: string } };
  return [e?.name && e.name !== 'Error' ? e.name : '', e?.message ?? String(err), e?.cause?.message ? `(${e.cause.message})` : ''].filter(Boolean).join(' ');
}

export const isUnknownToken = (err: unknown): boolean => err instanceof MatrixError && err.errcode === 'M_UNKNOWN_TOKEN';

/** The plain-words error for an access token the homeserver no longer accepts. */
export function tokenRejected(userId: string, whileStarting: boolean): ChannelAuthError {
  const when = whileStarting ? '' : ' It was revoked or the device was logged out;';
  return new ChannelAuthError(`The homeserver rejected the access token of ${userId} (M_UNKNOWN_TOKEN).${when} Set channels.matrix.accessToken to a valid token, or set channels.matrix.password to log in again.`);
}

/** How long a rate-limited request must wait: `retry_after_ms`, else `Retry-After`, else 1 s. */
export function retryAfterMsOf(err: MatrixError): number {
  const fromBody = Number(err.data?.retry_after_ms);
  if (Number.isFinite(fromBody) && fromBody > 0) return fromBody;
  try {
    const fromHeader = err.getRetryAfterMs();
    if (fromHeader !== null && fromHeader > 0) return fromHeader;
  } catch {
    // A malformed Retry-After header: fall through to the default.
  }
  return 1000;
}

/** Maps a failed send to the contract's error classes. */
export function toSendError(err: unknown, userId: string): Error {
  if (!(err instanceof MatrixError)) return err instanceof Error && err.name.startsWith('Channel') ? err : new Error(`Matrix send failed: ${describeMatrixError(err)}`);
  if (err.errcode === 'M_LIMIT_EXCEEDED' || err.httpStatus === 429) {
    const ms = retryAfterMsOf(err);
    return new ChannelRateLimitError(ms, `Matrix rate limit: retry after ${ms} ms`);
  }
  if (err.errcode === 'M_UNKNOWN_TOKEN') return tokenRejected(userId, false);
  const status = err.httpStatus ?? 0;
  if (status >= 400 && status < 500) return new ChannelPermanentError(`The homeserver refused the message: ${describeMatrixError(err)}`);
  return new Error(`Matrix send failed: ${describeMatrixError(err)}`);
}
