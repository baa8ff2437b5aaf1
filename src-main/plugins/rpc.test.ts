import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createRpcPeer, RpcHandlerError, RpcMethodNotFoundError, RpcRemoteError, type RpcPeerOptions } from './rpc.js';

/** Two peers wired back to back. */
function pair(a: Partial<RpcPeerOptions>, b: Partial<RpcPeerOptions>) {
  const ab = new PassThrough();
  const ba = new PassThrough();
  const left = createRpcPeer({ input: ba, write: (l) => void ab.write(`${l}\n`), ...a });
  const right = createRpcPeer({ input: ab, write: (l) => void ba.write(`${l}\n`), ...b });
  return { left, right, ab, ba };
}

describe('rpc', () => {
  it('answers requests and carries handler errors back', async () => {
    const { left } = pair({}, {
      onRequest: (method, params) => {
        if (method === 'add') return (params as number[]).reduce((x, y) => x + y, 0);
        if (method === 'fail') throw new Error('nope');
        throw new RpcMethodNotFoundError(`no method ${method}`);
      },
    });
    await expect(left.request('add', [1, 2, 3])).resolves.toBe(6);
    const err = await left.request('fail').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RpcRemoteError);
    expect((err as RpcRemoteError).message).toBe('nope');
    await expect(left.request('zzz')).rejects.toMatchObject({ code: -32601 });
  });

  it('carries error data and serves requests in both directions at once', async () => {
    const { left, right } = pair(
      { onRequest: async (m) => (m === 'inner' ? 'from left' : undefined) },
      {
        onRequest: async (m) => {
          if (m === 'limited') throw new RpcHandlerError('slow down', { name: 'ChannelRateLimitError', retryAfterMs: 5 });
          return `right saw ${await right.request<string>('inner')}`;
        },
      },
    );
    await expect(left.request('limited')).rejects.toMatchObject({ message: 'slow down', data: { name: 'ChannelRateLimitError', retryAfterMs: 5 } });
    await expect(left.request('outer')).resolves.toBe('right saw from left');
  });

  it('delivers notifications and cancels a running request', async () => {
    const notes: unknown[] = [];
    let aborted: Promise<void> | undefined;
    const { left, right } = pair({ onNotification: (m, p) => notes.push([m, p]) }, {
      onRequest: (_m, _p, signal) => {
        aborted = new Promise((resolve) => signal.addEventListener('abort', () => resolve()));
        return new Promise(() => {});
      },
    });
    right.notify('log', { msg: 'hi' });
    const controller = new AbortController();
    const p = left.request('slow', undefined, { signal: controller.signal });
    await new Promise((r) => setImmediate(r));
    controller.abort(new Error('stop'));
    await expect(p).rejects.toThrow('stop');
    await aborted;
    expect(notes).toEqual([['log', { msg: 'hi' }]]);
  });

  it('reports junk lines without losing the stream, and close rejects what is pending', async () => {
    const junk: string[] = [];
    const { left, ba } = pair({ onProtocolError: (what) => junk.push(what) }, { onRequest: () => new Promise(() => {}) });
    ba.write('not json\n');
    const p = left.request('never');
    await new Promise((r) => setImmediate(r));
    expect(junk).toEqual(['a line that is not JSON']);
    expect(left.pending).toBe(1);
    left.close(new Error('child exited'));
    await expect(p).rejects.toThrow('child exited');
    await expect(left.request('after')).rejects.toThrow('child exited');
  });
});
