import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GatewayClient } from './gateway-client.js';
import { CLI_BIN, runCli, startTestGateway, type TestGateway } from '../../test-support/gateway.js';
import { makeTempState } from '../../test-support/state-dir.js';

describe('openclaw node run: this computer as a node', () => {
  let t: TestGateway;
  let op: GatewayClient;
  beforeAll(async () => {
    // The node host offers device.info; linux nodes may offer it only when the user opts in.
    t = await startTestGateway({ config: { gateway: { auth: { mode: 'token', token: 'node-host-token' }, nodes: { allowCommands: ['device.info'] } } } });
    op = await t.operator();
  });
  afterAll(() => t.close());

  it('pairs with a setup code from openclaw qr, its commands are approved with openclaw nodes approve, answers device.info, and reconnects later with its saved token', async () => {
    const cliEnv = { ...t.state.env, OPENCLAW_GATEWAY_PORT: String(t.gw.port), OPENCLAW_GATEWAY_TOKEN: t.token };
    const qr = await runCli(['qr', '--json', '--public-url', t.url], cliEnv);
    expect(qr.code).toBe(0);
    const { setupCode, pairingPageUrl } = JSON.parse(qr.stdout) as { setupCode: string; pairingPageUrl: string };
    expect(pairingPageUrl).toBe(`http://127.0.0.1:${t.gw.port}/node/#setup=${setupCode}`);
    const host = makeTempState({});
    const start = (args: string[]) => {
      const child = spawn(process.execPath, [CLI_BIN, 'node', 'run', ...args, '--name', 'build-box'], { env: host.env, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      const connected = new Promise<void>((resolve, reject) => {
        child.stdout.on('data', (d) => {
          out += d;
          if (out.includes('Connected to')) resolve();
        });
        child.once('exit', (code) => reject(new Error(`node host exited ${code}: ${out}`)));
      });
      return { child, connected };
    };
    try {
      const first = start(['--pair', setupCode]);
      await first.connected;
      const nodes = await op.call<{ nodes: { nodeId: string; displayName?: string; connected: boolean; commands: string[] }[] }>('node.list', {});
      const me = nodes.nodes.find((n) => n.displayName === 'build-box')!;
      expect(me).toMatchObject({ connected: true, commands: ['device.info', 'system.notify'], allowedCommands: [] });
      // The second layer: its commands wait for `openclaw nodes approve`.
      const pending = await runCli(['nodes', 'pending', '--json'], cliEnv);
      expect(pending.code).toBe(0);
      const request = (JSON.parse(pending.stdout) as { pending: { requestId: string; node: { nodeId: string }; commands: string[] }[] }).pending.find((r) => r.node.nodeId === me.nodeId)!;
      expect(request.commands).toEqual(['device.info', 'system.notify']);
      const table = await runCli(['nodes', 'pending'], cliEnv);
      expect(table.stdout).toContain(request.requestId);
      const approved = await runCli(['nodes', 'approve', request.requestId], cliEnv);
      expect(approved).toMatchObject({ code: 0, stdout: `Approved device.info, system.notify for node ${me.nodeId}.\n` });
      expect((await runCli(['nodes', 'list'], cliEnv)).stdout).toMatch(/build-box\s+linux\s+yes\s+device\.info,system\.notify/);
      await expect(op.call('node.invoke', { nodeId: me.nodeId, command: 'device.info', idempotencyKey: 'n1' })).resolves.toMatchObject({ ok: true, payload: { platform: process.platform, cpus: expect.any(Number) } });
      await expect(op.call('node.invoke', { nodeId: me.nodeId, command: 'system.run', params: { argv: ['id'] }, idempotencyKey: 'n2' })).rejects.toMatchObject({ error: { details: { code: 'COMMAND_NOT_ALLOWED' } } });
      first.child.kill('SIGINT');
      expect((await once(first.child, 'exit'))[0]).toBe(0);
      // The setup code is spent; the saved token brings the node back.
      const second = start([]);
      await second.connected;
      await expect(op.call('node.invoke', { nodeId: me.nodeId, command: 'system.notify', params: { title: 'hi', body: 'there' }, idempotencyKey: 'n3' })).resolves.toMatchObject({ ok: true, payload: { shown: true } });
      second.child.kill('SIGINT');
      await once(second.child, 'exit');
    } finally {
      host.cleanup();
    }
  });
});
