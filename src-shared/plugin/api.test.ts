import { describe, expect, it } from 'vitest';
import { PLUGIN_API_RANGE, PLUGIN_API_VERSION, defineChannel, definePlugin, isSupportedApiVersion } from './api.js';

describe('plugin api helpers', () => {
  it('supports its own version and nothing outside the range', () => {
    expect(isSupportedApiVersion(PLUGIN_API_VERSION)).toBe(true);
    expect(isSupportedApiVersion(PLUGIN_API_RANGE.max + 1)).toBe(false);
    expect(isSupportedApiVersion(PLUGIN_API_RANGE.min - 1)).toBe(false);
    expect(isSupportedApiVersion(1.5)).toBe(false);
  });

  it('definePlugin stamps the API version it was written against, unless given', () => {
    const register = () => {};
    expect(definePlugin({ id: 'x', register })).toEqual({ id: 'x', register, apiVersion: PLUGIN_API_VERSION });
    expect(definePlugin({ id: 'x', register, apiVersion: 7 }).apiVersion).toBe(7);
  });

  it('defineChannel is the identity', () => {
    const channel = { id: 'c', label: 'C', capabilities: { textLimit: 1, format: 'plain' as const, media: false, threads: false, livenessMs: 1000 }, create: () => ({}) as never };
    expect(defineChannel(channel)).toBe(channel);
  });
});
