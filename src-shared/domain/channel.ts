/**
 * The channel adapter contract. An adapter turns one platform account's
 * updates into `InboundMessage`s and sends already-formatted text back. It
 * does nothing else: access policy, pairing, routing, chunking, markdown
 * conversion and retries live once, in core.
 */
import type { InboundMessage, PeerKind } from './inbound.js';

/** How core must format text for this platform before `send`. */
export type TextFormat = 'plain' | 'markdown' | 'telegram-html' | 'slack-mrkdwn' | 'whatsapp';

/** What a platform can do; core uses it for chunking, formatting and policy. */
export interface ChannelCapabilities {
  /** Longest text one platform message may carry (characters). */
  textLimit: number;
  format: TextFormat;
  /** Can send media by URL. */
  media: boolean;
  /** Has threads or forum topics that replies can target. */
  threads: boolean;
  /** Links through a QR code (`login`), e.g. WhatsApp. */
  qrLogin?: boolean;
  /**
   * A personal number rather than a bot: unknown contacts must never be sent
   * pairing codes, so the default DM policy is `allowlist` with the owner.
   */
  personalNumber?: boolean;
  /**
   * The longest quiet time (ms) a healthy connection has between two
   * `heartbeat()` calls; the supervisor restarts the adapter after it.
   */
  livenessMs: number;
}

/** The smallest logger an adapter needs (the gateway passes its subsystem logger). */
export interface ChannelLogger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

/** What the gateway gives an adapter instance for one account. */
/**
 * What an account keeps between runs (credentials, resume positions) in the gateway's store, as text by
 * key: every gateway sharing the database reads the same, so the one that takes the channels over has
 * them (WhatsApp without a new QR). Writes of one `set` land together.
 */
export interface ChannelState {
  get(key: string): Promise<string | undefined>;
  /** `undefined` deletes the key. */
  set(entries: Record<string, string | undefined>): Promise<void>;
  /** Keys starting with `prefix`, in key order. */
  list(prefix: string): Promise<[key: string, value: string][]>;
  clear(): Promise<void>;
}

export interface ChannelContext {
  channel: string;
  accountId: string;
  /**
   * The account's settings: `channels.<id>` merged with
   * `channels.<id>.accounts.<accountId>` (account keys win), without `accounts`.
   */
  config: Record<string, unknown>;
  /** A private folder for this account's credentials (`<state>/channels/<id>/<accountId>`). */
  dataDir: string;
  /**
   * The account's state in the gateway's store (also for plugins in their own process, across the boundary);
   * prefer it to files in `dataDir` for anything another gateway would need to take over. Absent where a
   * harness gives none: adapters then keep files in `dataDir`.
   */
  state?: ChannelState;
  /** The operating system the gateway runs on (`process.platform`; tests may pretend to be another). */
  platform?: string;
  log: ChannelLogger;
  /**
   * Hand a normalised message to core. Resolves once it is durably queued, so
   * the adapter acknowledges the platform (long-poll offset, socket ack) after.
   * Never throws for policy reasons: policy is core's business.
   */
  emit(msg: InboundMessage): Promise<void>;
  /** Proof of life: call on every poll cycle, heartbeat ack or socket event. */
  heartbeat(): void;
  /**
   * The connection died on its own after `start` resolved (socket closed,
   * poll loop crashed). The supervisor stops and restarts the adapter.
   */
  fail(err: Error): void;
  /** Aborted when the adapter is being stopped. */
  signal: AbortSignal;
}

/** One outbound message, already chunked and formatted by core. */
export interface ChannelSend {
  to: { kind: PeerKind; id: string };
  text: string;
  threadId?: string;
  topicId?: string;
  replyToMessageId?: string;
  mediaUrls?: string[];
}

/** A running adapter for one account. */
export interface ChannelAdapter {
  /**
   * Connect and begin delivering inbound messages through `ctx.emit`.
   * Resolves once connected; rejects when the first connection fails.
   */
  start(): Promise<void>;
  /** Disconnect; resolves when no more `emit` calls will happen. Idempotent. */
  stop(): Promise<void>;
  /** Send one message. Throw `ChannelRateLimitError` on a platform 429. */
  send(msg: ChannelSend): Promise<{ messageId: string }>;
  /** Show "typing…" where the platform has it. */
  sendTyping?(to: ChannelSend['to'], threadId?: string): Promise<void>;
  /** Platform-specific facts for `channels.status` (bot name, linked number…). No secrets. */
  describe?(): Record<string, unknown>;
}

/** How a QR login reports progress. */
export interface ChannelLoginEvents {
  /** A new QR payload (the raw string the phone scans). */
  onQr(qr: string): void;
  signal: AbortSignal;
}

/** A channel kind: creates one adapter per configured account. */
export interface ChannelPlugin {
  /** Lowercase channel id, the key under `channels`. */
  id: string;
  label: string;
  capabilities: ChannelCapabilities;
  /** Whether this account has what it needs to start (e.g. a token); the reason when not. */
  checkConfig(config: Record<string, unknown>, ctx: { platform: string }): { ok: true } | { ok: false; reason: string };
  create(ctx: ChannelContext): ChannelAdapter;
  /** QR login (WhatsApp): resolves when linked; credentials end up in `dataDir`. */
  login?(ctx: Omit<ChannelContext, 'emit' | 'heartbeat' | 'fail'>, events: ChannelLoginEvents): Promise<{ linkedAs?: string }>;
  /** Forget the stored credentials (and unlink on the platform where possible). */
  logout?(ctx: Omit<ChannelContext, 'emit' | 'heartbeat' | 'fail'>): Promise<void>;
}

/** A platform said "slow down"; delivery waits `retryAfterMs` and tries again. */
export class ChannelRateLimitError extends Error {
  override name = 'ChannelRateLimitError';
  constructor(
    readonly retryAfterMs: number,
    message = `rate limited; retry after ${retryAfterMs} ms`,
  ) {
    super(message);
  }
}

/** A send that can never succeed as asked (unknown chat, blocked bot); delivery does not retry. */
export class ChannelPermanentError extends Error {
  override name = 'ChannelPermanentError';
}

/** Credentials were revoked on the platform (logged out, token invalid); restarting will not help. */
export class ChannelAuthError extends Error {
  override name = 'ChannelAuthError';
}

// A plugin bundles its own copy of these classes (and a plugin process sends only their names), so core
// recognises them by name, never by `instanceof`.

/** A platform's "slow down" from any plugin: see {@link ChannelRateLimitError}. */
export function isChannelRateLimitError(err: unknown): err is ChannelRateLimitError {
  return err instanceof Error && err.name === 'ChannelRateLimitError' && typeof (err as { retryAfterMs?: unknown }).retryAfterMs === 'number';
}

/** A send that can never succeed, from any plugin: see {@link ChannelPermanentError}. */
export function isChannelPermanentError(err: unknown): boolean {
  return err instanceof Error && err.name === 'ChannelPermanentError';
}

/** Revoked credentials, from any plugin: see {@link ChannelAuthError}. */
export function isChannelAuthError(err: unknown): boolean {
  return err instanceof Error && err.name === 'ChannelAuthError';
}
