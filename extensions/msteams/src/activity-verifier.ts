/**
 * Checks that an activity really comes from the Bot Connector for this bot,
 * as Bot Framework's "authenticate requests from the Bot Connector service"
 * requires: a bearer JWT signed (RS256) by a key listed at the jwks_uri of
 * the OpenID metadata, issued by the connector, for audience = the app id,
 * inside its validity (5 minutes of clock skew), from a key endorsed for the
 * activity's channel, and whose `serviceUrl` claim is the activity's.
 *
 * Why not the SDK's `authorizeJWT`: it fetches the keys for the connector's
 * issuer from a fixed address (login.botframework.com), never from
 * configurable OpenID metadata, and it does not compare the `serviceUrl`
 * claim with the activity; the bot replies to that URL with its own token,
 * so an unchecked one would hand the token to whoever forged it.
 */
import { createLocalJWKSet, decodeProtectedHeader, errors, jwtVerify, type JSONWebKeySet, type JWK, type JWTPayload } from 'jose';
import { describeFetchError } from './access-token.js';

/** The verdict on one token; `reason` is safe to log (never the token). */
export type TokenVerdict = { ok: true; claims: JWTPayload; endorsements?: string[] } | { ok: false; reason: string };

/** Verifies the Bot Connector's request tokens. */
export interface ActivityVerifier {
  /** Signature, issuer, audience and validity of the bearer token. */
  verifyToken(authorization: string | undefined): Promise<TokenVerdict>;
  /** What only the activity can tell: its channel endorsed by the key, and the `serviceUrl` claim. Undefined when it matches. */
  checkActivity(verdict: Extract<TokenVerdict, { ok: true }>, activity: { channelId?: unknown; serviceUrl?: unknown }): string | undefined;
  /** Fetch the OpenID metadata and the keys again (start, liveness probe). Rejects when they cannot be fetched. */
  refresh(): Promise<void>;
}

// A token signed by a key we have not seen may mean the connector rotated its keys; look again at most this often.
const UNKNOWN_KEY_REFRESH_MS = 60_000;

type EndorsedJwk = JWK & { endorsements?: unknown };

function describeFailure(err: unknown): string {
  if (err instanceof errors.JWTExpired) return 'token expired';
  if (err instanceof errors.JWTClaimValidationFailed) return `claim "${err.claim}" invalid (${err.reason})`;
  if (err instanceof errors.JWSSignatureVerificationFailed) return 'signature does not verify';
  if (err instanceof errors.JWKSNoMatchingKey) return 'signed by a key the Bot Connector does not publish';
  if (err instanceof errors.JOSEAlgNotAllowed) return 'algorithm not allowed';
  if (err instanceof errors.JWSInvalid || err instanceof errors.JWTInvalid) return 'malformed token';
  return 'token rejected';
}

const sameServiceUrl = (a: string, b: string) => a.replace(/\/+$/, '').toLowerCase() === b.replace(/\/+$/, '').toLowerCase();

async function fetchJson(url: string, timeoutMs: number, what: string): Promise<unknown> {
  let res: Response;
  try {
    res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  } catch (err) {
    throw new Error(`${what} unreachable at ${url} (${describeFetchError(err)})`);
  }
  if (!res.ok) throw new Error(`${what} at ${url} answered ${res.status}`);
  try {
    return await res.json();
  } catch {
    throw new Error(`${what} at ${url} is not JSON`);
  }
}

/** A verifier for one bot, reading keys through `openIdMetadataUrl`. */
export function createActivityVerifier(opts: { openIdMetadataUrl: string; issuer: string; appId: string; timeoutMs: number }): ActivityVerifier {
  let keys: { jwks: ReturnType<typeof createLocalJWKSet>; endorsements: Map<string, string[]>; at: number } | undefined;
  let refreshing: Promise<void> | undefined;

  const load = async () => {
    const meta = (await fetchJson(opts.openIdMetadataUrl, opts.timeoutMs, 'Bot Framework OpenID metadata')) as { jwks_uri?: unknown };
    if (typeof meta?.jwks_uri !== 'string') throw new Error(`Bot Framework OpenID metadata at ${opts.openIdMetadataUrl} has no jwks_uri`);
    const set = (await fetchJson(meta.jwks_uri, opts.timeoutMs, 'Bot Framework signing keys')) as { keys?: unknown };
    if (!Array.isArray(set?.keys)) throw new Error(`Bot Framework signing keys at ${meta.jwks_uri} are not a JWK set`);
    const endorsements = new Map<string, string[]>();
    const plain: JWK[] = [];
    for (const k of set.keys as EndorsedJwk[]) {
      if (typeof k !== 'object' || k === null || k.kty !== 'RSA') continue;
      const { endorsements: e, ...jwk } = k;
      if (typeof jwk.kid === 'string' && Array.isArray(e)) endorsements.set(jwk.kid, e.filter((x): x is string => typeof x === 'string'));
      plain.push(jwk);
    }
    keys = { jwks: createLocalJWKSet({ keys: plain } as JSONWebKeySet), endorsements, at: Date.now() };
  };
  const refresh = () => {
    refreshing ??= load().finally(() => {
      refreshing = undefined;
    });
    return refreshing;
  };

  const verifyOnce = async (token: string) => {
    if (!keys) await refresh();
    const current = keys as NonNullable<typeof keys>;
    return jwtVerify(token, current.jwks, { algorithms: ['RS256'], issuer: opts.issuer, audience: opts.appId, requiredClaims: ['exp'], clockTolerance: 300 });
  };

  return {
    async verifyToken(authorization) {
      const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
      if (!match) return { ok: false, reason: authorization ? 'Authorization is not a bearer token' : 'no Authorization header' };
      const token = match[1];
      try {
        let result;
        try {
          result = await verifyOnce(token);
        } catch (err) {
          if (!(err instanceof errors.JWKSNoMatchingKey) || !keys || Date.now() - keys.at < UNKNOWN_KEY_REFRESH_MS) throw err;
          await refresh();
          result = await verifyOnce(token);
        }
        const kid = decodeProtectedHeader(token).kid;
        return { ok: true, claims: result.payload, endorsements: typeof kid === 'string' ? keys?.endorsements.get(kid) : undefined };
      } catch (err) {
        return { ok: false, reason: describeFailure(err) };
      }
    },
    checkActivity(verdict, activity) {
      if (verdict.endorsements && !(typeof activity.channelId === 'string' && verdict.endorsements.includes(activity.channelId))) {
        return `signing key is not endorsed for channel "${String(activity.channelId)}"`;
      }
      const claim = verdict.claims.serviceUrl;
      if (typeof claim !== 'string') return 'token has no serviceUrl claim';
      if (typeof activity.serviceUrl !== 'string' || !sameServiceUrl(claim, activity.serviceUrl)) return 'activity serviceUrl does not match the token';
      return undefined;
    },
    refresh,
  };
}
