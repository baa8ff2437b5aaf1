import { contextBridge, ipcRenderer } from 'electron';
import { IPC_CHANNELS, type IpcResult } from '../src-shared/protocol/ipc.js';
import type { TypedIpcCall } from '../src-shared/protocol/method-table.js';
import { isAllowedMethod, isOpenClawChannel, isValidEventName } from '../src-shared/protocol/ipc-allow-list.js';

// The bridge only ever touches this app's own channels.
for (const channel of Object.values(IPC_CHANNELS)) {
  if (!isOpenClawChannel(channel)) throw new Error(`preload: refusing non-openclaw IPC channel ${channel}`);
}

type Listener = (payload: unknown, event: string) => void;

// One IPC subscription for all gateway events; renderer listeners are kept here, by event name.
const listeners = new Map<string, Set<Listener>>();

ipcRenderer.on(IPC_CHANNELS.event, (_ipcEvent, message: unknown) => {
  if (typeof message !== 'object' || message === null) return;
  const { event, payload } = message as { event?: unknown; payload?: unknown };
  if (typeof event !== 'string') return;
  for (const key of [event, '*']) {
    for (const fn of listeners.get(key) ?? []) {
      try {
        fn(payload, event);
      } catch {
        // A renderer listener's error must not break delivery to the others.
      }
    }
  }
});

const api = {
  /** Call a gateway method. Resolves `{ok, value}` or `{ok:false, error}`; never rejects. Protocol methods are typed by the METHOD table. */
  call: ((method: string, params?: unknown): Promise<IpcResult> => {
    if (!isAllowedMethod(method)) {
      return Promise.resolve({
        ok: false,
        error: { code: 'FORBIDDEN', message: `method not available to the renderer: ${String(method).slice(0, 128)}` },
      });
    }
    return (ipcRenderer.invoke(IPC_CHANNELS.call, { method, params }) as Promise<IpcResult>).catch((err: unknown) => ({
      ok: false as const,
      error: { code: 'UNAVAILABLE', message: err instanceof Error ? err.message : 'IPC failed' },
    }));
  }) as TypedIpcCall,
  /** Listen to a gateway event (`'*'` for all). Returns the unsubscribe function. */
  on(event: string, fn: Listener): () => void {
    if (!isValidEventName(event) || typeof fn !== 'function') throw new TypeError('openclaw.on(event, fn): invalid arguments');
    let set = listeners.get(event);
    if (!set) {
      set = new Set();
      listeners.set(event, set);
    }
    set.add(fn);
    return () => {
      set.delete(fn);
      if (set.size === 0) listeners.delete(event);
    };
  },
};

contextBridge.exposeInMainWorld('openclaw', api);
