/**
 * Who is on the other end of a request. The socket's address, unless that address is a reverse proxy
 * the operator listed in `gateway.trustedProxies`: then the client is read from the proxy's
 * `X-Forwarded-For` (or, when it sends none, RFC 7239 `Forwarded`), walking from the right past the
 * trusted hops. From any other peer those headers are ignored: anybody can send them.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { BlockList, isIP } from 'node:net';
import { isLoopbackAddress } from './origin.js';

/** Headers that say a request was relayed: one from an untrusted peer means it is not direct. */
const PROXY_HEADERS = ['x-forwarded-for', 'forwarded', 'x-real-ip'] as const;

/** The client behind a request, as far as this gateway can tell. */
export interface ClientAddress {
  /** The client's address: the socket's, or the one the trusted proxy reported (`unknown` when it reported nonsense). */
  address: string;
  /** The socket's own address (the proxy, when there is one). */
  peer: string;
  /** The address came from a trusted proxy's header. */
  forwarded: boolean;
  /**
   * A process on this machine: a loopback socket with no relay headers, or a loopback client reported by
   * loopback proxies only. A request relayed for anyone else never counts as loopback.
   */
  loopback: boolean;
}

/** The parsed `gateway.trustedProxies`. */
export interface TrustedProxies {
  has(address: string): boolean;
  /** Entries that are not an address or a CIDR (the config schema lets through out-of-range numbers). */
  readonly invalid: readonly string[];
}

/** No proxy is trusted: the default. */
export const NO_TRUSTED_PROXIES: TrustedProxies = { has: () => false, invalid: [] };

/** Strips what sockets and headers wrap addresses in: IPv4-mapped IPv6, brackets, zone ids. */
export function normalizeAddress(addr: string): string {
  const a = addr.trim().replace(/^\[|\]$/g, '').split('%')[0]!.toLowerCase();
  return a.startsWith('::ffff:') && isIP(a.slice(7)) === 4 ? a.slice(7) : a;
}

/** `gateway.trustedProxies` entries (addresses or CIDRs, IPv4 or IPv6) as a matcher. */
export function parseTrustedProxies(entries: readonly string[] | undefined): TrustedProxies {
  if (!entries?.length) return NO_TRUSTED_PROXIES;
  const list = new BlockList();
  const invalid: string[] = [];
  for (const entry of entries) {
    const [base = '', bits, extra] = entry.trim().split('/');
    const addr = normalizeAddress(base);
    const family = isIP(addr);
    const prefix = bits === undefined ? (family === 6 ? 128 : 32) : Number(bits);
    if (!family || extra !== undefined || !Number.isInteger(prefix) || prefix < 0 || prefix > (family === 6 ? 128 : 32) || (bits !== undefined && !/^\d+$/.test(bits))) {
      invalid.push(entry);
      continue;
    }
    list.addSubnet(addr, prefix, family === 6 ? 'ipv6' : 'ipv4');
  }
  return {
    invalid,
    has(address) {
      const a = normalizeAddress(address);
      const family = isIP(a);
      return family !== 0 && list.check(a, family === 6 ? 'ipv6' : 'ipv4');
    },
  };
}

/** One hop of a forwarding header as an address, or undefined (a name, `unknown`, `_hidden`, garbage). */
function hopAddress(raw: string): string | undefined {
  let s = raw.trim().replace(/^"|"$/g, '');
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(s);
  if (bracketed) s = bracketed[1]!;
  else if (/^[\d.]+:\d+$/.test(s)) s = s.slice(0, s.lastIndexOf(':'));
  const a = normalizeAddress(s);
  return isIP(a) ? a : undefined;
}

/** The hops a proxy reported, oldest first: `X-Forwarded-For`, else the `for=` of `Forwarded`. */
function reportedHops(headers: IncomingHttpHeaders): string[] | undefined {
  const xff = headers['x-forwarded-for'];
  if (xff !== undefined) return (Array.isArray(xff) ? xff.join(',') : xff).split(',').filter((h) => h.trim() !== '');
  const fwd = headers.forwarded;
  if (fwd === undefined) return undefined;
  const hops: string[] = [];
  for (const element of fwd.split(',')) {
    const pair = element.split(';').map((p) => p.trim()).find((p) => /^for=/i.test(p));
    hops.push(pair ? pair.slice(4) : '');
  }
  return hops;
}

/** The client of a request (an HTTP request or a WebSocket upgrade); see {@link ClientAddress}. */
export function resolveClientAddress(req: { socket: { remoteAddress?: string }; headers: IncomingHttpHeaders }, trusted: TrustedProxies): ClientAddress {
  const peer = normalizeAddress(req.socket.remoteAddress ?? '') || 'unknown';
  const relayed = PROXY_HEADERS.some((h) => req.headers[h] !== undefined);
  const hops = trusted.has(peer) ? reportedHops(req.headers) : undefined;
  if (!hops?.length) {
    // A trusted proxy that names nobody is itself the client (a health check); a local process beside it
    // sends no relay headers and stays loopback, while a relay header this code does not read never does.
    return { address: peer, peer, forwarded: false, loopback: isLoopbackAddress(peer) && !relayed };
  }
  let allLoopback = isLoopbackAddress(peer);
  let client: string | undefined;
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = hopAddress(hops[i]!);
    if (hop === undefined) return { address: 'unknown', peer, forwarded: true, loopback: false };
    client = hop;
    allLoopback &&= isLoopbackAddress(hop);
    if (!trusted.has(hop)) break;
  }
  return { address: client!, peer, forwarded: true, loopback: allLoopback };
}
