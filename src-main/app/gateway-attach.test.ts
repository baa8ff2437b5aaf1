import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../../test-support/gateway.js';
import { startHttpServer } from '../../test-support/http-server.js';
import { freePort } from '../../test-support/free-port.js';
import { makeTempState, type TempState } from '../../test-support/state-dir.js';
import { healthUrl, planGatewayStart, probeGateway } from './gateway-attach.js';

describe('attaching to a gateway that already runs', () => {
  let t: TestGateway | undefined;
  let other: TempState | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
    other?.cleanup();
    other = undefined;
  });

  it('attaches to the gateway holding the same state dir, and the connection works', async () => {
    t = await startTestGateway();
    const plan = await planGatewayStart({ stateDir: t.state.stateDir, url: t.gw.wsUrl });
    expect(plan).toEqual({ kind: 'attach', url: t.gw.wsUrl, pid: process.pid, reason: `the gateway of this state dir already runs (pid ${process.pid})` });
    const client = await t.operator({ url: plan.kind === 'attach' ? plan.url : '' });
    expect((await client.call('health')).ok).toBe(true);
  });

  it('attaches to a gateway of another state dir answering on the port', async () => {
    t = await startTestGateway();
    other = makeTempState();
    expect(await planGatewayStart({ stateDir: other.stateDir, url: t.gw.wsUrl })).toEqual({ kind: 'attach', url: t.gw.wsUrl, reason: 'an OpenClaw gateway already answers on this port' });
  });

  it('starts its own once that gateway has stopped', async () => {
    t = await startTestGateway();
    const { stateDir } = t.state;
    const url = t.gw.wsUrl;
    await t.gw.close('test');
    expect(await probeGateway(url)).toBe('none');
    other = makeTempState();
    // The lock went with the gateway; the same state dir (re-created) and port are free.
    expect(await planGatewayStart({ stateDir: other.stateDir, url })).toEqual({ kind: 'start' });
    expect(await planGatewayStart({ stateDir, url })).toMatchObject({ kind: 'start' });
    t.state.cleanup();
    t = undefined;
  });

  it('says so when another program has the port', async () => {
    const server = await startHttpServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<h1>not a gateway</h1>');
    });
    try {
      other = makeTempState();
      const url = server.baseUrl.replace('http:', 'ws:');
      expect(await probeGateway(url)).toBe('other');
      const plan = await planGatewayStart({ stateDir: other.stateDir, url });
      expect(plan.kind).toBe('blocked');
      expect(plan.kind === 'blocked' && plan.message).toMatch(/^127\.0\.0\.1:\d+ is used by another program/);
    } finally {
      await server.close();
    }
  });

  it('says so when a live process holds the state dir but nothing answers', async () => {
    other = makeTempState();
    const port = await freePort();
    // A live process that is no gateway: the test runner's parent.
    writeFileSync(join(other.stateDir, 'gateway.lock'), JSON.stringify({ pid: process.ppid, port, startedAtMs: Date.now(), hostname: 'here' }));
    const plan = await planGatewayStart({ stateDir: other.stateDir, url: `ws://127.0.0.1:${port}` });
    expect(plan.kind).toBe('blocked');
    expect(plan.kind === 'blocked' && plan.message).toContain(`A gateway (pid ${process.ppid}) holds ${other.stateDir} but does not answer`);
  });

  it('probes /healthz over http or https as the gateway address says', () => {
    expect(healthUrl('ws://127.0.0.1:18789')).toBe('http://127.0.0.1:18789/healthz');
    expect(healthUrl('wss://gateway.example.com:18789/?x=1')).toBe('https://gateway.example.com:18789/healthz');
  });
});
