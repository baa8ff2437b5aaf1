/**
 * The page's half of a one-time login link (`/?login=<code>`, opened by the desktop app or
 * `openclaw dashboard`): the code leaves the address bar at once, then is traded once, on this page's
 * own origin, for a device token bound to this browser's device key. Only the code is read from the
 * address: never a gateway URL (see transport.ts).
 */
import { LOGIN_EXCHANGE_PATH, LOGIN_LINK_PARAM } from '../../src-shared/protocol/methods/control-ui.js';
import type { DeviceSigner } from './device-identity.js';

/** The parts of `window.location` this reads. */
export interface PageAddress {
  pathname: string;
  search: string;
  hash: string;
}

/**
 * The login code in the address, if any, after taking it out of the address (and the history entry)
 * with `replace`, so it is neither bookmarked, shared nor left for the back button.
 */
export function takeLoginCode(address: PageAddress, replace: (url: string) => void): string | undefined {
  const params = new URLSearchParams(address.search);
  if (!params.has(LOGIN_LINK_PARAM)) return undefined;
  const code = params.get(LOGIN_LINK_PARAM) ?? '';
  params.delete(LOGIN_LINK_PARAM);
  const rest = params.toString();
  replace(`${address.pathname}${rest ? `?${rest}` : ''}${address.hash}`);
  return code;
}

/** A refused code, with the gateway's words for why (used, expired, unknown, locked out). */
export class LoginLinkError extends Error {
  override readonly name = 'LoginLinkError';
  constructor(
    message: string,
    readonly type: string,
  ) {
    super(message);
  }
}

export type FetchLike = (url: string, init: { method: string; headers: Record<string, string>; body: string; credentials: 'same-origin' }) => Promise<{ ok: boolean; status: number; json(): Promise<unknown> }>;

/** Trades `code` for a device token for `device`; throws {@link LoginLinkError} with the reason on refusal. */
export async function exchangeLoginCode(fetchFn: FetchLike, code: string, device: Pick<DeviceSigner, 'deviceId' | 'publicKey'>, platform: string): Promise<string> {
  if (!code) throw new LoginLinkError('The sign-in link has no code. Open the Control UI from the app (or run openclaw dashboard) again.', 'login_link_unknown');
  let res: Awaited<ReturnType<FetchLike>>;
  try {
    res = await fetchFn(LOGIN_EXCHANGE_PATH, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ code, device: { id: device.deviceId, publicKey: device.publicKey }, platform: platform.slice(0, 64) }),
      credentials: 'same-origin',
    });
  } catch (err) {
    throw new LoginLinkError(`Could not reach the gateway to sign in: ${err instanceof Error ? err.message : String(err)}`, 'unavailable');
  }
  const body = (await res.json().catch(() => undefined)) as { deviceToken?: unknown; error?: { type?: unknown; message?: unknown } } | undefined;
  if (res.ok && typeof body?.deviceToken === 'string') return body.deviceToken;
  const message = typeof body?.error?.message === 'string' ? body.error.message : `The gateway refused the sign-in link (HTTP ${res.status}).`;
  throw new LoginLinkError(message, typeof body?.error?.type === 'string' ? body.error.type : 'refused');
}
