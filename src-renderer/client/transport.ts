import type { OpenClawBridge } from './types.js';

/** The parts of `window.location` the transport choice may look at. Deliberately not search or hash. */
export interface PageOrigin {
  protocol: string;
  host: string;
}

export type TransportChoice = { kind: 'ipc'; bridge: OpenClawBridge } | { kind: 'ws'; url: string };

/**
 * The Control UI only ever connects to the origin that served it. A gateway URL taken from the query
 * string or fragment let any link send the token to an attacker (upstream CVE-2026-25253).
 */
export function sameOriginWsUrl(origin: PageOrigin): string {
  const scheme = origin.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${origin.host}/`;
}

/** IPC inside the desktop app (the preload bridge exists), otherwise WS to the page's own origin. */
export function chooseTransport(bridge: OpenClawBridge | undefined, origin: PageOrigin): TransportChoice {
  if (bridge) return { kind: 'ipc', bridge };
  return { kind: 'ws', url: sameOriginWsUrl(origin) };
}
