/**
 * Checks that an event really comes from Google Chat: the bearer token must
 * be signed by a key from `certsUrl` (a cached remote JWKS), unexpired, and
 * issued for this app's audience.
 *   project-number: a JWT issued by chat@system.gserviceaccount.com with
 *     aud = the Cloud project number.
 *   app-url: a Google OIDC ID token (iss accounts.google.com) with aud = the
 *     endpoint URL and email = chat@system.gserviceaccount.com, verified.
 */
import { createRemoteJWKSet, errors, jwtVerify, type JWTPayload } from 'jose';
import { CHAT_ISSUER, type AudienceType } from './settings.js';

/** The verdict on one request; `reason` is safe to log (never the token). */
export type Verdict = { ok: true; claims: JWTPayload } | { ok: false; reason: string };

/** Verifies Chat's bearer tokens. */
export interface RequestVerifier {
  verify(authorization: string | undefined): Promise<Verdict>;
  /** Fetch the signing keys again (start, liveness probe). Rejects when certsUrl does not answer. */
  refresh(): Promise<void>;
}

const OIDC_ISSUERS = ['https://accounts.google.com', 'accounts.google.com'];

function describeFailure(err: unknown): string {
  if (err instanceof errors.JWTExpired) return 'token expired';
  if (err instanceof errors.JWTClaimValidationFailed) return `claim "${err.claim}" invalid (${err.reason})`;
  if (err instanceof errors.JWSSignatureVerificationFailed) return 'signature does not verify';
  if (err instanceof errors.JWKSNoMatchingKey) return 'signed by a key Google Chat does not publish';
  if (err instanceof errors.JOSEAlgNotAllowed) return 'algorithm not allowed';
  if (err instanceof errors.JWKSTimeout) return 'signing keys did not load in time';
  if (err instanceof errors.JOSEError) return `${err.code}`;
  return `signing keys unavailable (${String((err as Error).message ?? err)})`;
}

/** Build a verifier for one audience. */
export function createRequestVerifier(opts: { audienceType: AudienceType; audience: string; certsUrl: string; timeoutMs: number }): RequestVerifier {
  const jwks = createRemoteJWKSet(new URL(opts.certsUrl), { timeoutDuration: opts.timeoutMs, cooldownDuration: 30_000, cacheMaxAge: 60 * 60_000 });
  return {
    async verify(authorization) {
      const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
      if (!match) return { ok: false, reason: authorization ? 'Authorization is not a bearer token' : 'no Authorization header' };
      try {
        const { payload } = await jwtVerify(match[1], jwks, {
          algorithms: ['RS256'],
          audience: opts.audience,
          issuer: opts.audienceType === 'project-number' ? CHAT_ISSUER : OIDC_ISSUERS,
          requiredClaims: ['exp'],
          clockTolerance: 30,
        });
        if (opts.audienceType === 'app-url' && (payload.email !== CHAT_ISSUER || payload.email_verified !== true)) {
          return { ok: false, reason: 'ID token is not from the Google Chat service account' };
        }
        return { ok: true, claims: payload };
      } catch (err) {
        return { ok: false, reason: describeFailure(err) };
      }
    },
    refresh: () => jwks.reload(),
  };
}
