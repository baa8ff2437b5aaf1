/**
 * Slack Web API failures turned into the channel contract's errors, so core's
 * delivery decides about retries: a 429 waits `Retry-After`, an unknown or
 * forbidden conversation is never retried, revoked tokens stop the account.
 */
import { WebAPIHTTPError, WebAPIPlatformError, WebAPIRateLimitedError } from '@slack/web-api';
import { ChannelAuthError, ChannelPermanentError, ChannelRateLimitError } from '../../../src-shared/domain/channel.js';

/** Which token a call used, to tell the user which one to fix. */
export type SlackTokenKind = 'botToken' | 'appToken';

/** Slack error codes that mean the token itself is no good. */
const AUTH_ERRORS = new Set([
  'invalid_auth',
  'not_authed',
  'token_revoked',
  'token_expired',
  'account_inactive',
  'user_removed_from_team',
  'team_disabled',
  'not_allowed_token_type',
]);

/** Error codes of a send that will fail the same way however often it is tried. */
const PERMANENT_SEND_ERRORS = new Set([
  'channel_not_found',
  'not_in_channel',
  'is_archived',
  'user_not_found',
  'user_disabled',
  'cannot_dm_bot',
  'restricted_action',
  'restricted_action_read_only_channel',
  'restricted_action_thread_only_channel',
  'restricted_action_non_threadable_channel',
  'team_access_not_granted',
  'missing_scope',
  'ekm_access_denied',
  'no_text',
  'msg_too_long',
  'invalid_blocks',
  'too_many_attachments',
  'message_limit_exceeded',
]);

/** The Slack error code (`invalid_auth`…) of a failed Web API call, if it has one. */
export function slackErrorCode(err: unknown): string | undefined {
  return err instanceof WebAPIPlatformError ? err.data.error : undefined;
}

/** A plain-words auth error for `token`, or undefined when `err` is not about credentials. */
export function toSlackAuthError(err: unknown, token: SlackTokenKind): ChannelAuthError | undefined {
  const code = slackErrorCode(err);
  if (!code || !AUTH_ERRORS.has(code)) return undefined;
  return new ChannelAuthError(
    token === 'botToken'
      ? `Slack rejected the bot token (${code}). Set channels.slack.botToken to the Bot User OAuth Token (xoxb-…) from your Slack app’s OAuth & Permissions page; reinstall the app to the workspace if it was removed.`
      : `Slack rejected the app-level token (${code}). Set channels.slack.appToken to an App-Level Token (xapp-…) with the connections:write scope from your Slack app’s Basic Information page, and turn Socket Mode on.`,
  );
}

/** Map a failed `chat.postMessage` to the delivery contract; other errors pass through (core retries them). */
export function toSlackSendError(err: unknown): Error {
  if (err instanceof WebAPIRateLimitedError) return new ChannelRateLimitError(Math.max(1, err.retryAfter) * 1000);
  const auth = toSlackAuthError(err, 'botToken');
  if (auth) return auth;
  const code = slackErrorCode(err);
  if (code === 'ratelimited' || code === 'rate_limited') {
    const retryAfter = (err as WebAPIPlatformError).data.response_metadata?.retryAfter;
    return new ChannelRateLimitError(typeof retryAfter === 'number' && retryAfter > 0 ? retryAfter * 1000 : 1000);
  }
  if (code && PERMANENT_SEND_ERRORS.has(code)) {
    return new ChannelPermanentError(`Slack refused the message (${code})${code === 'not_in_channel' ? ': invite the app to the channel first' : ''}.`);
  }
  if (err instanceof WebAPIHTTPError) return new Error(`Slack answered HTTP ${err.statusCode}`, { cause: err });
  return err instanceof Error ? err : new Error(String(err));
}
