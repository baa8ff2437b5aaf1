import { Type, type Static } from '@sinclair/typebox';
import { OperatorScopes } from '../scopes.js';
import { defineMethod } from './define.js';

/** How long a one-time login link works. */
export const LOGIN_LINK_TTL_MS = 60_000;

/** The query parameter that carries a login code to the Control UI page. */
export const LOGIN_LINK_PARAM = 'login';

/** Where the Control UI page trades a login code for its credential (same origin, POST, JSON). */
export const LOGIN_EXCHANGE_PATH = '/__openclaw__/login';

/** What a login link lets the browser's device do: the Control UI's own scopes (never wider than the minter's). */
export const LOGIN_LINK_SCOPES: readonly string[] = [OperatorScopes.READ, OperatorScopes.WRITE, OperatorScopes.ADMIN, OperatorScopes.APPROVALS, OperatorScopes.PAIRING];

export const controlUiLoginLinkMethod = defineMethod({
  description: 'A single-use, 60-second link that signs a browser into the Control UI without typing the token.',
  scope: OperatorScopes.ADMIN,
  params: Type.Object({}, { additionalProperties: false }),
  result: Type.Object({
    /** The gateway's own Control UI address with the code, e.g. `http://127.0.0.1:18789/?login=…`. */
    url: Type.String(),
    /** The same link relative to the gateway's origin, for a client that reaches the gateway by another address. */
    path: Type.String(),
    expiresAtMs: Type.Integer(),
  }),
});

/** The page's side of the exchange: the code, and the device (its Ed25519 key) the credential is bound to. */
export const LoginExchangeRequestSchema = Type.Object(
  {
    code: Type.String({ minLength: 1, maxLength: 128 }),
    device: Type.Object(
      {
        /** Lowercase hex SHA-256 of the raw public key. */
        id: Type.String({ pattern: '^[0-9a-f]{64}$' }),
        /** Raw 32-byte Ed25519 public key, base64url. */
        publicKey: Type.String({ minLength: 43, maxLength: 44 }),
      },
      { additionalProperties: false },
    ),
    platform: Type.Optional(Type.String({ maxLength: 64 })),
  },
  { additionalProperties: false },
);
export type LoginExchangeRequest = Static<typeof LoginExchangeRequestSchema>;

/** A device token for the page's device: it connects with it and its key, as after any sign-in. */
export const LoginExchangeResultSchema = Type.Object({
  deviceId: Type.String(),
  deviceToken: Type.String(),
  scopes: Type.Array(Type.String()),
});
export type LoginExchangeResult = Static<typeof LoginExchangeResultSchema>;

/**
 * The link to open for a login-link result, on the address this client reaches the gateway by
 * (`ws://`/`wss://` or `http://`/`https://`): in remote mode that is not the gateway's own idea of its address.
 */
export function loginLinkUrl(result: { path: string }, gatewayUrl: string): string {
  const base = new URL(gatewayUrl);
  if (base.protocol === 'ws:') base.protocol = 'http:';
  else if (base.protocol === 'wss:') base.protocol = 'https:';
  return new URL(result.path, base.origin).href;
}
