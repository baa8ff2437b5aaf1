import { GrammyError, HttpError } from 'grammy';
import { ChannelAuthError, ChannelPermanentError, ChannelRateLimitError } from '../../../src-shared/domain/channel.js';

/** What a user sees when the token is wrong at start. */
export const BAD_TOKEN_MESSAGE = 'Telegram rejected the bot token (401). Check channels.telegram.botToken from @BotFather.';

/** Removes the bot token from text: it is part of every Bot API URL, so network errors may carry it. */
export function scrubToken(text: string, token: string): string {
  return token ? text.split(token).join('<token>') : text;
}

/** A short, log-safe description of a failed Bot API call. */
export function describeTelegramError(err: unknown, token: string): string {
  if (err instanceof GrammyError) return `${err.error_code} ${err.description}`;
  if (err instanceof HttpError) {
    const cause = err.error instanceof Error ? err.error.message : String(err.error);
    return scrubToken(`${err.message} ${cause}`, token);
  }
  return scrubToken(err instanceof Error ? err.message : String(err), token);
}

/** Telegram answers 404 instead of 401 when the token is not even shaped like one. */
const isTokenRejected = (err: GrammyError) => err.error_code === 401 || err.error_code === 404;

/** The auth error for a token Telegram no longer (or never) accepted. */
export function tokenRejected(err: GrammyError, whileStarting: boolean): ChannelAuthError {
  if (whileStarting && err.error_code === 401) return new ChannelAuthError(BAD_TOKEN_MESSAGE);
  const hint = whileStarting ? '' : ' It may have been revoked;';
  return new ChannelAuthError(`Telegram rejected the bot token (${err.error_code} ${err.description}).${hint} Check channels.telegram.botToken from @BotFather.`);
}

function retryAfterMs(err: GrammyError): number {
  const seconds = Number(err.parameters.retry_after);
  return Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : 1000;
}

/**
 * Maps a failed send to the contract's error classes, so delivery knows
 * whether to wait (429), give up (bad chat, blocked, bad request) or stop
 * the account (token). Network and 5xx errors stay plain: delivery retries.
 */
export function toSendError(err: unknown, token: string): Error {
  if (err instanceof GrammyError) {
    if (err.error_code === 429) {
      const ms = retryAfterMs(err);
      return new ChannelRateLimitError(ms, `Telegram rate limit: retry after ${ms / 1000} s`);
    }
    if (isTokenRejected(err)) return tokenRejected(err, false);
    if (err.error_code === 403) return new ChannelPermanentError(`Telegram refused the message: ${err.description}`);
    if (err.error_code === 400) {
      const migratedTo = err.parameters.migrate_to_chat_id;
      if (migratedTo !== undefined) {
        return new ChannelPermanentError(`Telegram group was upgraded to a supergroup; its new chat id is ${migratedTo}.`);
      }
      // Sending the same request again gets the same answer (chat not found, bad HTML, missing topic).
      return new ChannelPermanentError(`Telegram rejected the message: ${err.description}`);
    }
    return new Error(`Telegram send failed: ${err.error_code} ${err.description}`);
  }
  if (err instanceof HttpError) return new Error(`Could not reach Telegram: ${describeTelegramError(err, token)}`);
  return err instanceof Error ? err : new Error(String(err));
}

/** How the poll loop reacts to a failed `getUpdates`. */
export type PollFailure = { kind: 'fatal'; error: Error } | { kind: 'retry'; reason: string; retryAfterMs?: number };

/** Fatal: revoked token or someone else taking the updates. Everything else is worth a retry. */
export function classifyPollError(err: unknown, token: string): PollFailure {
  if (err instanceof GrammyError) {
    if (isTokenRejected(err)) return { kind: 'fatal', error: tokenRejected(err, false) };
    if (err.error_code === 409) {
      const webhook = /webhook/i.test(err.description);
      return {
        kind: 'fatal',
        error: new Error(
          webhook
            ? 'Telegram refused long polling because a webhook was set for this bot by another program (409 Conflict). Remove that webhook or set channels.telegram.webhookUrl to use webhook mode here.'
            : 'Another program is receiving updates for this Telegram bot token (409 Conflict). Stop the other bot instance, or give this one its own token from @BotFather.',
        ),
      };
    }
    if (err.error_code === 429) return { kind: 'retry', reason: describeTelegramError(err, token), retryAfterMs: retryAfterMs(err) };
  }
  return { kind: 'retry', reason: describeTelegramError(err, token) };
}
