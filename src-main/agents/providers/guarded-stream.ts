/**
 * The streaming loop every provider shares: link the caller's signal, guard
 * against a stalled body, translate SDK events, and turn every way a stream
 * can end badly into a `ProviderError`.
 *
 * Why an idle timer: both SDKs' `timeout` only covers the time until response
 * headers, so a stream that stops sending mid-body would otherwise hang forever.
 */
import { createLogger, type Logger } from '../../logging/index.js';
import { toProviderError, type ErrorContext, type SdkErrorClasses } from './provider-errors.js';
import type { ModelStreamEvent } from './types.js';

/** Turns one API's raw stream events into neutral events; stateful, one per call. */
export interface StreamTranslator<E> {
  push(event: E): Iterable<ModelStreamEvent>;
  /** The stream ended normally: return the remaining events, ending with `done`, or throw if the API's final event never came. */
  finish(): Iterable<ModelStreamEvent>;
}

export interface GuardedStreamSpec<E> {
  sdk: SdkErrorClasses;
  context: Omit<ErrorContext, 'timedOut'>;
  /** Longest silence allowed between stream events once the response has started. */
  idleTimeoutMs: number;
  open(signal: AbortSignal): Promise<AsyncIterable<E>>;
  translator: StreamTranslator<E>;
}

export async function* guardedStream<E>(spec: GuardedStreamSpec<E>): AsyncGenerator<ModelStreamEvent> {
  const controller = new AbortController();
  const caller = spec.context.signal;
  const onCallerAbort = () => controller.abort(caller?.reason);
  caller?.addEventListener('abort', onCallerAbort, { once: true });
  if (caller?.aborted) controller.abort(caller.reason);
  let timedOut = false;
  let finished = false;
  let timer: NodeJS.Timeout | undefined;
  // Armed only while waiting on the SDK, so a slow consumer never counts as a stalled stream.
  const arm = () => {
    timer = setTimeout(() => {
      timedOut = true;
      controller.abort(new Error('stream idle timeout'));
    }, spec.idleTimeoutMs);
  };
  const fail = (err: unknown) => toProviderError(err, spec.sdk, { ...spec.context, timedOut });

  try {
    let events: AsyncIterable<E>;
    try {
      events = await spec.open(controller.signal);
    } catch (err) {
      throw fail(err);
    }
    const iterator = events[Symbol.asyncIterator]();
    for (;;) {
      let next: IteratorResult<E>;
      arm();
      try {
        next = await iterator.next();
      } catch (err) {
        throw fail(err);
      } finally {
        clearTimeout(timer);
      }
      if (next.done) break;
      // Translator errors (a `response.failed`, a cut stream) are mapped like SDK errors.
      let out: Iterable<ModelStreamEvent>;
      try {
        out = spec.translator.push(next.value);
      } catch (err) {
        throw fail(err);
      }
      yield* out;
    }
    // Both SDKs end an aborted stream quietly instead of throwing.
    if (timedOut || controller.signal.aborted) throw fail(new Error('stream ended early'));
    try {
      yield* spec.translator.finish();
    } catch (err) {
      throw fail(err);
    }
    finished = true;
  } finally {
    clearTimeout(timer);
    caller?.removeEventListener('abort', onCallerAbort);
    // Cancels the HTTP request when the consumer stopped early or it failed. A finished stream has
    // nothing left to cancel, and aborting it anyway costs an error object and listener work per call.
    if (!finished) controller.abort();
  }
}

/** Parse streamed tool-call JSON; unparsable text is passed on as the raw string so the tool layer can report it to the model. */
export function parseToolInput(json: string): unknown {
  if (json.trim() === '') return {};
  try {
    return JSON.parse(json) as unknown;
  } catch {
    return json;
  }
}

/** The SDKs' `logger` option, routed to our logger (which redacts at the sink) instead of the console. */
export function sdkLogger(subsystem: string): { error: LogFn; warn: LogFn; info: LogFn; debug: LogFn } {
  const log: Logger = createLogger(subsystem);
  const fields = (rest: unknown[]) => (rest.length ? { details: rest.map((r) => (r instanceof Error ? r.message : r)) } : undefined);
  return {
    error: (msg, ...rest) => log.error(msg, fields(rest)),
    warn: (msg, ...rest) => log.warn(msg, fields(rest)),
    info: (msg, ...rest) => log.info(msg, fields(rest)),
    debug: (msg, ...rest) => log.debug(msg, fields(rest)),
  };
}
type LogFn = (message: string, ...rest: unknown[]) => void;
