import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { CLI_DEFAULT_SCOPES, DEFAULT_GATEWAY_PORT, type ClientInfo } from '../../src-shared/protocol/index.js';
import { parseConfigText, readConfigText } from '../config/load.js';
import { resolveConfigPaths, type ConfigPaths } from '../config/paths.js';
import { readGatewayToken } from '../gateway/gateway-token.js';
import { readLiveGateway } from '../gateway/instance-lock.js';
import { localCertificateFingerprint } from '../gateway/tls.js';
import { loadOrCreateDeviceKeys } from '../nodes/device-keys.js';
import { VERSION } from '../version.js';
import { GatewayCallError, GatewayClient, GatewayConnectionError } from './gateway-client.js';
import { CliError } from './output.js';
import { TlsFingerprintFormatError } from '../../src-shared/protocol/tls-fingerprint.js';

export interface GlobalOptions {
  profile?: string;
  url?: string;
  token?: string;
  password?: string;
  timeout?: string;
  /** SHA-256 fingerprint the gateway's certificate must have (`wss://` only). */
  tlsFingerprint?: string;
}

/** The gateway settings the CLI reads to find its gateway. */
interface LenientGatewayConfig {
  port?: number;
  token?: string;
  password?: string;
  /** `gateway.mode: "remote"` with its `gateway.remote.*`. */
  remote?: { url?: string; token?: string; tlsFingerprint?: string };
  tls?: { enabled?: boolean; certPath?: string };
}

interface StoredDeviceAuth {
  deviceId: string;
  role: string;
  token: string;
  scopes: string[];
}

/**
 * Read what the CLI needs from the config without validating it: diagnostic
 * commands must keep working while the file is broken.
 */
function lenientGatewayConfig(paths: ConfigPaths): LenientGatewayConfig {
  const parsed = parseConfigText(readConfigText(paths.configPath));
  if (!parsed.ok) return {};
  type Loose = Record<string, unknown> | undefined;
  const gw = (parsed.value.gateway ?? {}) as { port?: unknown; mode?: unknown; auth?: Loose; remote?: Loose; tls?: Loose };
  const str = (v: unknown) => (typeof v === 'string' && v && !v.includes('${') ? v : undefined);
  return {
    port: typeof gw.port === 'number' ? gw.port : undefined,
    token: str(gw.auth?.token),
    password: str(gw.auth?.password),
    ...(gw.mode === 'remote' ? { remote: { url: str(gw.remote?.url), token: str(gw.remote?.token), tlsFingerprint: str(gw.remote?.tlsFingerprint) } } : {}),
    ...(gw.tls?.enabled === true ? { tls: { enabled: true, certPath: str(gw.tls.certPath) } } : {}),
  };
}

/** Where the CLI connects and with what. */
export interface CliTarget {
  paths: ConfigPaths;
  url: string;
  token?: string;
  password?: string;
  /** The certificate fingerprint the connection must see (`wss://` only). */
  tlsFingerprint?: string;
  /** The address came from `gateway.mode: "remote"`: a gateway on another machine. */
  remote: boolean;
}

/**
 * Where to connect: `--url`, `OPENCLAW_GATEWAY_URL`, then in remote mode `gateway.remote.url` (with its
 * token and fingerprint); otherwise this machine's gateway: `OPENCLAW_GATEWAY_PORT`, then the port of the
 * gateway running on this state dir (its lock file, checked for a live pid: it may have been started with
 * `--port`), then `gateway.port`, then 18789, over `wss://` pinned to the certificate in the state dir when
 * `gateway.tls` is on. The fingerprint: `--tls-fingerprint`, `OPENCLAW_GATEWAY_TLS_FINGERPRINT`, then the
 * config's.
 */
export function resolveTarget(opts: GlobalOptions, env: NodeJS.ProcessEnv = process.env): CliTarget {
  const paths = resolveConfigPaths({ profile: opts.profile, env });
  const file = lenientGatewayConfig(paths);
  const given = opts.url ?? (env.OPENCLAW_GATEWAY_URL || undefined);
  const pinned = opts.tlsFingerprint ?? (env.OPENCLAW_GATEWAY_TLS_FINGERPRINT || undefined);
  const password = opts.password ?? (env.OPENCLAW_GATEWAY_PASSWORD || undefined) ?? file.password;
  const envToken = opts.token ?? (env.OPENCLAW_GATEWAY_TOKEN || undefined);
  if (file.remote) {
    if (!given && !file.remote.url) throw new CliError('gateway.mode is "remote" but gateway.remote.url is not set: set it to the gateway\'s address (wss://host:18789), or pass --url');
    const url = given ?? file.remote.url!;
    return { paths, url, token: envToken ?? file.remote.token, password, tlsFingerprint: pinned ?? (url === file.remote.url ? file.remote.tlsFingerprint : undefined), remote: true };
  }
  const envPort = env.OPENCLAW_GATEWAY_PORT ? Number(env.OPENCLAW_GATEWAY_PORT) : undefined;
  const running = readLiveGateway(paths.stateDir)?.port || undefined; // 0: still binding
  const port = envPort && Number.isInteger(envPort) ? envPort : (running ?? file.port ?? DEFAULT_GATEWAY_PORT);
  const local = `${file.tls ? 'wss' : 'ws'}://127.0.0.1:${port}`;
  const url = given ?? local;
  // This machine's own gateway: its certificate is on disk, so the CLI pins it without being told.
  const ownFingerprint = url === local ? localCertificateFingerprint(file.tls, paths.stateDir) : undefined;
  const token = envToken ?? file.token ?? readGatewayToken(paths.stateDir);
  return { paths, url, token, password, tlsFingerprint: pinned ?? ownFingerprint, remote: false };
}

