/**
 * The main process's side of `openclaw:call`. The preload already refuses methods outside the
 * allow-list, but a compromised renderer can skip the preload's function and send on the channel
 * itself, so the same list is enforced here, after the sender check and before the gateway.
 */
import { isDesktopMethod } from '../../src-shared/protocol/desktop.js';
import { isAllowedMethod } from '../../src-shared/protocol/ipc-allow-list.js';
import { parseCallRequest, toIpcResult, type IpcResult } from '../../src-shared/protocol/ipc.js';
import type { LocalClient } from '../gateway/local-client.js';

export interface IpcCallInput {
  /** The message came from the app's own window (its webContents), not from another frame or window. */
  fromAppWindow: boolean;
  /** The raw argument the renderer sent. */
  arg: unknown;
  /** The gateway's local client once it runs (undefined when it failed or runs elsewhere). */
  client(): Promise<Pick<LocalClient, 'call'> | undefined>;
  /** Answers the window's calls to the main process itself (`desktop.*`, see protocol/desktop.ts). */
  desktop?(method: string, params: unknown): IpcResult | Promise<IpcResult>;
}

/** Answers one renderer call; never throws (IPC results are `{ok}` envelopes). */
export async function handleIpcCall(input: IpcCallInput): Promise<IpcResult> {
  if (!input.fromAppWindow) return { ok: false, error: { code: 'FORBIDDEN', message: 'unknown IPC sender' } };
  const req = parseCallRequest(input.arg);
  if (!('method' in req)) return { ok: false, error: req };
  const refused = `method not available to the renderer: ${req.method.slice(0, 128)}`;
  if (!isAllowedMethod(req.method)) return { ok: false, error: { code: 'FORBIDDEN', message: refused } };
  // The main process's own methods never reach the gateway, answered or not.
  if (isDesktopMethod(req.method)) {
    if (!input.desktop) return { ok: false, error: { code: 'UNAVAILABLE', message: `${req.method} is not available` } };
    return toIpcResult(Promise.resolve().then(() => input.desktop!(req.method, req.params)));
  }
  const c = await input.client();
  if (!c) return { ok: false, error: { code: 'UNAVAILABLE', message: 'gateway is not running' } };
  return toIpcResult(c.call(req.method, req.params));
}
