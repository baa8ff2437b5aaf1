import { networkInterfaces } from 'node:os';
import type { ResolvedConfig } from '../config/resolve.js';
import type { Logger } from '../logging/index.js';
import { authPolicyViolation, isLoopbackHost } from './auth-policy.js';
import type { AuthSettings } from './handshake.js';

/** A refusal to start, with a message meant for the user as is. */
export class StartupError extends Error {
  override readonly name = 'StartupError';
}

export type BindMode = 'loopback' | 'lan' | 'tailnet' | 'custom';

/** Listener settings given on the command line; each wins over the config file. */
export interface ListenerOverrides {
  port?: number;
  bind?: BindMode;
  host?: string;
}

/** The listener settings of a config (the paths the reload table marks as moving the listener). */
type ListenerConfig = Pick<ResolvedConfig['gateway'], 'port' | 'bind' | 'customBindHost'>;

/** The address `bind` stands for; throws {@link StartupError} when the config cannot say. */
export function resolveBindHost(gateway: ListenerConfig, overrides: ListenerOverrides = {}): string {
  if (overrides.host) return overrides.host;
  const bind = overrides.bind ?? gateway.bind;
  switch (bind) {
    case 'loopback':
      return '127.0.0.1';
    case 'lan':
      return '0.0.0.0';
    case 'custom':
      if (!gateway.customBindHost) throw new StartupError('gateway.bind is "custom" but gateway.customBindHost is not set');
      return gateway.customBindHost;
    default:
      throw new StartupError(`gateway.bind "${bind}" needs the Tailscale address: use bind "custom" with gateway.customBindHost set to your tailnet IP`);
  }
}

/** A host as it goes into a URL a client on this machine can open: IPv6 in brackets, the wildcard as loopback. */
export function urlHost(host: string): string {
  if (host === '0.0.0.0') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}

/** WebSocket URLs other machines can use: the bound address, or every non-internal IPv4 address when bound to all. */
export function lanUrls(host: string, port: number, scheme: 'ws' | 'wss' = 'ws'): string[] {
  if (isLoopbackHost(host)) return [];
  if (host !== '0.0.0.0' && host !== '::') return [`${scheme}://${urlHost(host)}:${port}`];
  return Object.values(networkInterfaces())
    .flat()
    .filter((i): i is NonNullable<typeof i> => !!i && i.family === 'IPv4' && !i.internal)
    .map((i) => `${scheme}://${i.address}:${port}`);
}

/** What the listener binds with: the gateway server (or a test double). */
export interface BindTarget {
  listen(port: number, host: string): Promise<{ port: number }>;
  rebind(port: number, host: string): Promise<{ port: number }>;
}

/** How a request to move the listener ended. */
export type MoveOutcome =
  | { kind: 'unchanged' }
  | { kind: 'pinned' }
  | { kind: 'unresolvable'; error: string }
  | { kind: 'refused'; error: string }
  | { kind: 'moved' }
  | { kind: 'failed'; error: string };

/** The gateway's address: where it listens, how that is shown, and moving it while running. */
export interface Listener {
  /** The bound host (the requested one until {@link Listener.listen} resolves). */
  readonly host: string;
  /** The bound port (the requested one until {@link Listener.listen} resolves; 0 asks the system). */
  readonly port: number;
  readonly loopbackOnly: boolean;
  /** A command-line flag fixes the address: config changes to it wait for a restart. */
  readonly pinned: boolean;
  wsUrl(): string;
  httpUrl(): string;
  /** Where other machines can reach the gateway (empty on loopback). */
  lanUrls(): string[];
  /** Every address `auth` must be safe on if `next` were applied (the current one, and the one it moves to). */
  hostsFor(next: ResolvedConfig): string[];
  /** The auth rule at start: throws {@link StartupError} before anything listens. */
  assertAuth(auth: AuthSettings): void;
  /** Binds for the first time; address problems become a {@link StartupError}. `onBound` hears every port bound from now on. */
  listen(target: BindTarget, onBound?: (port: number) => void): Promise<void>;
  /** Moves to the address `next` asks for, when it differs and `auth` is safe there. */
  move(next: ResolvedConfig, auth: AuthSettings): Promise<MoveOutcome>;
}

