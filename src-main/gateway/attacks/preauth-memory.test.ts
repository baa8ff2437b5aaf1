/**
 * Memory before authentication: unauthenticated sockets announcing huge
 * frames, half-finished upgrades and a pile of idle handshakes must not grow
 * the gateway, and must not keep the owner out once they are gone.
 */
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_DEFAULT_SCOPES, MAX_PAYLOAD_BYTES } from '../../../src-shared/protocol/index.js';
import { GatewayClient } from '../../cli/gateway-client.js';
import { generateDeviceKeys } from '../../nodes/device-keys.js';
import { MAX_PREAUTH_CONNECTIONS_PER_SOURCE } from '../server.js';
import { rssMiB, sampleRss, spawnTestGateway, type SpawnedTestGateway } from './network-harness.js';

const TOKEN = 'preauth-attack-token-0123456789';
const HANDSHAKE_MS = 1500;
const ATTACKERS = 40;
const STREAM_BYTES_EACH = 4 * 1024 * 1024;

let g: SpawnedTestGateway;
beforeAll(async () => {
  g = await spawnTestGateway({ gateway: { auth: { mode: 'token', token: TOKEN } } }, { OPENCLAW_HANDSHAKE_TIMEOUT_MS: String(HANDSHAKE_MS) });
});
afterAll(async () => {
  await g?.close();
});

/** A TCP socket whose `closed` resolves when the gateway drops it; it reads (and discards) what it is sent. */
function rawSocket(port: number, localAddress = '127.0.0.1'): { socket: Socket; closed: Promise<void>; head: Promise<string> } {
  const socket = connect({ port, host: '127.0.0.1', localAddress });
  socket.on('error', () => undefined);
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  let buf = '';
  const head = new Promise<string>((resolve) => {
    const onData = (d: Buffer) => {
      buf += d.toString('latin1');
      const end = buf.indexOf('\r\n\r\n');
      if (end >= 0) {
        socket.off('data', onData);
        socket.resume();
        resolve(buf.slice(0, end));
      }
    };
    socket.on('data', onData);
    void closed.then(() => resolve(buf));
  });
  return { socket, closed, head };
}

const upgradeRequest = (port: number) =>
  `GET / HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n`;

/** A masked binary frame header announcing `length` payload bytes. */
function frameHeader(length: number): Buffer {
  const h = Buffer.alloc(14);
  h[0] = 0x82;
  h[1] = 0x80 | 127;
  h.writeBigUInt64BE(BigInt(length), 2);
  h.writeUInt32BE(0x01020304, 10);
  return h;
}

/** Upgrade, announce a 25 MiB frame, then stream its bytes as fast as the gateway takes them. */
async function flood(port: number): Promise<{ closed: Promise<void>; sent: () => number }> {
  const s = rawSocket(port);
  s.socket.write(upgradeRequest(port));
  expect(await s.head).toMatch(/^HTTP\/1\.1 101/);
  let sent = 0;
  let gone = false;
  void s.closed.then(() => (gone = true));
  s.socket.write(frameHeader(MAX_PAYLOAD_BYTES));
  const chunk = Buffer.alloc(64 * 1024);
  void (async () => {
    while (!gone && sent < STREAM_BYTES_EACH) {
      sent += chunk.length;
      if (!s.socket.write(chunk)) await Promise.race([new Promise((r) => s.socket.once('drain', r)), s.closed]);
    }
  })();
  return { closed: s.closed, sent: () => sent };
}

describe('memory before authentication', () => {
  it('caps connections in the handshake per source: all of loopback is one source, whatever 127.x address it uses', async () => {
    const held = await Promise.all(
      Array.from({ length: MAX_PREAUTH_CONNECTIONS_PER_SOURCE }, async (_, i) => {
        const s = rawSocket(g.port, `127.0.${1 + (i >> 7)}.${1 + (i & 127)}`);
        s.socket.write(upgradeRequest(g.port));
        expect(await s.head).toMatch(/^HTTP\/1\.1 101/);
        return s;
      }),
    );
    const extra = rawSocket(g.port, '127.9.9.9');
    extra.socket.write(upgradeRequest(g.port));
    expect(await extra.head).toMatch(/^HTTP\/1\.1 503/);
    // Hung up from this side, the gateway reads the end at once and frees the slots.
    for (const s of held) s.socket.destroy();
    await Promise.all(held.map((s) => s.closed));
  });

  it('40 sockets announcing 25 MiB frames are closed from the header, half-open upgrades are dropped, and RSS stays flat', async ({ annotate }) => {
    const before = rssMiB(g.pid);
    const rss = sampleRss(g.pid);

    // Half-open: TCP connected with the upgrade never finished, and upgraded but silent.
    const partial = Array.from({ length: 20 }, () => rawSocket(g.port));
    for (const p of partial) p.socket.write('GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n');
    const silent = Array.from({ length: 20 }, () => rawSocket(g.port));
    for (const s of silent) s.socket.write(upgradeRequest(g.port));
    const halfOpenSince = Date.now();

    const floods = await Promise.all(Array.from({ length: ATTACKERS }, () => flood(g.port)));
    await Promise.all(floods.map((f) => f.closed));
    const peak = rss.stop();
    const sentMiB = floods.reduce((n, f) => n + f.sent(), 0) / 1048576;
    // What the attackers wrote mostly sits in kernel socket buffers: the gateway stops reading a refused socket.
    await annotate(`pre-auth flood: RSS ${before.toFixed(1)} MiB before, peak ${peak.toFixed(1)} MiB; attackers wrote ${sentMiB.toFixed(1)} MiB before being closed`);
    expect(peak - before).toBeLessThan(50);

    await Promise.all([...partial, ...silent].map((p) => p.closed));
    // Handshake time, plus the checking interval or the close grace.
    expect(Date.now() - halfOpenSince).toBeLessThan(HANDSHAKE_MS + 3000);
  });

  it('afterwards the owner connects, and an authenticated connection may send frames far over the pre-auth limit', async ({ annotate }) => {
    const before = rssMiB(g.pid);
    const client = await GatewayClient.connect({ url: g.url, token: TOKEN, device: generateDeviceKeys(), scopes: [...CLI_DEFAULT_SCOPES] });
    await expect(client.call('health', {})).resolves.toMatchObject({ ok: true });
    // 1 MiB of params: refused as invalid, answered, and the connection stays.
    await expect(client.call<unknown>('health', { pad: 'x'.repeat(1024 * 1024) })).rejects.toMatchObject({ error: { code: 'INVALID_REQUEST' } });
    await expect(client.call('health', {})).resolves.toMatchObject({ ok: true });
    client.close();
    await annotate(`after the attacks: RSS ${rssMiB(g.pid).toFixed(1)} MiB (was ${before.toFixed(1)} MiB before the owner connected)`);
  });
});
