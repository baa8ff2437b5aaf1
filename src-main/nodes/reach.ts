/** Where a phone or another computer reaches this gateway: what setup codes carry. */

/** The addresses to offer, and the certificate pin that holds for some of them. */
export interface GatewayReach {
  urls: string[];
  /** Only loopback, and no public URL: nobody else can reach it. */
  loopbackOnly: boolean;
  /** The gateway's self-signed certificate, and the addresses that serve it (its own, not a proxy's). */
  tls?: { fingerprint: string; urls: string[] };
}

/**
 * `gateway.publicUrl` first (a reverse proxy, Tailscale Serve, a tunnel), then the LAN addresses;
 * loopback-only counts as unreachable unless a public URL is set. `selfSignedFingerprint` holds for the
 * gateway's own addresses only: a proxy in front presents its own certificate.
 */
export function publicReach(publicUrl: string | undefined, listener: { lanUrls(): string[]; loopbackOnly: boolean }, selfSignedFingerprint?: string): GatewayReach {
  const lan = listener.lanUrls();
  const tls = selfSignedFingerprint && lan.length ? { tls: { fingerprint: selfSignedFingerprint, urls: lan } } : {};
  if (!publicUrl) return { urls: lan, loopbackOnly: listener.loopbackOnly, ...tls };
  return { urls: [publicUrl, ...lan.filter((u) => u !== publicUrl)], loopbackOnly: false, ...tls };
}

/** The pin for the address a setup code leads with, when the gateway's own certificate is behind it. */
export function pinFor(url: string, reach: GatewayReach): string | undefined {
  return reach.tls?.urls.includes(url) ? reach.tls.fingerprint : undefined;
}
