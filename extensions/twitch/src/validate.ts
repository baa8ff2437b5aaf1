/**
 * Twitch's token check, `GET /oauth2/validate` on id.twitch.tv: who the token
 * belongs to and what it may do. Twitch asks chat clients to call it at
 * start-up and hourly, and to stop using a token it answers 401 for.
 */
import { ChannelAuthError } from '../../../src-shared/domain/channel.js';

/** What the validate endpoint says about a token. */
export interface TokenInfo {
  login: string;
  userId: string;
  clientId: string;
  scopes: string[];
  expiresInSec: number;
}

export const REQUIRED_SCOPES = ['chat:read', 'chat:edit'];

/** Validate the token; throws `ChannelAuthError` when Twitch refuses it or it lacks the chat scopes. */
export async function validateToken(idRoot: string, token: string, timeoutMs: number): Promise<TokenInfo> {
  let res: Response;
  try {
    res = await fetch(`${idRoot}/oauth2/validate`, { headers: { authorization: `OAuth ${token}` }, signal: AbortSignal.timeout(timeoutMs) });
  } catch (err) {
    const cause = (err as { cause?: { code?: unknown } } | null)?.cause;
    throw new Error(`Could not reach Twitch to check the token (${typeof cause?.code === 'string' ? cause.code : (err as Error).message ?? String(err)}).`);
  }
  if (res.status === 401) {
    throw new ChannelAuthError('Twitch says the access token is invalid or expired. Create a new user access token for the bot account (scopes chat:read and chat:edit) and put it in channels.twitch.accessToken.');
  }
  if (!res.ok) throw new Error(`Twitch token check answered HTTP ${res.status}; will retry.`);
  const body = (await res.json().catch(() => ({}))) as { login?: unknown; user_id?: unknown; client_id?: unknown; scopes?: unknown; expires_in?: unknown };
  if (typeof body.login !== 'string' || !body.login) throw new Error('Twitch token check answered without a login; will retry.');
  const scopes = Array.isArray(body.scopes) ? body.scopes.filter((s): s is string => typeof s === 'string') : [];
  const missing = REQUIRED_SCOPES.filter((s) => !scopes.includes(s));
  if (missing.length) {
    throw new ChannelAuthError(`The Twitch access token lacks the ${missing.join(' and ')} scope${missing.length > 1 ? 's' : ''}; create a new one with chat:read and chat:edit and put it in channels.twitch.accessToken.`);
  }
  return {
    login: body.login.toLowerCase(),
    userId: String(body.user_id ?? ''),
    clientId: String(body.client_id ?? ''),
    scopes,
    expiresInSec: typeof body.expires_in === 'number' ? body.expires_in : 0,
  };
}
