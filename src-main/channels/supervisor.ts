import { mkdirSync } from 'node:fs';
import { isChannelAuthError, type ChannelAdapter, type ChannelPlugin, type ChannelSend, type ChannelState } from '../../src-shared/domain/channel.js';
import type { InboundMessage } from '../../src-shared/domain/inbound.js';
import { redactText, type Logger } from '../logging/index.js';
import type { ChannelAccount } from './account-config.js';

/** Lifecycle of one channel account, as `channels.status` reports it. */
export type AccountState = 'starting' | 'running' | 'backoff' | 'failed' | 'stopped';

/** The truth about one account: never "running" for an adapter that stopped answering. */
export interface AccountStatus {
  channel: string;
  accountId: string;
  enabled: boolean;
  configured: boolean;
  state: AccountState;
  running: boolean;
  connected: boolean;
  lastError?: string;
  lastErrorAt?: number;
  lastStartAt?: number;
  lastConnectedAt?: number;
  lastInboundAt?: number;
  lastOutboundAt?: number;
  lastHeartbeatAt?: number;
  /** Restarts after a failure or lost liveness since the gateway started. */
  restarts: number;
  /** New messages received (redeliveries not counted) and messages sent since the gateway started. */
  inboundCount: number;
  outboundCount: number;
  nextRetryAt?: number;
  /** Platform facts from the adapter (bot name, linked number…). */
  details?: Record<string, unknown>;
}

export interface SupervisorOptions {
  plugin: ChannelPlugin;
  account: ChannelAccount;
  dataDir: string;
  state?: ChannelState;
  log: Logger;
  /** Hand a message to core; resolves once it is durably queued (`duplicate`: it already was). */
  ingest(msg: InboundMessage): Promise<IngestOutcome> | IngestOutcome;
  /** Called on every state change (for `channels.status` events). */
  onChange?(status: AccountStatus): void;
  backoff?: { initialMs?: number; maxMs?: number };
  /** How long `start()` may take before it counts as failed. */
  startTimeoutMs?: number;
  /** The OS the adapter is told it runs on (default `process.platform`). */
  platform?: string;
}

/** What core did with a message: a redelivered one is a duplicate and is not counted again. */
export type IngestOutcome = { duplicate?: boolean } | void;

class StopSignal extends Error {}

const TRAFFIC_KEYS = new Set(['lastInboundAt', 'lastOutboundAt', 'inboundCount', 'outboundCount']);

/**
 * Keeps one channel account alive: starts the adapter, restarts it with
 * capped exponential backoff when it fails or goes quiet for longer than its
 * liveness bound, and gives up only on revoked credentials (which a restart
 * cannot fix) until the config changes or someone starts it again.
 */
export class AccountSupervisor {
  private adapter?: ChannelAdapter;
  private st: AccountStatus;
  private stopped = false;
  private loop?: Promise<void>;
  private wake?: (err: Error) => void;
  private readonly waiters = new Set<() => void>();
  private attempt = 0;

  constructor(private readonly opts: SupervisorOptions) {
    const { account } = opts;
    this.st = { channel: account.channel, accountId: account.accountId, enabled: account.enabled, configured: true, state: 'stopped', running: false, connected: false, restarts: 0, inboundCount: 0, outboundCount: 0 };
  }

  get livenessMs(): number {
    const configured = Number(this.opts.account.config.livenessMs);
    return Number.isFinite(configured) && configured > 0 ? configured : this.opts.plugin.capabilities.livenessMs;
  }

  status(): AccountStatus {
    const details = this.adapter?.describe?.();
    return { ...this.st, ...(details ? { details } : {}) };
  }

  /** Starts the keep-alive loop (returns at once; progress shows in `status()`). */
  start(): void {
    if (this.loop) return;
    this.stopped = false;
    this.loop = this.run().finally(() => {
      this.loop = undefined;
    });
  }

  /** Stops the adapter and the loop; resolves when the adapter has stopped. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.(new StopSignal('stopping'));
    await this.loop;
    this.set({ state: 'stopped', running: false, connected: false, nextRetryAt: undefined });
  }

  /** The running adapter, waiting up to `timeoutMs` for a restart to finish. */
  async whenRunning(timeoutMs: number): Promise<ChannelAdapter> {
    const deadline = Date.now() + timeoutMs;
    while (!(this.st.state === 'running' && this.adapter)) {
      if (this.st.state === 'failed' || this.st.state === 'stopped' || Date.now() >= deadline) {
        throw new Error(`${this.opts.plugin.label} account "${this.st.accountId}" is not connected (${this.st.state}${this.st.lastError ? `: ${this.st.lastError}` : ''})`);
      }
      await new Promise<void>((resolve) => {
        const t = setTimeout(done, Math.max(1, deadline - Date.now()));
        function done() {
          clearTimeout(t);
          resolve();
        }
        this.waiters.add(done);
      });
    }
    return this.adapter;
  }

  /** Sends through the running adapter and records the time. */
  async send(msg: ChannelSend, waitMs: number): Promise<{ messageId: string }> {
    const adapter = await this.whenRunning(waitMs);
    const res = await adapter.send(msg);
    this.set({ lastOutboundAt: Date.now(), outboundCount: this.st.outboundCount + 1 });
    return res;
  }

