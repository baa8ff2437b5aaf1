import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_BIN, runCli, spawnGatewayWithState, stopGatewayWithState, type SpawnedGateway } from '../../test-support/gateway.js';
import { makeTempState, type TempState } from '../../test-support/state-dir.js';

/** How `openclaw` behaves as a process: pipes, signals, and arguments it cannot use. */
describe('openclaw as a Unix process', () => {
  it('config schema into a pipe that closes (| head) ends quietly, without an EPIPE stack trace', async () => {
    const s = makeTempState();
    try {
      const child = spawn(process.execPath, [CLI_BIN, 'config', 'schema'], { env: s.env, stdio: ['ignore', 'pipe', 'pipe'] });
      child.stdout.destroy(); // the reader is gone before the first byte
      let stderr = '';
      child.stderr.on('data', (d) => (stderr += d));
      const [code] = (await once(child, 'close')) as [number | null];
      expect(stderr).toBe('');
      expect(code).toBe(0);
    } finally {
      s.cleanup();
    }
  });

  it('node run stops at once on SIGINT while it is still connecting', async () => {
    const s = makeTempState({}, { OPENCLAW_GATEWAY_TOKEN: 'node-run-token-0123456789' });
    // A server that accepts the connection and never answers the WebSocket handshake.
    const held: Socket[] = [];
    const silent = createServer((sock) => void held.push(sock));
    silent.listen(0, '127.0.0.1');
    await once(silent, 'listening');
    const port = (silent.address() as { port: number }).port;
    try {
      const child = spawn(process.execPath, [CLI_BIN, 'node', 'run', '--url', `ws://127.0.0.1:${port}`], { env: s.env, stdio: ['ignore', 'pipe', 'pipe'] });
      const exited = once(child, 'exit');
      await once(silent, 'connection');
      const signalledAt = Date.now();
      child.kill('SIGINT');
      const [code] = (await exited) as [number | null];
      // The handshake timeout is 10 s; stopping must not wait for it.
      expect(Date.now() - signalledAt).toBeLessThan(5000);
      expect(code).toBe(0);
    } finally {
      for (const sock of held) sock.destroy();
      silent.close();
      s.cleanup();
    }
  });
});

describe('arguments the gateway cannot use are refused in words', () => {
  let s: TempState;
  let g: SpawnedGateway;
  let env: NodeJS.ProcessEnv;
  beforeAll(async () => void ({ s, g, env } = await spawnGatewayWithState()));
  afterAll(() => stopGatewayWithState(g, s));

  it('pairing list whatsup (a typo) is an error naming the channel it probably meant', async () => {
    const r = await runCli(['pairing', 'list', 'whatsup'], env);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/unknown channel "whatsup" \(did you mean "whatsapp"\?\)/);
    expect((await runCli(['pairing', 'approve', 'telegrm', 'ABCDEFGH'], env)).stderr).toMatch(/unknown channel "telegrm"/);
    expect(await runCli(['pairing', 'list', 'whatsapp'], env)).toMatchObject({ code: 0, stdout: 'No pending pairing requests for whatsapp.\n' });
  });
});
