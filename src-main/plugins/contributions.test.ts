import { describe, expect, it, vi } from 'vitest';
import { guardCall, normalizeHttpResponse, normalizeToolResult, type CallGuard } from './contributions.js';
import { PluginCallError, PluginUnavailableError } from './errors.js';

function guard(over: Partial<CallGuard> = {}): CallGuard & { errors: PluginCallError[] } {
  const errors: PluginCallError[] = [];
  return { pluginId: 'p', critical: false, timeouts: { toolMs: 1000, methodMs: 1000, hookMs: 1000, routeMs: 1000, channelMs: 1000 }, onCallError: (e) => errors.push(e), unavailable: () => undefined, errors, ...over };
}

describe('guardCall', () => {
  it('passes results through', async () => {
    await expect(guardCall(guard(), 'tool "t"', 1000, () => 5)).resolves.toBe(5);
  });

  it('turns a synchronous throw into a counted PluginCallError naming the plugin', async () => {
    const g = guard();
    const err = await guardCall(g, 'tool "t"', 1000, () => {
      throw new Error('bad');
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PluginCallError);
    expect((err as Error).message).toBe('plugin "p" tool "t" failed: bad');
    expect(g.errors).toHaveLength(1);
  });

  it('wraps rejections with non-Error values', async () => {
    await expect(guardCall(guard(), 'hook "h"', 1000, () => Promise.reject('nope'))).rejects.toThrow('plugin "p" hook "h" failed: nope');
  });

  it('times out a call that never settles and aborts its signal', async () => {
    const g = guard();
    let seen: AbortSignal | undefined;
    await expect(
      guardCall(g, 'tool "t"', 20, (signal) => {
        seen = signal;
        return new Promise(() => {});
      }),
    ).rejects.toThrow('tool "t" failed: timed out after 20 ms');
    expect(seen?.aborted).toBe(true);
    expect(g.errors).toHaveLength(1);
  });

  it('passes a caller abort through without blaming the plugin', async () => {
    const g = guard();
    const controller = new AbortController();
    const p = guardCall(g, 'tool "t"', 1000, () => new Promise(() => {}), controller.signal);
    controller.abort(new Error('user stopped'));
    await expect(p).rejects.toThrow('user stopped');
    expect(g.errors).toHaveLength(0);
  });

  it('refuses calls while the plugin is unavailable, without calling it', async () => {
    const fn = vi.fn();
    await expect(guardCall(guard({ unavailable: () => 'it is failed' }), 'tool "t"', 1000, fn)).rejects.toBeInstanceOf(PluginUnavailableError);
    expect(fn).not.toHaveBeenCalled();
  });
});

describe('normalisers', () => {
  it('accepts a string or { content } from tools and nothing else', () => {
    expect(normalizeToolResult('hi')).toEqual({ content: 'hi' });
    expect(normalizeToolResult({ content: 'x', isError: true, details: { a: 1 }, extra: 1 })).toEqual({ content: 'x', isError: true, details: { a: 1 } });
    expect(() => normalizeToolResult(42)).toThrow(/neither a string nor/);
  });

  it('checks route responses', () => {
    expect(normalizeHttpResponse({ status: 204 })).toEqual({ status: 204 });
    expect(() => normalizeHttpResponse({ status: 99 })).toThrow(/invalid status/);
    expect(() => normalizeHttpResponse(undefined)).toThrow(/no response object/);
  });
});
