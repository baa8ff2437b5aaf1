/**
 * The boundary between the adapter and Baileys: the part of a WhatsApp Web
 * socket the adapter uses, how one is configured, and what its close codes
 * mean. Tests inject a fake with this surface instead of `makeWASocket`.
 */
import {
  DisconnectReason,
  fetchLatestWaWebVersion,
  makeCacheableSignalKeyStore,
  type AuthenticationState,
  type BaileysEventEmitter,
  type SocketConfig,
  type UserFacingSocketConfig,
  type WASocket,
  type WAVersion,
} from '@whiskeysockets/baileys';
import type { ChannelLogger } from '../../../src-shared/domain/channel.js';
import { redactDigits } from './jid.js';

/** What the adapter needs from a Baileys socket (a real `WASocket` satisfies it). */
export interface WhatsAppSocket {
  ev: Pick<BaileysEventEmitter, 'on' | 'off'>;
  /** The transport; it emits `frame` for every frame the server sends, keep-alive replies included. */
  ws: { on(event: 'frame', listener: (...args: unknown[]) => void): unknown; off(event: 'frame', listener: (...args: unknown[]) => void): unknown };
  readonly user: WASocket['user'];
  sendMessage: WASocket['sendMessage'];
  sendPresenceUpdate: WASocket['sendPresenceUpdate'];
  logout: WASocket['logout'];
  end: WASocket['end'];
}

/** Builds a socket from a Baileys config; `makeWASocket` by default. */
export type MakeWhatsAppSocket = (config: UserFacingSocketConfig) => WhatsAppSocket;

/** Picks the WhatsApp Web version to announce; `undefined` keeps Baileys' bundled one. */
export type ResolveWhatsAppVersion = () => Promise<WAVersion | undefined>;

/** Close codes after which a new socket with the same credentials will not help. */
const FATAL_CLOSES: Record<number, string> = {
  [DisconnectReason.loggedOut]: 'WhatsApp logged this device out (401). Link again: openclaw channels login whatsapp',
  [DisconnectReason.forbidden]: 'WhatsApp refused this device (403); the account may be restricted. Link again once it is cleared: openclaw channels login whatsapp',
  [DisconnectReason.multideviceMismatch]: 'WhatsApp reports a linked-device mismatch (411). Link again: openclaw channels login whatsapp',
};

/** How the adapter should react to a socket close. */
export type CloseVerdict = { kind: 'auth'; message: string } | { kind: 'replaced'; message: string } | { kind: 'transient'; code: number | undefined };

/** The HTTP-like status Baileys puts on a close error (a Boom's `output.statusCode`). */
export function statusCodeOf(err: unknown): number | undefined {
  const code = (err as { output?: { statusCode?: unknown } } | undefined)?.output?.statusCode;
  return typeof code === 'number' ? code : undefined;
}

/** Sorts a close into "link again", "someone else took over" or "try again". */
export function classifyClose(err: unknown): CloseVerdict {
  const code = statusCodeOf(err);
  if (code !== undefined && FATAL_CLOSES[code]) return { kind: 'auth', message: FATAL_CLOSES[code] };
  if (code === DisconnectReason.connectionReplaced) {
    return { kind: 'replaced', message: 'Another session using this WhatsApp link took over the connection (440). Stop the other OpenClaw, then restart this one.' };
  }
  return { kind: 'transient', code };
}

/** A short, number-free description of a close for logs. */
export function describeClose(err: unknown): string {
  const code = statusCodeOf(err);
  const name = code !== undefined ? (DisconnectReason as unknown as Record<number, string>)[code] : undefined;
  const msg = err instanceof Error ? redactDigits(err.message) : 'closed';
  return `${code ?? 'no status'}${name ? ` ${name}` : ''}: ${msg}`;
}

/**
 * Baileys logs through a pino-like logger. Its info level is chatty, so it
 * goes to debug; objects are dropped (they carry keys and phone numbers) and
 * digit runs in messages are masked.
 */
export function makeBaileysLogger(log: ChannelLogger, bindings: Record<string, unknown> = {}): SocketConfig['logger'] {
  const line = (obj: unknown, msg?: string) => {
    const text = typeof obj === 'string' ? obj : (msg ?? '');
    const err = (obj as { err?: unknown; error?: unknown } | undefined)?.err ?? (obj as { error?: unknown } | undefined)?.error;
    const fields: Record<string, unknown> = { ...bindings };
    if (err instanceof Error) fields.error = redactDigits(err.message);
    return [`baileys: ${redactDigits(text)}`, fields] as const;
  };
  return {
    level: 'info',
    child: (obj) => makeBaileysLogger(log, { ...bindings, ...(typeof obj.class === 'string' ? { class: obj.class } : {}) }),
    trace: () => {},
    debug: () => {},
    info: (obj, msg) => log.debug(...line(obj, msg)),
    warn: (obj, msg) => log.debug(...line(obj, msg)),
    error: (obj, msg) => log.warn(...line(obj, msg)),
  };
}

/** Options for one socket. */
export interface SocketSetup {
  auth: AuthenticationState;
  livenessMs: number;
  log: ChannelLogger;
  version?: WAVersion;
  /** `apiRoot` override: the WhatsApp Web socket URL. */
  webSocketUrl?: string;
  markOnline: boolean;
  deviceName: string;
  /** Lets Baileys re-encrypt a message a recipient could not decrypt. */
  getMessage: SocketConfig['getMessage'];
}

/** The Baileys config for one connection. */
export function buildSocketConfig(s: SocketSetup): UserFacingSocketConfig {
  const logger = makeBaileysLogger(s.log);
  return {
    auth: { creds: s.auth.creds, keys: makeCacheableSignalKeyStore(s.auth.keys, logger) },
    logger,
    // Baileys pings at this interval and drops the socket after it plus 5 s of silence;
    // a third of the liveness bound leaves room for two missed pings before the supervisor steps in.
    keepAliveIntervalMs: Math.max(1000, Math.floor(s.livenessMs / 3)),
    connectTimeoutMs: Math.min(20_000, Math.max(5000, s.livenessMs)),
    // An online companion silences the phone's notifications, which a personal number must keep.
    markOnlineOnConnect: s.markOnline,
    // Old chats are not new messages; the agent needs none of them.
    syncFullHistory: false,
    shouldSyncHistoryMessage: () => false,
    // QR pairing accepts any first label; the second decides the icon on the phone.
    browser: [s.deviceName, 'Chrome', '1.0.0'],
    getMessage: s.getMessage,
    ...(s.version ? { version: s.version } : {}),
    ...(s.webSocketUrl ? { waWebSocketUrl: s.webSocketUrl } : {}),
  };
}

let cachedVersion: Promise<WAVersion | undefined> | undefined;

/**
 * The WhatsApp Web version the servers currently expect: a stale one makes
 * them refuse the connection (405) or the pairing. Fetched once per process;
 * on failure Baileys' bundled version is used.
 */
export const fetchCurrentVersion: ResolveWhatsAppVersion = () => {
  cachedVersion ??= fetchLatestWaWebVersion({ signal: AbortSignal.timeout(5000) })
    .then((r) => (r.error ? undefined : r.version))
    .catch(() => undefined)
    .then((v) => {
      if (!v) cachedVersion = undefined; // try again at the next connect
      return v;
    });
  return cachedVersion;
};
