/**
 * The signal-cli HTTP daemon: JSON-RPC 2.0 requests to `/api/v1/rpc` and
 * `receive` notifications from the `/api/v1/events` stream. Failures become
 * the contract's error classes (see errors.ts); an unreachable or failing
 * daemon is a transient error.
 */
import { randomUUID } from 'node:crypto';
import { rpcError, type RpcErrorBody } from './errors.js';
import { SseParser } from './sse.js';

/** What the event stream calls back with. */
export interface EventStreamOptions {
  lastEventId?: string;
  signal: AbortSignal;
  onEvent(payload: unknown, id: string | undefined): void;
  onActivity(): void;
  onEnd(reason: Error): void;
}

/** A way to talk JSON-RPC with signal-cli: its HTTP daemon, or a child over stdio. */
export interface SignalClient {
  /** Call `method`; `withAccount: false` for the daemon-wide methods (`startLink`, `finishLink`, `listAccounts`). */
  call<T>(method: string, params?: Record<string, unknown>, opts?: { withAccount?: boolean; signal?: AbortSignal; timeoutMs?: number }): Promise<T>;
  /** Start receiving; resolves once events flow. */
  openEvents(opts: EventStreamOptions): Promise<void>;
}

/** One client of one daemon, optionally bound to one account (multi-account mode needs `account` on each call). */
export class SignalRpc implements SignalClient {
  constructor(
    readonly httpUrl: string,
    readonly account: string | undefined,
  ) {}

  private url(path: string): string {
    return `${this.httpUrl.replace(/\/+$/, '')}${path}`;
  }

  /** Call `method`; `withAccount: false` for the daemon-wide methods (`startLink`, `finishLink`, `listAccounts`). */
  async call<T>(method: string, params: Record<string, unknown> = {}, opts: { withAccount?: boolean; signal?: AbortSignal; timeoutMs?: number } = {}): Promise<T> {
    const body = { jsonrpc: '2.0', id: randomUUID(), method, params: opts.withAccount === false || !this.account ? params : { ...params, account: this.account } };
    const signals = [opts.signal, opts.timeoutMs ? AbortSignal.timeout(opts.timeoutMs) : undefined].filter((s): s is AbortSignal => Boolean(s));
    let res: Response;
    try {
      res = await fetch(this.url('/api/v1/rpc'), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
        ...(signals.length ? { signal: AbortSignal.any(signals) } : {}),
      });
    } catch (err) {
      throw new Error(`Could not reach signal-cli at ${new URL(this.httpUrl).host} for ${method} (${describeFetchError(err)}).`);
    }
    const text = await res.text();
    if (!res.ok) throw new Error(`signal-cli answered HTTP ${res.status} to ${method}; will retry.`);
    let answer: { result?: T; error?: RpcErrorBody };
    try {
      answer = JSON.parse(text) as typeof answer;
    } catch {
      throw new Error(`signal-cli sent an unreadable answer to ${method}.`);
    }
    if (answer.error) throw rpcError(method, answer.error, this.account);
    return answer.result as T;
  }

  /**
   * Open the event stream. Resolves once the daemon accepted it; `onEvent`
   * gets each `receive` payload with its event id, `onActivity` every chunk
   * (keep-alives too), `onEnd` the reason the stream ended (not after `signal` aborts).
   */
  async openEvents(opts: EventStreamOptions): Promise<void> {
    let res: Response;
    try {
      res = await fetch(this.url('/api/v1/events'), {
        headers: { accept: 'text/event-stream', ...(opts.lastEventId ? { 'last-event-id': opts.lastEventId } : {}) },
        signal: opts.signal,
      });
    } catch (err) {
      throw new Error(`Could not reach signal-cli at ${new URL(this.httpUrl).host} (${describeFetchError(err)}).`);
    }
    if (!res.ok || !res.body) throw new Error(`signal-cli refused the event stream (HTTP ${res.status}).`);
    const parser = new SseParser((e) => {
      if (e.event !== 'receive') return;
      try {
        opts.onEvent(JSON.parse(e.data), e.id);
      } catch {
        // One unreadable event must not end the stream.
      }
    });
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    void (async () => {
      try {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          opts.onActivity();
          parser.push(value);
        }
        if (!opts.signal.aborted) opts.onEnd(new Error('signal-cli closed the event stream.'));
      } catch (err) {
        if (!opts.signal.aborted) opts.onEnd(new Error(`The signal-cli event stream broke (${describeFetchError(err)}).`));
      }
    })();
  }
}

function describeFetchError(err: unknown): string {
  const cause = (err as { cause?: { code?: unknown } } | null)?.cause;
  if (typeof cause?.code === 'string') return cause.code;
  return err instanceof Error ? err.message : String(err);
}