  private set(patch: Partial<AccountStatus>): void {
    this.st = { ...this.st, ...patch };
    for (const w of [...this.waiters]) {
      this.waiters.delete(w);
      w();
    }
    // Traffic counters change with every message; listeners hear about state changes only.
    if (Object.keys(patch).some((k) => !TRAFFIC_KEYS.has(k))) this.opts.onChange?.(this.status());
  }

  private async run(): Promise<void> {
    const { plugin, account, log } = this.opts;
    mkdirSync(this.opts.dataDir, { recursive: true, mode: 0o700 });
    while (!this.stopped) {
      const abort = new AbortController();
      let failed!: (err: Error) => void;
      const failure = new Promise<Error>((resolve) => (failed = resolve));
      this.wake = failed;
      const adapter = plugin.create({
        channel: account.channel,
        accountId: account.accountId,
        config: account.config,
        dataDir: this.opts.dataDir,
        ...(this.opts.state ? { state: this.opts.state } : {}),
        platform: this.opts.platform ?? process.platform,
        log,
        signal: abort.signal,
        emit: async (msg) => {
          this.st.lastHeartbeatAt = Date.now();
          const outcome = await this.opts.ingest(msg);
          if (!outcome?.duplicate) this.set({ lastInboundAt: Date.now(), inboundCount: this.st.inboundCount + 1 });
        },
        heartbeat: () => {
          this.st.lastHeartbeatAt = Date.now();
        },
        fail: (err) => failed(err),
      });
      this.set({ state: 'starting', lastStartAt: Date.now(), nextRetryAt: undefined });
      let reason: Error;
      try {
        await Promise.race([adapter.start(), failure.then((e) => Promise.reject(e)), timeout(this.opts.startTimeoutMs ?? 30_000, `${plugin.label} did not connect within ${(this.opts.startTimeoutMs ?? 30_000) / 1000} s`)]);
        const startedAt = Date.now();
        this.adapter = adapter;
        this.set({ state: 'running', running: true, connected: true, lastConnectedAt: startedAt, lastHeartbeatAt: startedAt });
        log.info('channel connected', { channel: account.channel, accountId: account.accountId });
        reason = await Promise.race([failure, this.watchLiveness(abort.signal)]);
        // A connection that stayed up a while earns a fresh backoff.
        if (Date.now() - startedAt > Math.max(60_000, 2 * this.livenessMs)) this.attempt = 0;
      } catch (err) {
        reason = err instanceof Error ? err : new Error(String(err));
      }
      abort.abort();
      this.adapter = undefined;
      failed(new StopSignal('stopping'));
      await adapter.stop().catch((err: unknown) => log.warn('channel stop failed', { channel: account.channel, err }));
      if (reason instanceof StopSignal || this.stopped) break;
      const now = Date.now();
      if (isChannelAuthError(reason)) {
        log.error('channel stopped: credentials rejected', { channel: account.channel, accountId: account.accountId, error: reason.message });
        this.set({ state: 'failed', running: false, connected: false, lastError: redactText(reason.message), lastErrorAt: now });
        break;
      }
      const delay = this.nextDelay();
      log.warn('channel down; restarting', { channel: account.channel, accountId: account.accountId, error: reason.message, retryInMs: delay });
      this.set({ state: 'backoff', running: false, connected: false, lastError: redactText(reason.message), lastErrorAt: now, restarts: this.st.restarts + 1, nextRetryAt: now + delay });
      const interrupted = await this.sleep(delay);
      if (interrupted) break;
    }
    this.wake = undefined;
  }

  private nextDelay(): number {
    const initial = this.opts.backoff?.initialMs ?? 1000;
    const max = this.opts.backoff?.maxMs ?? 60_000;
    const base = Math.min(max, initial * 2 ** this.attempt++);
    // ±20% jitter so many accounts do not reconnect in step.
    return Math.round(base * (0.8 + Math.random() * 0.4));
  }

  /** Resolves true when interrupted by `stop()`. */
  private sleep(ms: number): Promise<boolean> {
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        this.wake = undefined;
        resolve(false);
      }, ms);
      this.wake = () => {
        clearTimeout(t);
        resolve(true);
      };
    });
  }

  /** Resolves with an error once no heartbeat arrived within the liveness bound. */
  private watchLiveness(signal: AbortSignal): Promise<Error> {
    const bound = this.livenessMs;
    return new Promise((resolve) => {
      const every = Math.max(50, Math.min(5000, Math.floor(bound / 4)));
      const t = setInterval(() => {
        const quiet = Date.now() - (this.st.lastHeartbeatAt ?? 0);
        if (quiet > bound) {
          clearInterval(t);
          resolve(new Error(`no sign of life from ${this.opts.plugin.label} for ${secs(quiet)} (liveness bound ${secs(bound)})`));
        }
      }, every);
      t.unref?.();
      signal.addEventListener('abort', () => clearInterval(t), { once: true });
    });
  }
}

const secs = (ms: number) => `${ms < 10_000 ? (ms / 1000).toFixed(1) : Math.round(ms / 1000)} s`;

function timeout(ms: number, message: string): Promise<never> {
  return new Promise((_, reject) => {
    const t = setTimeout(() => reject(new Error(message)), ms);
    t.unref?.();
  });
}
