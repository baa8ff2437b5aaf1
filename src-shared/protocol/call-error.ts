import type { ErrorShape } from './frames.js';

/**
 * A failed gateway call or handshake, as every client sees it (CLI, renderer over WS or IPC, tests): the
 * server's closed code, its message, and `details.code` when given. Declared once, here.
 */
export class GatewayCallError extends Error {
  override readonly name = 'GatewayCallError';
  readonly code: string;
  readonly details: unknown;
  constructor(
    /** The wire error as received. */
    readonly error: ErrorShape,
    /** The method that failed, when the client knows it. */
    readonly method?: string,
  ) {
    super(error.message);
    this.code = error.code;
    this.details = error.details;
  }

  /** `details.code` (e.g. `AUTH_TOKEN_MISMATCH`), when the server sent one. */
  get detailCode(): string | undefined {
    const d = this.details;
    if (d && typeof d === 'object' && typeof (d as { code?: unknown }).code === 'string') return (d as { code: string }).code;
    return undefined;
  }
}

/** Turn anything thrown into a GatewayCallError, keeping server errors as they are. */
export function toGatewayCallError(err: unknown): GatewayCallError {
  if (err instanceof GatewayCallError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new GatewayCallError({ code: 'UNAVAILABLE', message });
}
