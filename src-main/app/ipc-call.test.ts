import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalClient } from '../gateway/local-client.js';
import { startTestGateway, type TestGateway } from '../../test-support/gateway.js';
import { handleIpcCall } from './ipc-call.js';

describe('openclaw:call in the main process', () => {
  let t: TestGateway;
  let client: LocalClient;
  beforeAll(async () => {
    t = await startTestGateway();
    client = t.gw.createLocalClient();
  });
  afterAll(async () => {
    client?.close();
    await t?.close();
  });
  const call = (arg: unknown, fromAppWindow = true) => handleIpcCall({ fromAppWindow, arg, client: async () => client });

  it('passes an allowed method to the gateway', async () => {
    const r = await call({ method: 'health', params: {} });
    expect(r.ok).toBe(true);
  });

  it.each(['connect', 'node.invoke.result', 'node.event', 'node.pending.pull', 'config', '__proto__'])('refuses %s even when the preload was skipped', async (method) => {
    expect(await call({ method, params: {} })).toEqual({ ok: false, error: { code: 'FORBIDDEN', message: `method not available to the renderer: ${method}` } });
  });

  it('refuses another sender before looking at the request', async () => {
    expect(await call({ method: 'health' }, false)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN', message: 'unknown IPC sender' } });
  });

  it('answers malformed input and a missing gateway with an error, never a throw', async () => {
    expect(await call('health')).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST' } });
    expect(await call({ method: 42 })).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST' } });
    expect(await handleIpcCall({ fromAppWindow: true, arg: { method: 'health' }, client: async () => undefined })).toMatchObject({ ok: false, error: { code: 'UNAVAILABLE' } });
  });

  it('a gateway error comes back as an envelope', async () => {
    const r = await call({ method: 'sessions.list', params: { nope: true } });
    expect(r).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST' } });
  });
});
