/**
 * One place that turns an SDK failure (either SDK: both share the same error
 * class layout) into a `ProviderError` with a closed `kind`, and keeps the API
 * key out of every message.
 */
import { redactText } from '../../logging/index.js';
import { ProviderError, type ProviderErrorKind } from './types.js';

type ErrorClass = abstract new (...args: never[]) => Error;

/** The error classes an SDK exports; each provider passes its own SDK's. */
export interface SdkErrorClasses {
  APIError: ErrorClass;
  APIUserAbortError: ErrorClass;
  APIConnectionError: ErrorClass;
  APIConnectionTimeoutError: ErrorClass;
}

export interface ErrorContext {
  provider: string;
  model: string;
  apiKey?: string;
  /** The caller's signal: aborted means the caller gave up, whatever the SDK threw. */
  signal?: AbortSignal;
  /** Our idle timer fired (no stream event for `timeoutMs`). */
  timedOut?: boolean;
}

interface ApiErrorShape {
  status?: number;
  headers?: Headers;
  type?: string | null;
  code?: string | null;
  error?: unknown;
}

const CONTEXT_LENGTH_RE =
  /context[ _-]?length|context window|maximum context|prompt is too long|input is too long|too many (?:input )?tokens|reduce the length|exceeds? the (?:model's )?(?:maximum|max)/i;
const CONNECTION_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED']);

/** A stream that ended without the API's final event: the connection was cut. */
export class StreamCutError extends Error {
  override readonly name = 'StreamCutError';
  constructor(missing: string) {
    super(`stream ended before ${missing}`);
  }
}

/** Map any failure of a provider call to a `ProviderError` (a `ProviderError` passes through). */
export function toProviderError(err: unknown, sdk: SdkErrorClasses, ctx: ErrorContext): ProviderError {
  if (err instanceof ProviderError) return err;
  const base = { provider: ctx.provider, model: ctx.model, cause: err };
  const make = (kind: ProviderErrorKind, detail: string, extra: { status?: number; retryAfterMs?: number } = {}) =>
    new ProviderError(scrub(`${ctx.provider}/${ctx.model}: ${detail}`, ctx.apiKey), kind, { ...base, ...extra });
  const message = err instanceof Error ? err.message : String(err);

  if (ctx.timedOut) return make('timeout', 'stream stalled: no data before the timeout');
  if (ctx.signal?.aborted || err instanceof sdk.APIUserAbortError) return make('aborted', 'request aborted');
  if (err instanceof sdk.APIConnectionTimeoutError) return make('timeout', 'request timed out');
  if (err instanceof StreamCutError) return make('connection', message);
  if (err instanceof sdk.APIConnectionError) return make('connection', `connection failed: ${causeText(err) || message}`);
  if (err instanceof sdk.APIError) {
    const e = err as Error & ApiErrorShape;
    const status = e.status;
    const extra = { status, retryAfterMs: retryAfterMsFrom(e.headers) };
    const kind = status !== undefined ? kindForStatus(status, message, e.code) : kindForStreamError(e);
    return make(kind, message, extra);
  }
  if (isConnectionFailure(err)) return make('connection', `connection lost: ${causeText(err) || message}`);
  return make('unknown', message);
}

function kindForStatus(status: number, message: string, code?: string | null): ProviderErrorKind {
  if (status === 429) return 'rate_limit';
  if (status === 401 || status === 403) return 'auth';
  if (status === 408) return 'timeout';
  if (status === 409 || status >= 500) return 'server';
  if (status === 400 || status === 413 || status === 422) {
    return code === 'context_length_exceeded' || CONTEXT_LENGTH_RE.test(message) ? 'context_length' : 'bad_request';
  }
  if (status >= 400) return 'bad_request';
  return 'unknown';
}

/** Errors sent inside an open stream (Anthropic `event: error`, OpenAI `data: {"error":…}`) have no status. */
function kindForStreamError(e: ApiErrorShape): ProviderErrorKind {
  const inner = (e.error as { type?: string; code?: string; error?: { type?: string } } | undefined) ?? {};
  const type = e.type ?? inner.type ?? inner.error?.type ?? e.code ?? inner.code ?? '';
  if (/rate_limit/.test(type)) return 'rate_limit';
  if (/overloaded|api_error|server_error/.test(type)) return 'server';
  if (/context_length/.test(type)) return 'context_length';
  return 'unknown';
}

/** `retry-after-ms`, else `retry-after` (seconds or an HTTP date), in ms. */
export function retryAfterMsFrom(headers: Headers | undefined): number | undefined {
  if (!headers || typeof headers.get !== 'function') return undefined;
  const ms = Number.parseFloat(headers.get('retry-after-ms') ?? '');
  if (Number.isFinite(ms) && ms >= 0) return ms;
  const raw = headers.get('retry-after');
  if (!raw) return undefined;
  const seconds = Number.parseFloat(raw);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(raw);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

function isConnectionFailure(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && depth < 4; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && CONNECTION_CODES.has(code)) return true;
    // undici reports a body cut off mid-stream as `TypeError: terminated`.
    if (e instanceof TypeError && /terminated|fetch failed|other side closed/i.test(e.message)) return true;
  }
  return false;
}

function causeText(err: unknown): string {
  const cause = (err as { cause?: unknown }).cause;
  return cause instanceof Error ? cause.message : '';
}

/** Remove the exact key, then anything else that looks like a secret. */
export function scrub(text: string, apiKey?: string): string {
  const withoutKey = apiKey && apiKey.length >= 4 ? text.split(apiKey).join('[REDACTED]') : text;
  return redactText(withoutKey);
}
