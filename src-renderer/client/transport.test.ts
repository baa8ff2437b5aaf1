import { describe, expect, it } from 'vitest';
import { chooseTransport, sameOriginWsUrl } from './transport.js';
import type { OpenClawBridge } from './types.js';

describe('chooseTransport', () => {
  it('uses IPC when the preload bridge exists', () => {
    const bridge = {} as OpenClawBridge;
    expect(chooseTransport(bridge, { protocol: 'file:', host: '' })).toEqual({ kind: 'ipc', bridge });
  });

  it('otherwise connects to the page origin only', () => {
    expect(chooseTransport(undefined, { protocol: 'http:', host: '127.0.0.1:18789' })).toEqual({ kind: 'ws', url: 'ws://127.0.0.1:18789/' });
  });

  it('ignores everything but protocol and host, so ?gatewayUrl= cannot redirect it', () => {
    const loc = new URL('http://127.0.0.1:5555/?gatewayUrl=ws://evil.example:1#gatewayUrl=ws://evil.example:2');
    expect(chooseTransport(undefined, loc)).toEqual({ kind: 'ws', url: 'ws://127.0.0.1:5555/' });
  });

  it('uses wss behind https', () => {
    expect(sameOriginWsUrl({ protocol: 'https:', host: 'gw.example.ts.net' })).toBe('wss://gw.example.ts.net/');
  });
});
