import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { ToolDeniedError } from './types.js';

/** Resolves a hostname to every address it has. Injected in tests; the default uses the system resolver. */
export type HostResolver = (hostname: string) => Promise<{ address: string; family: number }[]>;

export const systemResolver: HostResolver = (hostname) => lookup(hostname, { all: true, verbatim: true });

/** IPv4 ranges that are never fetched unless private access is configured. */
const BLOCKED_V4: [number, number][] = [
  [0x00000000, 8], // 0.0.0.0/8 "this network"
  [0x0a000000, 8], // 10/8
  [0x64400000, 10], // 100.64/10 CGNAT
  [0x7f000000, 8], // 127/8 loopback
  [0xa9fe0000, 16], // 169.254/16 link-local, incl. 169.254.169.254 cloud metadata
  [0xac100000, 12], // 172.16/12
  [0xc0000000, 24], // 192.0.0/24 IETF protocol assignments
  [0xc0000200, 24], // 192.0.2/24 TEST-NET-1
  [0xc0a80000, 16], // 192.168/16
  [0xc6120000, 15], // 198.18/15 benchmarking
  [0xc6336400, 24], // 198.51.100/24 TEST-NET-2
  [0xcb007100, 24], // 203.0.113/24 TEST-NET-3
  [0xe0000000, 4], // 224/4 multicast
  [0xf0000000, 4], // 240/4 reserved, incl. broadcast
];

/**
 * Why `address` must not be fetched (loopback, private, link-local, CGNAT, multicast, reserved, or an
 * IPv6 form embedding one of those), or undefined when it is a public address. Unparseable input is blocked.
 */
export function blockedAddressReason(address: string): string | undefined {
  const bare = address.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  const kind = isIP(bare);
  if (kind === 4) return blockedV4(parseV4(bare));
  if (kind === 6) return blockedV6(parseV6(bare));
  return 'not an IP address';
}

export function isBlockedAddress(address: string): boolean {
  return blockedAddressReason(address) !== undefined;
}

function parseV4(s: string): number {
  return s.split('.').reduce((acc, part) => acc * 256 + Number(part), 0);
}

function blockedV4(ip: number): string | undefined {
  for (const [base, bits] of BLOCKED_V4) {
    const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
    if (((ip & mask) >>> 0) === base) return `${formatV4(base)}/${bits} is a non-public range`;
  }
  return undefined;
}

function formatV4(n: number): string {
  return [24, 16, 8, 0].map((s) => (n >>> s) & 255).join('.');
}

/** Eight 16-bit groups. Input has already passed `isIP(...) === 6`. */
function parseV6(s: string): number[] {
  let text = s.toLowerCase();
  const lastColon = text.lastIndexOf(':');
  const last = text.slice(lastColon + 1);
  if (last.includes('.')) {
    const v4 = parseV4(last);
    text = `${text.slice(0, lastColon + 1)}${(v4 >>> 16).toString(16)}:${(v4 & 0xffff).toString(16)}`;
  }
  const toGroups = (part: string) => (part === '' ? [] : part.split(':').map((x) => parseInt(x, 16)));
  if (!text.includes('::')) return toGroups(text);
  const [head, tail] = text.split('::');
  const h = toGroups(head);
  const t = toGroups(tail);
  return [...h, ...new Array<number>(8 - h.length - t.length).fill(0), ...t];
}

function blockedV6(g: number[]): string | undefined {
  const embeddedV4 = (hi: number, lo: number) => ((hi << 16) >>> 0) + lo;
  const allZero = (from: number, to: number) => g.slice(from, to).every((x) => x === 0);
  if (allZero(0, 8)) return ':: is unspecified';
  if (allZero(0, 7) && g[7] === 1) return '::1 is loopback';
  // ::ffff:a.b.c.d (mapped), ::a.b.c.d (compatible), ::ffff:0:a.b.c.d (translated): judge the IPv4 inside.
  if (allZero(0, 5) && (g[5] === 0xffff || g[5] === 0)) return wrap(blockedV4(embeddedV4(g[6], g[7])), 'IPv4-mapped');
  if (allZero(0, 4) && g[4] === 0xffff && g[5] === 0) return wrap(blockedV4(embeddedV4(g[6], g[7])), 'IPv4-translated');
  if (g[0] === 0x64 && g[1] === 0xff9b && allZero(2, 6)) return wrap(blockedV4(embeddedV4(g[6], g[7])), 'NAT64');
  if (g[0] === 0x2002) return wrap(blockedV4(embeddedV4(g[1], g[2])), '6to4');
  if ((g[0] & 0xfe00) === 0xfc00) return 'fc00::/7 is unique-local (private)';
  if ((g[0] & 0xffc0) === 0xfe80) return 'fe80::/10 is link-local';
  if ((g[0] & 0xffc0) === 0xfec0) return 'fec0::/10 is site-local';
  if ((g[0] & 0xff00) === 0xff00) return 'ff00::/8 is multicast';
  if (g[0] === 0x2001 && g[1] === 0x0db8) return '2001:db8::/32 is documentation';
  return undefined;
}

function wrap(reason: string | undefined, form: string): string | undefined {
  return reason === undefined ? undefined : `${form} address: ${reason}`;
}

export interface AddressCheckOptions {
  resolve: HostResolver;
  /** When true every address passes (`tools.web.fetch.allowPrivate`). */
  allowPrivate: boolean;
  /** Overrides the default public-address rule (tests use it to treat 127.0.0.1 as "public"). */
  isAllowed?: (address: string) => boolean;
}

/**
 * Resolve `hostname` and vet every address; ANY blocked address refuses the host (a name with one public and one
 * private address could be steered to the private one). Returns the vetted addresses; callers connect to one of
 * these, never re-resolving, so DNS rebinding between check and connect cannot switch the target.
 */
export async function resolveVettedAddresses(hostname: string, opts: AddressCheckOptions): Promise<{ address: string; family: number }[]> {
  const host = hostname.replace(/^\[|\]$/g, '');
  const literal = isIP(host);
  let addresses: { address: string; family: number }[];
  if (literal) addresses = [{ address: host, family: literal }];
  else {
    try {
      addresses = await opts.resolve(host);
    } catch (err) {
      throw new ToolDeniedError(`Could not resolve ${host}: ${(err as Error).message}`, 'DNS_FAILED');
    }
  }
  if (addresses.length === 0) throw new ToolDeniedError(`${host} has no addresses.`, 'DNS_FAILED');
  if (opts.allowPrivate) return addresses;
  for (const { address } of addresses) {
    const allowed = opts.isAllowed ? opts.isAllowed(address) : !isBlockedAddress(address);
    if (!allowed) {
      const why = blockedAddressReason(address) ?? 'not allowed';
      throw new ToolDeniedError(`Blocked: ${host} resolves to ${address} (${why}). Private and local addresses are not fetched.`, 'BLOCKED_ADDRESS');
    }
  }
  return addresses;
}
