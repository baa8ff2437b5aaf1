/**
 * Which credentials an account runs with: the configured access token, or
 * the token a password login obtained earlier (kept in the data folder), or
 * a fresh password login. The token is checked with `whoami` and must
 * belong to the configured user. Tokens never reach a log.
 */
import { createClient, MatrixError } from 'matrix-js-sdk';
import { ChannelAuthError } from '../../../src-shared/domain/channel.js';
import { describeMatrixError, isUnknownToken, tokenRejected } from './errors.js';
import type { AccountFiles } from './state-files.js';
import type { MatrixSettings } from './settings.js';

export interface MatrixSession {
  accessToken: string;
  deviceId: string;
}

export async function resolveSession(settings: MatrixSettings, files: AccountFiles, signal: AbortSignal): Promise<MatrixSession> {
  if (settings.accessToken) return whoami(settings, settings.accessToken, signal);
  const stored = await files.readSession();
  if (stored) {
    try {
      return await whoami(settings, stored.accessToken, signal);
    } catch (err) {
      if (!(err instanceof ChannelAuthError)) throw err;
      // The stored token was revoked: log in again below.
    }
  }
  const client = createClient({ baseUrl: settings.homeserverUrl, localTimeoutMs: settings.requestTimeoutMs });
  let res: { access_token: string; device_id: string; user_id: string };
  try {
    res = await client.loginRequest({ type: 'm.login.password', identifier: { type: 'm.id.user', user: settings.userId }, password: settings.password, initial_device_display_name: 'OpenClaw' });
  } catch (err) {
    if (err instanceof MatrixError && (err.errcode === 'M_FORBIDDEN' || err.httpStatus === 403)) {
      throw new ChannelAuthError(`The homeserver refused the password of ${settings.userId} (${describeMatrixError(err)}). Check channels.matrix.password.`);
    }
    throw new Error(`Could not log in to ${settings.homeserverUrl}: ${describeMatrixError(err)}`);
  }
  if (res.user_id !== settings.userId) throw new ChannelAuthError(`Logging in as ${settings.userId} gave the account ${res.user_id}; set channels.matrix.userId to the full user id.`);
  await files.writeSession(res.access_token, res.device_id);
  return { accessToken: res.access_token, deviceId: res.device_id };
}

async function whoami(settings: MatrixSettings, accessToken: string, signal: AbortSignal): Promise<MatrixSession> {
  const client = createClient({ baseUrl: settings.homeserverUrl, accessToken, localTimeoutMs: settings.requestTimeoutMs, useAuthorizationHeader: true });
  let me: { user_id: string; device_id?: string };
  try {
    me = await client.http.authedRequest('GET' as never, '/account/whoami', undefined, undefined, { abortSignal: signal } as never);
  } catch (err) {
    if (isUnknownToken(err)) throw tokenRejected(settings.userId, true);
    throw new Error(`Could not reach the homeserver at ${settings.homeserverUrl}: ${describeMatrixError(err)}`);
  }
  if (me.user_id !== settings.userId) throw new ChannelAuthError(`The access token belongs to ${me.user_id}, not ${settings.userId}; fix channels.matrix.userId or channels.matrix.accessToken.`);
  if (!me.device_id) throw new ChannelAuthError(`The homeserver did not say which device the access token of ${settings.userId} belongs to; create the token with a login (it makes a device).`);
  return { accessToken, deviceId: me.device_id };
}