function deviceAuthPath(stateDir: string): string {
  return join(stateDir, 'identity', 'device-auth.json');
}

function readStoredDeviceAuth(stateDir: string): StoredDeviceAuth | undefined {
  try {
    return JSON.parse(readFileSync(deviceAuthPath(stateDir), 'utf8')) as StoredDeviceAuth;
  } catch {
    return undefined;
  }
}

function storeDeviceAuth(stateDir: string, value: StoredDeviceAuth): void {
  const file = deviceAuthPath(stateDir);
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  writeFileSync(file, JSON.stringify(value, null, 2), { mode: 0o600 });
  chmodSync(file, 0o600);
}

/**
 * Connect as the CLI: signed device identity from the state dir, the shared
 * secret when one is known, else the stored device token. A fresh device token
 * from `hello-ok` is kept for next time. `as` names the client (the desktop app uses this too).
 */
export async function connectCli(opts: GlobalOptions, as: Partial<ClientInfo> = { id: 'cli', mode: 'cli' }): Promise<GatewayClient> {
  const { paths, url, token, password, tlsFingerprint } = resolveTarget(opts);
  const device = loadOrCreateDeviceKeys(join(paths.stateDir, 'identity', 'device.json'));
  const stored = readStoredDeviceAuth(paths.stateDir);
  const deviceToken = !token && !password && stored?.deviceId === device.deviceId ? stored.token : undefined;
  const timeoutMs = opts.timeout ? Number(opts.timeout) : 10_000;
  try {
    const client = await GatewayClient.connect({
      url,
      token,
      password,
      deviceToken,
      device,
      scopes: [...CLI_DEFAULT_SCOPES],
      client: { version: VERSION, platform: process.platform, ...as },
      timeoutMs,
      tlsFingerprint,
    });
    const auth = client.hello.auth;
    if (auth.deviceToken) storeDeviceAuth(paths.stateDir, { deviceId: device.deviceId, role: auth.role, token: auth.deviceToken, scopes: auth.scopes });
    return client;
  } catch (err) {
    throw explainConnectError(err, url);
  }
}

function explainConnectError(err: unknown, url: string): Error {
  if (err instanceof GatewayCallError) {
    const code = err.detailCode;
    const hint =
      code === 'AUTH_TOKEN_MISSING' || code === 'AUTH_TOKEN_MISMATCH'
        ? ' (set OPENCLAW_GATEWAY_TOKEN or pass --token; the gateway keeps its token in <state dir>/credentials/gateway.token)'
        : code === 'AUTH_RATE_LIMITED'
          ? ` (retry in ${Math.ceil((err.error.retryAfterMs ?? 0) / 1000)} s)`
          : '';
    return new CliError(`gateway refused the connection: ${err.message}${code ? ` [${code}]` : ''}${hint}`);
  }
  if (err instanceof TlsFingerprintFormatError) return new CliError(`--tls-fingerprint: ${err.message}`);
  if (err instanceof GatewayConnectionError) {
    if (/TLS|certificate/.test(err.message)) return new CliError(err.message);
    return new CliError(`${err.message.startsWith('cannot reach') ? err.message : `${err.message} (${url})`}; is the gateway running? Start it with: openclaw gateway`);
  }
  return err as Error;
}

/** Run one call and close. */
export async function callOnce<T = unknown>(opts: GlobalOptions, method: string, params?: unknown): Promise<T> {
  const client = await connectCli(opts);
  try {
    return await client.call<T>(method, params, { timeoutMs: opts.timeout ? Number(opts.timeout) : 30_000 });
  } catch (err) {
    if (err instanceof GatewayCallError) {
      const code = err.detailCode;
      throw new CliError(`${method} failed: ${err.message}${code ? ` [${code}]` : ''}`);
    }
    throw err;
  } finally {
    client.close();
  }
}
