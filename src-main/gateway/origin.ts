import { isIP } from 'node:net';

const LOOPBACK_NAMES = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

/** Loopback addresses as seen on sockets (IPv4, IPv6 and the IPv4-mapped form). */
export function isLoopbackAddress(addr: string | undefined): boolean {
  if (!addr) return false;
  return addr === '::1' || addr.startsWith('127.') || addr.startsWith('::ffff:127.');
}

export interface OriginPolicy {
  port: number;
  /** Extra origins the user allowed (`gateway.controlUi.allowedOrigins`). */
  allowedOrigins: readonly string[];
  /** Whether the gateway listens beyond loopback (then the page's own IP origin is allowed). */
  lanBind: boolean;
}

/**
 * Whether a browser `Origin` may open a WS or call HTTP APIs. Absent origin
 * (non-browser clients) is allowed; auth still applies. A DNS name other than
 * `localhost` is never trusted by matching the Host header, which defeats DNS
 * rebinding: the attacker controls both.
 */
export function isOriginAllowed(origin: string | undefined, host: string | undefined, policy: OriginPolicy): boolean {
  if (origin === undefined) return true;
  if (policy.allowedOrigins.includes(origin)) return true;
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
  const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
  if (LOOPBACK_NAMES.has(url.hostname) && port === policy.port) return true;
  if (policy.lanBind && host && url.host === host) {
    const hostname = url.hostname.replace(/^\[|\]$/g, '');
    return isIP(hostname) !== 0 && port === policy.port;
  }
  return false;
}
