import { randomUUID } from 'node:crypto';
import { ALL_OPERATOR_SCOPES, type ErrorShape, type TypedIpcCall } from '../../src-shared/protocol/index.js';
import type { CallContext, Dispatcher } from './dispatcher.js';
import { toErrorShape } from './errors.js';
import type { EventBus, EventListener } from './event-bus.js';

/** In-process client for the desktop shell: the same dispatcher and validation as WS, full operator scopes. */
export interface LocalClient {
  /** Never rejects: `{ok, value}` or `{ok:false, error}`, like the IPC bridge it serves. Protocol methods are typed by the METHOD table. */
  call: TypedIpcCall;
  onEvent(fn: EventListener): () => void;
  close(): void;
}

export function createLocalClient(deps: { dispatcher: Pick<Dispatcher, 'call'>; bus: Pick<EventBus, 'subscribe'> }): LocalClient {
  const ctx: CallContext = { connId: `local-${randomUUID()}`, role: 'operator', scopes: ALL_OPERATOR_SCOPES, clientId: 'openclaw-desktop' };
  const mine = new Set<() => void>();
  return {
    call: (async (method: string, params?: unknown): Promise<{ ok: true; value: unknown } | { ok: false; error: ErrorShape }> => {
      try {
        return { ok: true, value: await deps.dispatcher.call(method, params, ctx) };
      } catch (err) {
        return { ok: false, error: toErrorShape(err) };
      }
    }) as TypedIpcCall,
    onEvent(fn) {
      const off = deps.bus.subscribe(fn);
      const undo = () => {
        off();
        mine.delete(undo);
      };
      mine.add(undo);
      return undo;
    },
    close() {
      for (const undo of [...mine]) undo();
    },
  };
}
