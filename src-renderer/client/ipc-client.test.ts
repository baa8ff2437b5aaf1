import { describe, expect, it } from 'vitest';
import { createIpcClient } from './ipc-client.js';
import type { IpcResult, OpenClawBridge } from './types.js';

function fakeBridge(answer: (method: string, params: unknown) => Promise<IpcResult>) {
  const listeners = new Set<(payload: unknown, event: string) => void>();
  const bridge: OpenClawBridge = {
    call: answer,
    on(event, fn) {
      expect(event).toBe('*');
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
  };
  return { bridge, emit: (event: string, payload: unknown) => listeners.forEach((fn) => fn(payload, event)), listeners };
}

describe('createIpcClient', () => {
  it('unwraps {ok, value}', async () => {
    const { bridge } = fakeBridge(async (method, params) => ({ ok: true, value: { method, params } }));
    await expect(createIpcClient(bridge).call('health', { probe: true })).resolves.toEqual({ method: 'health', params: { probe: true } });
  });

  it('turns {ok:false} into a GatewayCallError with details', async () => {
    const { bridge } = fakeBridge(async () => ({
      ok: false,
      error: { code: 'FORBIDDEN', message: 'missing scope: operator.admin', details: { code: 'MISSING_SCOPE' } },
    }));
    const err = await createIpcClient(bridge).call<unknown>('config.set').catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'GatewayCallError', code: 'FORBIDDEN', message: 'missing scope: operator.admin', detailCode: 'MISSING_SCOPE' });
  });

  it('turns a bridge failure into UNAVAILABLE', async () => {
    const { bridge } = fakeBridge(() => Promise.reject(new Error('ipc gone')));
    await expect(createIpcClient(bridge).call('health')).rejects.toMatchObject({ code: 'UNAVAILABLE', message: 'ipc gone' });
  });

  it('fans bridge events out by name and unsubscribes on close', () => {
    const { bridge, emit, listeners } = fakeBridge(async () => ({ ok: true, value: null }));
    const client = createIpcClient(bridge);
    const seen: unknown[] = [];
    client.on('health', (p) => seen.push(p));
    emit('tick', 1);
    emit('health', { ok: true });
    expect(seen).toEqual([{ ok: true }]);
    client.close();
    expect(listeners.size).toBe(0);
  });
});
