/**
 * Discord failures in the contract's terms: rate limits carry Discord's
 * retry-after, unknown or forbidden targets are permanent, a rejected token
 * is an auth error with a message that says what to do.
 */
import { DiscordAPIError, GatewayCloseCodes, HTTPError, RateLimitError } from 'discord.js';
import { ChannelAuthError, ChannelPermanentError, ChannelRateLimitError } from '../../../src-shared/domain/channel.js';

/** Said whenever Discord refuses the bot token. */
export const BAD_TOKEN_MESSAGE =
  'Discord rejected the bot token. Reset it in the Discord Developer Portal (your application → Bot → Reset Token) and put the new token in channels.discord.token.';

const INTENTS_MESSAGE =
  'Discord refused the gateway intents. In the Discord Developer Portal (your application → Bot → Privileged Gateway Intents) turn on "Message Content Intent", then restart the channel.';

/** Gateway close codes after which discord.js does not reconnect (and restarting will not help). */
export const FATAL_CLOSE_CODES: ReadonlySet<number> = new Set([
  GatewayCloseCodes.AuthenticationFailed,
  GatewayCloseCodes.InvalidShard,
  GatewayCloseCodes.ShardingRequired,
  GatewayCloseCodes.InvalidAPIVersion,
  GatewayCloseCodes.InvalidIntents,
  GatewayCloseCodes.DisallowedIntents,
]);

/** The error a fatal gateway close stands for. */
export function closeCodeError(code: number): Error {
  if (code === GatewayCloseCodes.AuthenticationFailed) return new ChannelAuthError(BAD_TOKEN_MESSAGE);
  if (code === GatewayCloseCodes.DisallowedIntents || code === GatewayCloseCodes.InvalidIntents) return new ChannelAuthError(INTENTS_MESSAGE);
  return new ChannelAuthError(`The Discord gateway closed the connection for good (close code ${code}${GatewayCloseCodes[code] ? `, ${GatewayCloseCodes[code]}` : ''}).`);
}

/** Why `start()` failed, in plain words. `lastCloseCode` is the gateway's last close, if any. */
export function startError(err: unknown, lastCloseCode: number | undefined): Error {
  if (lastCloseCode !== undefined && FATAL_CLOSE_CODES.has(lastCloseCode)) return closeCodeError(lastCloseCode);
  const code = (err as { code?: unknown } | null)?.code;
  if (code === 'TokenInvalid' || (err instanceof DiscordAPIError && err.status === 401)) return new ChannelAuthError(BAD_TOKEN_MESSAGE);
  if (err instanceof HTTPError) return new Error(`Discord is unavailable (HTTP ${err.status} on ${err.method} ${new URL(err.url).pathname}); will retry.`);
  if (err instanceof RateLimitError) return new Error(`Discord rate-limited the connection; retry after ${Math.ceil(err.retryAfter)} ms.`);
  const message = err instanceof Error ? err.message : String(err);
  return new Error(`Could not connect to Discord: ${message}`);
}

/**
 * Map a REST failure of a send. Returns the error to throw; `onAuth` is told
 * when the token was rejected, since the whole adapter is then dead.
 */
export function sendError(err: unknown, onAuth: (e: ChannelAuthError) => void): Error {
  if (err instanceof RateLimitError) return new ChannelRateLimitError(Math.max(0, Math.ceil(err.retryAfter)));
  if (err instanceof DiscordAPIError) {
    if (err.status === 401) {
      const auth = new ChannelAuthError(BAD_TOKEN_MESSAGE);
      onAuth(auth);
      return auth;
    }
    if (err.status === 429) {
      const seconds = Number((err.rawError as { retry_after?: unknown }).retry_after);
      return new ChannelRateLimitError(Number.isFinite(seconds) ? Math.ceil(seconds * 1000) : 1000);
    }
    // 403 Missing Access/Permissions, 404 Unknown Channel/User, 400 invalid body or recipient: retrying the same request cannot help.
    if (err.status === 400 || err.status === 403 || err.status === 404) {
      return new ChannelPermanentError(`Discord refused the request: ${err.message} (HTTP ${err.status}, code ${err.code}).`);
    }
    return new Error(`Discord API error: ${err.message} (HTTP ${err.status}).`);
  }
  if (err instanceof HTTPError) return new Error(`Discord is unavailable (HTTP ${err.status}); try again later.`);
  return err instanceof Error ? err : new Error(String(err));
}
