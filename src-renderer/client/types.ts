/** What every transport (IPC in the desktop app, WS in a browser) offers the UI. */
export interface GatewayClient {
  readonly transport: 'ipc' | 'ws';
  /** Resolves with the response payload; rejects with a {@link GatewayCallError}. */
  call<T = unknown>(method: string, params?: unknown): Promise<T>;
  /** Listen to one gateway event, or `'*'` for all. Returns the unsubscribe function. */
  on(event: string, fn: (payload: unknown, event: string) => void): () => void;
  /** Called once when the transport is lost (never for IPC). Returns the unsubscribe function. */
  onClose(fn: (reason: string) => void): () => void;
  close(): void;
}

/** Wire error shape (`res.error`). */
export interface GatewayErrorShape {
  code: string;
  message: string;
  details?: unknown;
}

/** IPC envelope: the bridge never throws, it answers one of these. */
export type IpcResult = { ok: true; value: unknown } | { ok: false; error: GatewayErrorShape };

/** The API the preload exposes as `window.openclaw`. */
export interface OpenClawBridge {
  call(method: string, params?: unknown): Promise<IpcResult>;
  on(event: string, fn: (payload: unknown, event: string) => void): () => void;
}

/** A failed gateway call or handshake, with the server's code and `details.code` when given. */
export class GatewayCallError extends Error {
  override readonly name = 'GatewayCallError';
  readonly code: string;
  readonly details: unknown;
  constructor(error: GatewayErrorShape) {
    super(error.message);
    this.code = error.code;
    this.details = error.details;
  }

  /** `details.code` (e.g. `AUTH_TOKEN_MISMATCH`), when the server sent one. */
  get detailCode(): string | undefined {
    const d = this.details;
    if (d && typeof d === 'object' && typeof (d as { code?: unknown }).code === 'string') {
      return (d as { code: string }).code;
    }
    return undefined;
  }
}

/** Turn anything thrown into a GatewayCallError, keeping server errors as they are. */
export function toGatewayCallError(err: unknown): GatewayCallError {
  if (err instanceof GatewayCallError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new GatewayCallError({ code: 'UNAVAILABLE', message });
}
