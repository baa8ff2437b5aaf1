import type { TypedCall, TypedIpcCall } from '../../src-shared/protocol/method-table.js';

export { GatewayCallError, toGatewayCallError } from '../../src-shared/protocol/call-error.js';
export type { IpcError as GatewayErrorShape, IpcResult } from '../../src-shared/protocol/ipc.js';

/** What every transport (IPC in the desktop app, WS in a browser) offers the UI. */
export interface GatewayClient {
  readonly transport: 'ipc' | 'ws';
  /** Resolves with the response payload; rejects with a {@link GatewayCallError}. Protocol methods are typed by the METHOD table. */
  call: TypedCall;
  /** Listen to one gateway event, or `'*'` for all. Returns the unsubscribe function. */
  on(event: string, fn: (payload: unknown, event: string) => void): () => void;
  /** Called once when the transport is lost (never for IPC). Returns the unsubscribe function. */
  onClose(fn: (reason: string) => void): () => void;
  close(): void;
}

/** The API the preload exposes as `window.openclaw`. */
export interface OpenClawBridge {
  call: TypedIpcCall;
  on(event: string, fn: (payload: unknown, event: string) => void): () => void;
}
