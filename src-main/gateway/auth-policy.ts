import type { AuthSettings } from './handshake.js';

/** Shortest shared token accepted for a listener beyond loopback (a generated one has 43 characters). */
export const MIN_REMOTE_TOKEN_CHARS = 16;
/** Shortest password accepted for a listener beyond loopback. */
export const MIN_REMOTE_PASSWORD_CHARS = 12;

/** True for the addresses only this machine can reach. */
export function isLoopbackHost(host: string): boolean {
  return host === '127.0.0.1' || host === '::1' || host === 'localhost' || host.startsWith('127.');
}

/**
 * The one rule for what authentication a listener needs, applied at start and to every reload.
 * Returns why `auth` is not acceptable on `hosts` (every address the gateway listens on, or is about to),
 * or undefined when it is. Trusting a reverse proxy (`trustedProxies`) exposes the gateway as much as a
 * public address does, whatever it binds to.
 */
export function authPolicyViolation(auth: AuthSettings, hosts: readonly string[], trustedProxies: readonly string[] = []): string | undefined {
  if (auth.mode === 'trusted-proxy') return 'gateway.auth.mode "trusted-proxy" is not supported by this gateway; use "token" or "password"';
  if (auth.mode === 'password' && !auth.password) {
    return 'gateway.auth.mode is "password" but no password is set (gateway.auth.password or OPENCLAW_GATEWAY_PASSWORD)';
  }
  if (auth.mode === 'token' && !auth.token) return 'gateway.auth.mode is "token" but the token is empty';
  const host = hosts.find((h) => !isLoopbackHost(h));
  const where = host !== undefined ? `listen on ${host}` : trustedProxies.length ? 'serve a reverse proxy (gateway.trustedProxies)' : undefined;
  if (where === undefined) return undefined;
  if (auth.mode === 'none') {
    return `refusing to ${where} without authentication: set gateway.auth.mode to "token" (default) or "password"${host !== undefined ? ', or bind to loopback' : ''}`;
  }
  if (auth.mode === 'token' && auth.token!.length < MIN_REMOTE_TOKEN_CHARS) {
    return `the gateway token is too short to ${where}: use at least ${MIN_REMOTE_TOKEN_CHARS} random characters (or remove gateway.auth.token to use the generated one)`;
  }
  if (auth.mode === 'password' && auth.password!.length < MIN_REMOTE_PASSWORD_CHARS) {
    return `the gateway password is too short to ${where}: use at least ${MIN_REMOTE_PASSWORD_CHARS} characters`;
  }
  return undefined;
}
