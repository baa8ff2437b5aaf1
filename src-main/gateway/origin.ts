import type { IncomingHttpHeaders } from 'node:http';
import { isIP } from 'node:net';

const LOOPBACK_NAMES = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);
/** Methods that change state: their body must be JSON, which a cross-site form or `text/plain` fetch cannot send without a CORS preflight. */
const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Loopback addresses as seen on sockets (IPv4, IPv6 and the IPv4-mapped form). */
export function isLoopbackAddress(addr: string | undefined): boolean {
  if (!addr) return false;
  return addr === '::1' || addr.startsWith('127.') || addr.startsWith('::ffff:127.');
}

/**
 * The network a peer address stands for, for per-source limits: every
 * loopback address is one `loopback` (any local process can pick any of
 * 127.0.0.0/8), IPv4-mapped IPv6 is its IPv4 address, and IPv6 counts per /64
 * (one host usually holds the whole /64). Other IPv4 addresses stand alone.
 */
export function addressBucket(addr: string | undefined): string {
  const a = (addr ?? '').toLowerCase().split('%')[0]!;
  const version = isIP(a);
  if (version === 4) return a.startsWith('127.') ? 'loopback' : a;
  if (version !== 6) return a || 'unknown';
  const g = expandIpv6(a);
  if (!g) return a;
  if (g.slice(0, 5).every((x) => x === 0) && g[5] === 0xffff) return addressBucket(`${g[6]! >> 8}.${g[6]! & 255}.${g[7]! >> 8}.${g[7]! & 255}`);
  if (g.slice(0, 7).every((x) => x === 0) && g[7] === 1) return 'loopback';
  return `${g.slice(0, 4).map((x) => x.toString(16)).join(':')}::/64`;
}

/** The eight 16-bit groups of a valid IPv6 address (an embedded IPv4 tail included). */
function expandIpv6(addr: string): number[] | undefined {
  let s = addr;
  const v4 = /^(.*:)(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(s);
  if (v4) {
    const [b0, b1, b2, b3] = v4.slice(2).map(Number) as [number, number, number, number];
    s = `${v4[1]}${((b0 << 8) | b1).toString(16)}:${((b2 << 8) | b3).toString(16)}`;
  }
  const halves = s.split('::');
  if (halves.length > 2) return undefined;
  const head = halves[0] ? halves[0].split(':') : [];
  const tail = halves.length === 2 && halves[1] ? halves[1].split(':') : [];
  const fill = halves.length === 2 ? 8 - head.length - tail.length : 0;
  if (fill < 0) return undefined;
  const groups = [...head, ...Array<string>(fill).fill('0'), ...tail].map((g) => parseInt(g, 16));
  return groups.length === 8 && groups.every((g) => Number.isInteger(g) && g >= 0 && g <= 0xffff) ? groups : undefined;
}

export interface OriginPolicy {
  port: number;
  /** Extra origins the user allowed (`gateway.controlUi.allowedOrigins`); their host names are accepted in `Host` too. */
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

/** The name in a `Host` header, without port or IPv6 brackets; undefined when malformed. */
function hostName(host: string): string | undefined {
  const m = /^(\[[0-9a-f:.]+\]|[^:[\]]+)(?::(\d{1,5}))?$/i.exec(host.trim());
  if (!m) return isIP(host) === 6 ? host : undefined;
  return m[1]!.replace(/^\[|\]$/g, '').replace(/\.$/, '').toLowerCase();
}

/**
 * Whether a `Host` header names this gateway. On loopback only loopback
 * names, IP literals and the hosts of `allowedOrigins` do: a web page that
 * rebinds its own DNS name to 127.0.0.1 still sends that name, so it is
 * refused before any route. Bound beyond loopback, auth is always on and the
 * gateway is reached by names it cannot know (LAN, tailnet, a reverse proxy),
 * so any host is accepted there; the Origin rule still applies to browsers.
 * A request without Host (HTTP/1.0 tools) does not come from a browser.
 */
export function isHostAllowed(host: string | undefined, policy: OriginPolicy): boolean {
  if (host === undefined || host === '') return true;
  const name = hostName(host);
  if (name === undefined) return false;
  if (name === 'localhost' || isIP(name) !== 0) return true;
  if (policy.allowedOrigins.some((o) => originHostName(o) === name)) return true;
  return policy.lanBind;
}

function originHostName(origin: string): string | undefined {
  try {
    return new URL(origin).hostname.replace(/^\[|\]$/g, '').toLowerCase();
  } catch {
    return undefined;
  }
}

/** Why a request was refused at the door, as HTTP. */
export interface SourceRefusal {
  status: 403 | 415;
  type: 'host_not_allowed' | 'origin_not_allowed' | 'unsupported_media_type';
  message: string;
}

/**
 * The one gate in front of every HTTP route and every WebSocket upgrade:
 * - the Host must name the gateway (see isHostAllowed);
 * - a request that can act (a state-changing method, or an upgrade to a
 *   WebSocket) from a browser, i.e. carrying `Origin` or marked
 *   `Sec-Fetch-Site: cross-site`, must come from an allowed origin;
 * - a state-changing request must carry `Content-Type: application/json`,
 *   which no cross-site form or "simple" fetch can send without a preflight.
 * GET and HEAD change nothing and a foreign page cannot read their answers,
 * so only the Host rule applies to them: a link from another site still
 * opens the Control UI, and sandboxed canvas pages (an opaque origin) still
 * load their own files.
 */
export function checkRequestSource(req: { method?: string; headers: IncomingHttpHeaders }, policy: OriginPolicy): SourceRefusal | undefined {
  const { host, origin } = req.headers;
  if (!isHostAllowed(host, policy)) return { status: 403, type: 'host_not_allowed', message: `host ${JSON.stringify(host)} is not this gateway; add its origin to gateway.controlUi.allowedOrigins` };
  const method = (req.method ?? 'GET').toUpperCase();
  const changesState = STATE_CHANGING.has(method);
  if (!changesState && req.headers.upgrade === undefined) return undefined;
  if (origin !== undefined && !isOriginAllowed(origin, host, policy)) return { status: 403, type: 'origin_not_allowed', message: 'origin not allowed' };
  if (origin === undefined && req.headers['sec-fetch-site'] === 'cross-site') return { status: 403, type: 'origin_not_allowed', message: 'cross-site request not allowed' };
  if (changesState && !isJsonContentType(req.headers['content-type'])) {
    return { status: 415, type: 'unsupported_media_type', message: 'send the body as Content-Type: application/json' };
  }
  return undefined;
}

function isJsonContentType(value: string | undefined): boolean {
  return value !== undefined && value.split(';')[0]!.trim().toLowerCase() === 'application/json';
}
