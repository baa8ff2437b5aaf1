/**
 * The bot's own access token for the Bot Connector: the OAuth 2.0 client
 * credentials grant with the app id and secret, at the Entra token endpoint
 * (`botframework.com` tenant for multi-tenant bots, the bot's tenant for
 * single-tenant ones), reused until shortly before it expires.
 *
 * Why not the SDK's `MsalTokenProvider`: MSAL refuses any authority that is
 * not `https:` and, for a host outside Microsoft's list, asks
 * login.microsoftonline.com to vouch for it; the SDK passes no
 * `knownAuthorities`, so it cannot be pointed at a sovereign or local
 * authority. The grant itself is one documented form POST.
 */
import { ChannelAuthError, ChannelRateLimitError } from '../../../src-shared/domain/channel.js';

// Renew this long before expiry so a send never carries a token that dies in flight.
const RENEW_MARGIN_MS = 5 * 60_000;

/** Who the bot is and where it signs in. */
export interface TokenSourceOptions {
  appId: string;
  appPassword: string;
  tokenUrl: string;
  scope: string;
  timeoutMs: number;
  signal: AbortSignal;
}

/** Gives a valid access token for the Bot Connector, fetching one when needed. */
export class AccessTokenSource {
  private cached?: { token: string; renewAt: number };
  private inflight?: Promise<string>;

  constructor(private readonly opts: TokenSourceOptions) {}

  /** A cached token, or a fresh one. Concurrent callers share one request. */
  getToken(): Promise<string> {
    if (this.cached && Date.now() < this.cached.renewAt) return Promise.resolve(this.cached.token);
    this.inflight ??= this.fetchToken().finally(() => {
      this.inflight = undefined;
    });
    return this.inflight;
  }

  /** Forget the cached token (the connector said it is no longer valid). */
  invalidate(): void {
    this.cached = undefined;
  }

  private async fetchToken(): Promise<string> {
    const o = this.opts;
    let res: Response;
    try {
      res = await fetch(o.tokenUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'client_credentials', client_id: o.appId, client_secret: o.appPassword, scope: o.scope }),
        signal: AbortSignal.any([o.signal, AbortSignal.timeout(o.timeoutMs)]),
      });
    } catch (err) {
      throw new Error(`Microsoft sign-in endpoint unreachable (${describeFetchError(err)})`);
    }
    const body = (await res.json().catch(() => ({}))) as { access_token?: unknown; expires_in?: unknown; error?: unknown; error_description?: unknown };
    if (res.status === 400 || res.status === 401 || res.status === 403) {
      // invalid_client (wrong or expired secret), unauthorized_client (app deleted, or not in this tenant).
      const code = typeof body.error === 'string' ? body.error : String(res.status);
      const aadsts = typeof body.error_description === 'string' ? /AADSTS\d+/.exec(body.error_description)?.[0] : undefined;
      throw new ChannelAuthError(
        `Microsoft refused the Teams bot's app credentials (${code}${aadsts ? `, ${aadsts}` : ''}). ` +
          'Check channels.msteams.appId and appPassword (client secrets expire; create a new one under Certificates & secrets of the app registration), ' +
          'and set tenantId for a single-tenant bot.',
      );
    }
    if (res.status === 429) throw new ChannelRateLimitError(retryAfterMs(res.headers.get('retry-after')));
    if (!res.ok || typeof body.access_token !== 'string') throw new Error(`Microsoft sign-in endpoint answered ${res.status}`);
    const lifetimeMs = (typeof body.expires_in === 'number' ? body.expires_in : Number(body.expires_in) || 3600) * 1000;
    this.cached = { token: body.access_token, renewAt: Date.now() + Math.max(lifetimeMs - RENEW_MARGIN_MS, lifetimeMs / 2) };
    return body.access_token;
  }
}

/** `Retry-After` in seconds (or an HTTP date) → milliseconds; 1 s when absent. */
export function retryAfterMs(header: string | null | undefined): number {
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
  if (e.name === 'AbortError') return 'stopped';
  return e.cause?.code ?? e.message ?? String(err);
}
