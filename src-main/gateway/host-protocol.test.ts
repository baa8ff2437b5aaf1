import { describe, expect, it } from 'vitest';
import { parseHostMessage, parseParentMessage } from './host-protocol.js';

describe('gateway host messages', () => {
  it('keeps only string secrets and a whole port from a start message', () => {
    expect(parseParentMessage({ type: 'start', rendererDir: '/r', secretEnv: { A: 'x', B: 3 }, port: 18789.5 })).toEqual({ type: 'start', rendererDir: '/r', secretEnv: { A: 'x' } });
    expect(parseParentMessage({ type: 'start', port: 1234 })).toEqual({ type: 'start', secretEnv: {}, port: 1234 });
    expect(parseParentMessage({ type: 'stop' })).toEqual({ type: 'stop', reason: 'stop requested' });
  });

  it('ignores anything that is not a message of the protocol', () => {
    for (const raw of [null, 'start', { type: 'eval', code: '1' }, [], { type: 'ready' }]) {
      expect(parseParentMessage(raw)).toBeUndefined();
      expect(parseHostMessage(raw)).toBeUndefined();
    }
  });

  it('reads ready, failed, fatal and stopped from the host', () => {
    const ready = { type: 'ready', httpUrl: 'http://127.0.0.1:1/', wsUrl: 'ws://127.0.0.1:1', port: 1, host: '127.0.0.1', stateDir: '/s', authMode: 'token', pid: 9 };
    expect(parseHostMessage(ready)).toEqual(ready);
    expect(parseHostMessage({ type: 'failed', message: 'port in use' })).toEqual({ type: 'failed', message: 'port in use' });
    expect(parseHostMessage({ type: 'fatal' })).toEqual({ type: 'fatal', message: 'unknown error' });
    expect(parseHostMessage({ type: 'stopped', extra: 1 })).toEqual({ type: 'stopped' });
  });
});
