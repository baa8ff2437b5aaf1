import { describe, expect, it } from 'vitest';
import { FakeSocket, HELLO } from './fake-socket.test-support.js';
import { GatewayCallError } from './types.js';
import { connectWs } from './ws-client.js';

function start(token = 't0k') {
  let socket!: FakeSocket;
  const promise = connectWs({
    url: 'ws://127.0.0.1:18789/',
    token,
    clientVersion: '0.1.0',
    platform: 'Linux x86_64',
    createSocket: (url) => (socket = new FakeSocket(url)),
    handshakeTimeoutMs: 200,
    requestTimeoutMs: 200,
  });
  return { promise, socket };
}

async function connected() {
  const { promise, socket } = start();
  socket.push({ type: 'event', event: 'connect.challenge', payload: { nonce: 'n', ts: 1 } });
  const req = socket.lastSent();
  socket.push({ type: 'res', id: req.id, ok: true, payload: HELLO });
  return { client: await promise, socket };
}

describe('connectWs handshake', () => {
  it('sends nothing before the challenge, then a v4 operator connect with the token', async () => {
    const { promise, socket } = start('secret');
    expect(socket.url).toBe('ws://127.0.0.1:18789/');
    expect(socket.sent).toHaveLength(0);
    socket.push({ type: 'event', event: 'connect.challenge', payload: { nonce: 'n', ts: 1 } });
    const req = socket.lastSent();
    expect(req).toMatchObject({
      type: 'req',
      method: 'connect',
      params: {
        minProtocol: 4,
        maxProtocol: 4,
        client: { id: 'openclaw-control-ui', version: '0.1.0', platform: 'Linux x86_64', mode: 'ui' },
        role: 'operator',
        scopes: ['operator.read', 'operator.write', 'operator.admin', 'operator.pairing'],
        auth: { token: 'secret' },
      },
    });
    socket.push({ type: 'res', id: req.id, ok: true, payload: HELLO });
    const client = await promise;
    expect(client.hello.server.version).toBe('0.1.0');
    expect(client.transport).toBe('ws');
  });

  it('rejects with the server message and details.code on auth failure', async () => {
    const { promise, socket } = start('wrong');
    socket.push({ type: 'event', event: 'connect.challenge', payload: { nonce: 'n', ts: 1 } });
    socket.push({
      type: 'res',
      id: socket.lastSent().id,
      ok: false,
      error: { code: 'INVALID_REQUEST', message: 'unauthorized: gateway token mismatch', details: { code: 'AUTH_TOKEN_MISMATCH' } },
    });
    socket.serverClose(1008, 'unauthorized: gateway token mismatch');
    const err = await promise.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GatewayCallError);
    expect((err as GatewayCallError).message).toBe('unauthorized: gateway token mismatch');
    expect((err as GatewayCallError).detailCode).toBe('AUTH_TOKEN_MISMATCH');
  });

  it('rejects when the socket closes before hello', async () => {
    const { promise, socket } = start();
    socket.serverClose(1006, '');
    await expect(promise).rejects.toMatchObject({ code: 'UNAVAILABLE', message: 'connection closed (1006)' });
  });

  it('times out without a challenge', async () => {
    const { promise } = start();
    await expect(promise).rejects.toMatchObject({ message: 'gateway handshake timed out' });
  });
});

describe('connected client', () => {
  it('matches responses to requests by id, whatever the order', async () => {
    const { client, socket } = await connected();
    const a = client.call('health');
    const b = client.call<unknown>('status', { verbose: true });
    const [reqA, reqB] = socket.sent.slice(-2);
    expect(reqA).toEqual({ type: 'req', id: reqA.id, method: 'health' });
    expect(reqB).toMatchObject({ method: 'status', params: { verbose: true } });
    expect(reqA.id).not.toBe(reqB.id);
    socket.push({ type: 'res', id: reqB.id, ok: true, payload: 'B' });
    socket.push({ type: 'res', id: reqA.id, ok: false, error: { code: 'FORBIDDEN', message: 'missing scope: operator.read' } });
    await expect(b).resolves.toBe('B');
    await expect(a).rejects.toMatchObject({ code: 'FORBIDDEN', message: 'missing scope: operator.read' });
  });

  it('dispatches events to named and wildcard listeners until unsubscribed', async () => {
    const { client, socket } = await connected();
    const seen: string[] = [];
    const off = client.on('tick', (p) => seen.push(`tick:${JSON.stringify(p)}`));
    client.on('*', (_p, e) => seen.push(`*:${e}`));
    socket.push({ type: 'event', event: 'tick', payload: { ts: 5 }, seq: 1 });
    off();
    socket.push({ type: 'event', event: 'tick', payload: { ts: 6 }, seq: 2 });
    expect(seen).toEqual(['tick:{"ts":5}', '*:tick', '*:tick']);
  });

  it('fails pending calls and notifies onClose when the connection drops', async () => {
    const { client, socket } = await connected();
    const reasons: string[] = [];
    client.onClose((r) => reasons.push(r));
    const p = client.call('health');
    socket.serverClose(1012, 'service restart');
    await expect(p).rejects.toMatchObject({ code: 'UNAVAILABLE', message: 'service restart' });
    expect(reasons).toEqual(['service restart']);
    await expect(client.call('health')).rejects.toMatchObject({ code: 'UNAVAILABLE' });
  });

  it('times out a call that never gets an answer', async () => {
    const { client } = await connected();
    await expect(client.call('health')).rejects.toMatchObject({ message: 'health timed out after 200 ms' });
  });

  it('ignores garbage frames', async () => {
    const { client, socket } = await connected();
    const p = client.call('health');
    socket.push('a bare string');
    socket.push({ type: 'mystery' });
    socket.push({ type: 'res', id: 'unknown', ok: true });
    socket.push({ type: 'res', id: socket.lastSent().id, ok: true, payload: 1 });
    await expect(p).resolves.toBe(1);
  });
});
