import { describe, expect, it } from 'vitest';
import { IPC_CHANNELS, parseCallRequest, toIpcError, toIpcResult } from './ipc.js';

describe('toIpcResult', () => {
  it('passes a successful envelope through', async () => {
    await expect(toIpcResult(Promise.resolve({ ok: true, value: { ok: true } }))).resolves.toEqual({ ok: true, value: { ok: true } });
  });

  it('keeps the wire fields of a failed envelope', async () => {
    const r = await toIpcResult(
      Promise.resolve({ ok: false, error: { code: 'FORBIDDEN', message: 'missing scope: operator.admin', details: { code: 'MISSING_SCOPE' }, stack: 'x' } }),
    );
    expect(r).toEqual({ ok: false, error: { code: 'FORBIDDEN', message: 'missing scope: operator.admin', details: { code: 'MISSING_SCOPE' } } });
  });

  it('never rejects: a thrown error becomes UNAVAILABLE', async () => {
    const r = await toIpcResult(Promise.reject(new Error('gateway closed')));
    expect(r).toEqual({ ok: false, error: { code: 'UNAVAILABLE', message: 'gateway closed' } });
    await expect(toIpcResult(Promise.reject('boom'))).resolves.toEqual({ ok: false, error: { code: 'UNAVAILABLE', message: 'boom' } });
  });

  it('rejects malformed answers without throwing', async () => {
    await expect(toIpcResult(Promise.resolve(42))).resolves.toMatchObject({ ok: false, error: { code: 'UNAVAILABLE' } });
    await expect(toIpcResult(Promise.resolve({ ok: false }))).resolves.toMatchObject({ ok: false, error: { code: 'UNAVAILABLE' } });
  });

  it('does not leak Node error codes as wire codes', () => {
    const err = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    expect(toIpcError(err)).toEqual({ code: 'UNAVAILABLE', message: 'connect ECONNREFUSED' });
  });
});

describe('parseCallRequest', () => {
  it('accepts {method, params}', () => {
    expect(parseCallRequest({ method: 'health', params: { probe: true } })).toEqual({ method: 'health', params: { probe: true } });
  });
  it('refuses anything else with INVALID_REQUEST', () => {
    for (const bad of [undefined, null, 'health', {}, { method: '' }, { method: 7 }]) {
      expect(parseCallRequest(bad)).toMatchObject({ code: 'INVALID_REQUEST' });
    }
  });
});

describe('IPC_CHANNELS', () => {
  it('all carry the openclaw: prefix', () => {
    for (const c of Object.values(IPC_CHANNELS)) expect(c.startsWith('openclaw:')).toBe(true);
  });
});
