/**
 * OAuth 2.0 service-account flow: sign an RS256 JWT assertion with the key,
 * trade it at the token endpoint for an access token, reuse that token until
 * shortly before it expires.
 */
import { importPKCS8, SignJWT, type CryptoKey } from 'jose';
import { ChannelAuthError, ChannelRateLimitError } from '../../../src-shared/domain/channel.js';
import { CHAT_BOT_SCOPE, type ServiceAccountKey } from './settings.js';

// Renew this long before expiry so a send never carries a token that dies in flight.
const RENEW_MARGIN_MS = 60_000;

/** Gives a valid access token for the Chat API, fetching one when needed. */
export class AccessTokenSource {
  private key?: CryptoKey;
  private cached?: { token: string; renewAt: number };
  private inflight?: Promise<string>;

  constructor(
    private readonly account: ServiceAccountKey,
    private readonly tokenUri: string,
    private readonly timeoutMs: number,
  ) {}

  /** Parse the private key now, so a broken key is reported at start. */
  async init(): Promise<void> {
    try {
      this.key = await importPKCS8(this.account.private_key, 'RS256');
    } catch {
      throw new ChannelAuthError('The Google Chat service account private_key is not a valid PEM private key; download a new JSON key for the service account.');
    }
  }

  /** A cached token, or a fresh one. Concurrent callers share one request. */
  getToken(): Promise<string> {
    if (this.cached && Date.now() < this.cached.renewAt) return Promise.resolve(this.cached.token);
    this.inflight ??= this.fetchToken().finally(() => {
      this.inflight = undefined;
    });
    return this.inflight;
  }

  /** Forget the cached token (the API said it is no longer valid). */
  invalidate(): void {
    this.cached = undefined;
  }

  private async fetchToken(): Promise<string> {
    if (!this.key) await this.init();
    const assertion = await new SignJWT({ scope: CHAT_BOT_SCOPE })
      .setProtectedHeader({ alg: 'RS256', typ: 'JWT', ...(this.account.private_key_id ? { kid: this.account.private_key_id } : {}) })
      .setIssuer(this.account.client_email)
      .setAudience(this.tokenUri)
      .setIssuedAt()
      .setExpirationTime('1h')
      .sign(this.key as CryptoKey);
    let res: Response;
    try {
      res = await fetch(this.tokenUri, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion }),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (err) {
      throw new Error(`Google token endpoint unreachable (${describeFetchError(err)})`);
    }
    const body = (await res.json().catch(() => ({}))) as { access_token?: unknown; expires_in?: unknown; error?: unknown; error_description?: unknown };
    if (res.status === 400 || res.status === 401 || res.status === 403) {
      // invalid_grant / invalid_client: the key was deleted, disabled or never belonged to this account.
      throw new ChannelAuthError(
        `Google refused the Chat service account credentials (${String(body.error ?? res.status)}${body.error_description ? `: ${String(body.error_description)}` : ''}). ` +
          'Check that the service account and its key still exist, or create a new JSON key.',
      );
    }
    if (res.status === 429) throw new ChannelRateLimitError(retryAfterMs(res.headers.get('retry-after')));
    if (!res.ok || typeof body.access_token !== 'string') throw new Error(`Google token endpoint answered ${res.status}`);
    const lifetimeMs = (typeof body.expires_in === 'number' ? body.expires_in : 3600) * 1000;
    this.cached = { token: body.access_token, renewAt: Date.now() + Math.max(lifetimeMs - RENEW_MARGIN_MS, lifetimeMs / 2) };
    return body.access_token;
  }
}

/** `Retry-After` in seconds (or an HTTP date) → milliseconds; 1 s when absent. */
export function retryAfterMs(header: string | null): number {
  if (!header) return 1000;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(header);
  return Number.isFinite(at) ? Math.max(0, at - Date.now()) : 1000;
}

/** A fetch failure in a few words (timeout, refused, reset). */
export function describeFetchError(err: unknown): string {
  const e = err as { name?: string; message?: string; cause?: { code?: string } };
  if (e.name === 'TimeoutError') return 'timed out';
  return e.cause?.code ?? e.message ?? String(err);
}
