/**
 * The IPC envelope between main and renderer, declared once for main, preload and renderer. IPC never
 * throws across the bridge: a failure comes back as `{ok:false, error}` with a closed wire code, and the
 * renderer client turns it into a rejection.
 */
/** IPC channels between main and preload. Every one carries the `openclaw:` prefix (checked in the preload). */
export const IPC_CHANNELS = {
  call: 'openclaw:call',
  event: 'openclaw:event',
} as const;

export interface IpcError {
  code: string;
  message: string;
  details?: unknown;
}
export type IpcResult<T = unknown> = { ok: true; value: T } | { ok: false; error: IpcError };

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null;
}

/** Keep only the wire fields of an error, whatever shape it arrived in. */
export function toIpcError(err: unknown, fallbackCode = 'UNAVAILABLE'): IpcError {
  if (isRecord(err) && typeof err.code === 'string' && typeof err.message === 'string' && !(err instanceof Error)) {
    return err.details === undefined
      ? { code: err.code, message: err.message }
      : { code: err.code, message: err.message, details: err.details };
  }
  const message = err instanceof Error ? err.message : typeof err === 'string' ? err : 'internal error';
  return { code: fallbackCode, message };
}

/**
 * Settle a gateway call into an IpcResult. Accepts what `LocalClient.call` returns (already an
 * envelope) and turns a rejection or a malformed answer into `{ok:false}`, so the handler never throws.
 */
export async function toIpcResult(promise: Promise<unknown>): Promise<IpcResult> {
  try {
    const result = await promise;
    if (isRecord(result) && result.ok === true) return { ok: true, value: result.value };
    if (isRecord(result) && result.ok === false) return { ok: false, error: toIpcError(result.error) };
    return { ok: false, error: { code: 'UNAVAILABLE', message: 'malformed gateway answer' } };
  } catch (err) {
    return { ok: false, error: toIpcError(err) };
  }
}

/** Validate the renderer's `openclaw:call` argument: `{method: string, params?: unknown}`. */
export function parseCallRequest(arg: unknown): { method: string; params: unknown } | IpcError {
  if (!isRecord(arg) || typeof arg.method !== 'string' || arg.method === '') {
    return { code: 'INVALID_REQUEST', message: 'openclaw:call expects {method, params?}' };
  }
  return { method: arg.method, params: arg.params };
}
