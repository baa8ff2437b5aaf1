/**
 * One-time login links for the Control UI. An operator who is already signed in (the desktop app, the
 * CLI) mints a link with `controlUi.loginLink`; the page it opens trades the code once, over the
 * gateway's own origin, for a device token bound to the browser's own device key, and signs in with
 * that: no token prompt, and the gateway's shared token never reaches the browser.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { grantableScopes } from '../../src-shared/domain/scope-grant.js';
import {
  compile,
  fromBase64Url,
  LOGIN_EXCHANGE_PATH,
  LOGIN_LINK_PARAM,
  LOGIN_LINK_SCOPES,
  type LoginExchangeResult,
} from '../../src-shared/protocol/index.js';
import { LoginExchangeRequestSchema } from '../../src-shared/protocol/methods/control-ui.js';
import type { Logger } from '../logging/index.js';
import { deviceIdFromPublicKey } from '../nodes/device-identity.js';
import type { Store } from '../store/types.js';
import type { AuthRateLimiter } from './auth-rate-limit.js';
import type { ClientAddress } from './client-address.js';
import type { Handlers } from './dispatcher.js';
import { HttpError, readJson } from './http-api.js';
import { LOGIN_CODE_MESSAGES, LoginCodes } from './login-codes.js';

const EXCHANGE_BODY_MAX = 4096;
const validRequest = compile(LoginExchangeRequestSchema);

export interface LoginLinkDeps {
  store: Pick<Store, 'devices' | 'deviceTokens'>;
  limiter: AuthRateLimiter;
  clientAddress(req: IncomingMessage): ClientAddress;
  /** The Control UI's address, as the gateway knows it (`http://127.0.0.1:18789/`). */
  httpUrl(): string;
  log: Logger;
  codes?: LoginCodes;
  now?(): number;
}

export interface LoginLinks {
  /** `controlUi.loginLink`. */
  handlers: Handlers;
  /** `POST /__openclaw__/login`; false for every other request. */
  route(req: IncomingMessage, res: ServerResponse): boolean;
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff', ...headers });
  res.end(JSON.stringify(body));
}

export function createLoginLinks(deps: LoginLinkDeps): LoginLinks {
  const codes = deps.codes ?? new LoginCodes(deps.now);
  const now = deps.now ?? (() => Date.now());

  const handlers: Handlers = {
    'controlUi.loginLink': (_p, ctx) => {
      const { code, expiresAtMs } = codes.issue(grantableScopes(ctx.scopes, LOGIN_LINK_SCOPES));
      const path = `/?${LOGIN_LINK_PARAM}=${code}`;
      // Who asked is worth a line; the code itself is never logged.
      deps.log.info('one-time Control UI login link issued', { by: ctx.clientId, deviceId: ctx.deviceId, expiresAtMs });
      return { url: new URL(path, deps.httpUrl()).href, path, expiresAtMs };
    },
  };

  async function exchange(req: IncomingMessage): Promise<LoginExchangeResult> {
    const source = { address: deps.clientAddress(req).address };
    const wait = deps.limiter.retryAfterMs(source);
    if (wait > 0) throw new HttpError(429, 'rate_limited', 'Too many failed sign-in attempts from this address; try again later.', { 'Retry-After': String(Math.ceil(wait / 1000)) });
    const body = await readJson(req, EXCHANGE_BODY_MAX);
    if (!validRequest.check(body)) throw new HttpError(400, 'invalid_request', `invalid sign-in request: ${validRequest.explain(body)}`);
    const raw = fromBase64Url(body.device.publicKey);
    if (!raw || raw.length !== 32 || deviceIdFromPublicKey(raw) !== body.device.id) {
      throw new HttpError(400, 'invalid_request', 'invalid sign-in request: the device id is not the SHA-256 of its public key');
    }
    const taken = codes.consume(body.code);
    if (!taken.ok) {
      const lockout = deps.limiter.recordFailure(source);
      deps.log.warn('Control UI login link refused', { reason: taken.reason, address: source.address });
      if (lockout) throw new HttpError(429, 'rate_limited', 'Too many failed sign-in attempts from this address; try again later.', { 'Retry-After': String(Math.ceil(lockout / 1000)) });
      throw new HttpError(401, `login_link_${taken.reason}`, LOGIN_CODE_MESSAGES[taken.reason]);
    }
    const at = now();
    const prior = await deps.store.devices.get(body.device.id);
    // A known device keeps its record (and name); a key that does not match its id's record is not that
    // device, and a node (a phone, another computer) is not turned into a browser session.
    if (prior && prior.publicKey !== body.device.publicKey) throw new HttpError(400, 'invalid_request', 'invalid sign-in request: the device is paired with another key');
    if (prior && prior.role !== 'operator') throw new HttpError(400, 'invalid_request', `invalid sign-in request: the device is paired as a ${prior.role}`);
    const scopes = [...new Set([...(prior?.scopes ?? []), ...taken.scopes])];
    await deps.store.devices.upsert({
      deviceId: body.device.id,
      publicKey: body.device.publicKey,
      role: 'operator',
      scopes,
      clientId: 'openclaw-control-ui',
      clientMode: 'ui',
      platform: body.platform ?? prior?.platform,
      displayName: prior?.displayName,
      createdAtMs: prior?.createdAtMs ?? at,
      approvedAtMs: at,
      lastSeenAtMs: at,
    });
    const issued = await deps.store.deviceTokens.issue(body.device.id, 'operator', [...taken.scopes], at);
    deps.log.info('Control UI signed in with a one-time link', { deviceId: body.device.id, address: source.address });
    return { deviceId: body.device.id, deviceToken: issued.token, scopes: [...taken.scopes] };
  }

  return {
    handlers,
    route(req, res) {
      const path = new URL(req.url ?? '/', 'http://gateway.invalid').pathname;
      if (path !== LOGIN_EXCHANGE_PATH) return false;
      if (req.method !== 'POST') {
        send(res, 405, { ok: false, error: { type: 'method_not_allowed', message: 'use POST' } }, { Allow: 'POST' });
        return true;
      }
      exchange(req).then(
        (result) => send(res, 200, { ok: true, ...result }),
        (err: unknown) => {
          if (res.headersSent) return void res.end();
          if (err instanceof HttpError) return send(res, err.status, { ok: false, error: { type: err.type, message: err.message } }, err.headers);
          deps.log.error('Control UI login exchange failed', { err });
          send(res, 500, { ok: false, error: { type: 'internal', message: 'sign-in failed on the gateway; see its log' } });
        },
      );
      return true;
    },
  };
}
