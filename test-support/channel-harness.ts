import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChannelAdapter, ChannelContext, ChannelLogger, ChannelPlugin } from '../src-shared/domain/channel.js';
import type { InboundMessage } from '../src-shared/domain/inbound.js';
import { Waiters } from './wait-until.js';

/**
 * Runs one adapter outside the gateway: inbound messages are collected,
 * heartbeats counted and failures recorded, so an adapter test reads
 * "the platform says X, the adapter emits Y".
 */
export interface AdapterHarness {
  adapter: ChannelAdapter;
  ctx: ChannelContext;
  inbound: InboundMessage[];
  heartbeats(): number;
  failures: Error[];
  /** Resolves with the next N inbound messages (counting from the call). */
  nextInbound(count?: number, timeoutMs?: number): Promise<InboundMessage[]>;
  /** Resolves at the next `ctx.fail`. */
  nextFailure(timeoutMs?: number): Promise<Error>;
  /** Resolves after `count` more heartbeats. */
  nextHeartbeats(count?: number, timeoutMs?: number): Promise<void>;
  logs: { level: string; msg: string; fields?: Record<string, unknown> }[];
  /** Stop the adapter and remove the data dir. */
  close(): Promise<void>;
}

export function createAdapterHarness(
  plugin: ChannelPlugin,
  config: Record<string, unknown>,
  opts: { accountId?: string; dataDir?: string; emitDelayMs?: number } = {},
): AdapterHarness {
  const ownDir = !opts.dataDir;
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), `openclaw-${plugin.id}-`));
  const inbound: InboundMessage[] = [];
  const failures: Error[] = [];
  const logs: AdapterHarness['logs'] = [];
  let beats = 0;
  const waiters = new Waiters();
  const notify = () => waiters.notify();
  const abort = new AbortController();
  const log: ChannelLogger = {
    debug: (msg, fields) => void logs.push({ level: 'debug', msg, fields }),
    info: (msg, fields) => void logs.push({ level: 'info', msg, fields }),
    warn: (msg, fields) => void logs.push({ level: 'warn', msg, fields }),
    error: (msg, fields) => void logs.push({ level: 'error', msg, fields }),
  };
  const ctx: ChannelContext = {
    channel: plugin.id,
    accountId: opts.accountId ?? 'default',
    config,
    dataDir,
    log,
    signal: abort.signal,
    async emit(msg) {
      if (opts.emitDelayMs) await new Promise((r) => setTimeout(r, opts.emitDelayMs));
      inbound.push(msg);
      notify();
    },
    heartbeat() {
      beats++;
      notify();
    },
    fail(err) {
      failures.push(err);
      notify();
    },
  };
  const adapter = plugin.create(ctx);

  const waitFor = <T>(check: () => T | undefined, timeoutMs: number, what: string) => waiters.until(check, timeoutMs, what);

  return {
    adapter,
    ctx,
    inbound,
    failures,
    logs,
    heartbeats: () => beats,
    nextInbound(count = 1, timeoutMs = 5000) {
      const from = inbound.length;
      return waitFor(() => (inbound.length >= from + count ? inbound.slice(from, from + count) : undefined), timeoutMs, `${count} inbound message(s)`);
    },
    nextFailure(timeoutMs = 5000) {
      const from = failures.length;
      return waitFor(() => failures[from], timeoutMs, 'a failure');
    },
    nextHeartbeats(count = 1, timeoutMs = 5000) {
      const from = beats;
      return waitFor(() => (beats >= from + count ? true : undefined), timeoutMs, `${count} heartbeat(s)`).then(() => undefined);
    },
    async close() {
      abort.abort();
      await adapter.stop();
      if (ownDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
