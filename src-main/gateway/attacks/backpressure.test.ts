/**
 * No back-pressure on responses: a signed-in client that asks for a lot and
 * never reads must be disconnected with a clear close code once what waits
 * for it passes the cap, instead of growing the gateway without end.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_BUFFERED_BYTES } from '../../../src-shared/protocol/index.js';
import { generateDeviceKeys } from '../../nodes/device-keys.js';
import { connectRaw, rssMiB, sampleRss, spawnTestGateway, waitForLog, type SpawnedTestGateway } from './network-harness.js';

const TOKEN = 'backpressure-attack-token-0123456789';
/** Ask for four times the cap in responses. */
const DEMANDED_BYTES = 4 * MAX_BUFFERED_BYTES;

let g: SpawnedTestGateway;
beforeAll(async () => {
  g = await spawnTestGateway({ gateway: { auth: { mode: 'token', token: TOKEN } } });
});
afterAll(async () => {
  await g?.close();
});

describe('back-pressure on everything sent to a client', () => {
  it('a client that requests 200 MB of responses and never reads is closed 1008 "slow consumer" near the 50 MB cap', async ({ annotate }) => {
    const { ws, res } = await connectRaw(g.url, { token: TOKEN, device: generateDeviceKeys() });
    expect(res.ok).toBe(true);
    // One response, read normally, to know its size.
    const size = await new Promise<number>((resolve) => {
      ws.once('message', (d: Buffer) => resolve(d.length));
      ws.send(JSON.stringify({ type: 'req', id: 'probe', method: 'config.schema', params: {} }));
    });
    const closed = new Promise<{ code: number; reason: string }>((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));

    const before = rssMiB(g.pid);
    const rss = sampleRss(g.pid);
    // Stop reading: the gateway's writes back up behind this socket.
    (ws as unknown as { _socket: { pause(): void; resume(): void } })._socket.pause();
    const count = Math.ceil(DEMANDED_BYTES / size);
    for (let i = 0; i < count; i++) ws.send(JSON.stringify({ type: 'req', id: `r${i}`, method: 'config.schema', params: {} }));

    const line = await waitForLog(g.state.logFile, (r) => r.message.includes('slow consumer'), 15_000);
    expect(line.level).toBe('warn');
    // Read again: what was queued drains, and then the close frame.
    (ws as unknown as { _socket: { resume(): void } })._socket.resume();
    expect(await closed).toEqual({ code: 1008, reason: 'slow consumer' });
    const peak = rss.stop();
    await annotate(`back-pressure: ${count} requests for ${(count * size / 1048576).toFixed(0)} MiB of ${size}-byte responses; RSS ${before.toFixed(1)} MiB before, peak ${peak.toFixed(1)} MiB, ${rssMiB(g.pid).toFixed(1)} MiB after`);
    // The cap (50 MiB) plus what is in flight, nowhere near the 200 MiB asked for.
    expect(peak - before).toBeLessThan(100);

    // Everyone else is unaffected.
    const other = await connectRaw(g.url, { token: TOKEN, device: generateDeviceKeys() });
    expect(other.res.ok).toBe(true);
    other.ws.close();
  });
});