export interface ListenerDeps {
  config: ResolvedConfig;
  overrides?: ListenerOverrides;
  log: Logger;
  /** The port serves TLS: addresses are `wss://` and `https://`. */
  secure?: boolean;
}

export function createListener(deps: ListenerDeps): Listener {
  const overrides = deps.overrides ?? {};
  const pinned = overrides.port !== undefined || overrides.host !== undefined || overrides.bind !== undefined;
  let host = resolveBindHost(deps.config.gateway, overrides);
  let port = overrides.port ?? deps.config.gateway.port;
  let target: BindTarget | undefined;
  let onBound: ((port: number) => void) | undefined;
  const [ws, http] = deps.secure ? (['wss', 'https'] as const) : (['ws', 'http'] as const);

  const wantedHost = (next: ResolvedConfig): string | undefined => {
    try {
      return resolveBindHost(next.gateway, overrides);
    } catch {
      return undefined;
    }
  };

  return {
    get host() {
      return host;
    },
    get port() {
      return port;
    },
    get loopbackOnly() {
      return isLoopbackHost(host);
    },
    pinned,
    wsUrl: () => `${ws}://${urlHost(host)}:${port}`,
    httpUrl: () => `${http}://${urlHost(host)}:${port}/`,
    lanUrls: () => lanUrls(host, port, ws),
    hostsFor(next) {
      if (pinned) return [host];
      const want = wantedHost(next);
      const moves = want !== undefined && (want !== host || next.gateway.port !== port);
      return moves ? [host, want] : [host];
    },
    assertAuth(auth) {
      const violation = authPolicyViolation(auth, [host], deps.config.gateway.trustedProxies);
      if (violation) throw new StartupError(violation);
    },
    async listen(t, bound) {
      target = t;
      onBound = bound;
      try {
        port = (await t.listen(port, host)).port;
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'EADDRINUSE') throw new StartupError(`port ${port} on ${host} is already in use by another process; stop it or use --port <n> (or another --profile)`);
        if (code === 'EACCES') throw new StartupError(`no permission to listen on ${host}:${port}`);
        throw err;
      }
      onBound?.(port);
    },
    /**
     * Hybrid reload: port and bind changes move the gateway in process (clients
     * are told with 1012 and reconnect). A command-line flag wins over the file,
     * and an unsafe address (no auth beyond loopback) or a failed bind keeps the old one.
     */
    async move(next, auth) {
      if (pinned) return { kind: 'pinned' };
      let wantHost: string;
      try {
        wantHost = resolveBindHost(next.gateway, overrides);
      } catch (err) {
        return { kind: 'unresolvable', error: (err as Error).message };
      }
      const wantPort = next.gateway.port;
      if (wantHost === host && wantPort === port) return { kind: 'unchanged' };
      const violation = authPolicyViolation(auth, [wantHost]);
      if (violation) {
        deps.log.error('keeping the current address', { host: wantHost, reason: violation });
        return { kind: 'refused', error: violation };
      }
      if (!target) throw new Error('the listener has not bound yet');
      try {
        port = (await target.rebind(wantPort, wantHost)).port;
        host = wantHost;
        onBound?.(port);
        deps.log.info('gateway moved to a new address', { url: `${ws}://${urlHost(host)}:${port}` });
        return { kind: 'moved' };
      } catch (err) {
        deps.log.error('could not move the listener; kept the old address', { host: wantHost, port: wantPort, err: (err as Error).message });
        return { kind: 'failed', error: `could not listen on ${wantHost}:${wantPort}: ${(err as Error).message}; still on ${urlHost(host)}:${port}` };
      }
    },
  };
}
