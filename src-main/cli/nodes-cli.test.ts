import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GatewayClient } from './gateway-client.js';
import { generateDeviceKeys } from '../nodes/device-keys.js';
import { decodeSetupCode } from '../../src-shared/protocol/setup-code.js';
import { runCli, startTestGateway, type TestGateway } from '../../test-support/gateway.js';

describe('openclaw nodes approve: what is approved and what stays blocked', () => {
  let t: TestGateway;
  let op: GatewayClient;
  beforeAll(async () => {
    // No gateway.nodes.allowCommands: device.info is outside the linux defaults.
    t = await startTestGateway({ config: { gateway: { auth: { mode: 'token', token: 'nodes-cli-token' } } } });
    op = await t.operator();
  });
  afterAll(() => t.close());

  it('says which approved commands run and which the platform policy keeps blocked', async () => {
    const keys = generateDeviceKeys();
    const requested = new Promise<any>((resolve) => op.on((e, p) => e === 'node.pair.requested' && resolve(p)));
    // Direct loopback: the device pairs at once; its commands wait for approval.
    const node = await GatewayClient.connect({
      url: t.url,
      token: t.token,
      device: keys,
      role: 'node',
      scopes: [],
      client: { id: 'node-host', mode: 'node', platform: 'linux', displayName: 'build-box' },
      commands: ['device.info', 'system.notify'],
    });
    try {
      const req = await requested;
      expect(req).toMatchObject({ commands: ['device.info', 'system.notify'], blockedByPolicy: ['device.info'] });
      const env = { ...t.state.env, OPENCLAW_GATEWAY_PORT: String(t.gw.port), OPENCLAW_GATEWAY_TOKEN: t.token };
      const approved = await runCli(['nodes', 'approve', req.requestId], env);
      expect(approved.code).toBe(0);
      expect(approved.stdout).not.toContain('Approved device.info');
      expect(approved.stdout).toBe(
        `Approved system.notify for node ${keys.deviceId}.\n` +
          'Still blocked by the node policy: device.info. Listing a command in gateway.nodes.allowCommands lets it run (unless gateway.nodes.denyCommands names it); the approval then applies.\n',
      );
      const listed = await op.call<{ nodes: { nodeId: string; allowedCommands?: string[] }[] }>('node.list', {});
      expect(listed.nodes.find((n) => n.nodeId === keys.deviceId)?.allowedCommands).toEqual(['system.notify']);
    } finally {
      node.close();
    }
  });

  it('--json carries the blocked commands beside the approved ones', async () => {
    const keys = generateDeviceKeys();
    const requested = new Promise<any>((resolve) => op.on((e, p) => e === 'node.pair.requested' && resolve(p)));
    const node = await GatewayClient.connect({
      url: t.url,
      token: t.token,
      device: keys,
      role: 'node',
      scopes: [],
      client: { id: 'node-host', mode: 'node', platform: 'linux' },
      commands: ['device.info'],
    });
    try {
      const req = await requested;
      const env = { ...t.state.env, OPENCLAW_GATEWAY_PORT: String(t.gw.port), OPENCLAW_GATEWAY_TOKEN: t.token };
      const approved = await runCli(['nodes', 'approve', req.requestId, '--json'], env);
      expect(JSON.parse(approved.stdout)).toEqual({ ok: true, requestId: req.requestId, nodeId: keys.deviceId, commands: ['device.info'], blockedByPolicy: ['device.info'] });
      const text = await runCli(['nodes', 'pending'], env);
      expect(text.stdout).toContain('No node commands are waiting for approval.');
    } finally {
      node.close();
    }
  });
});

describe('openclaw qr on a loopback gateway', () => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway({ config: { gateway: { auth: { mode: 'token', token: 'qr-cli-token' } } } });
  });
  afterAll(() => t.close());
  const env = () => ({ ...t.state.env, OPENCLAW_GATEWAY_PORT: String(t.gw.port), OPENCLAW_GATEWAY_TOKEN: t.token });

  it('refuses with the flag that sets the address in the setup code, and that flag works', async () => {
    const refused = await runCli(['qr'], env());
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('loopback only');
    expect(refused.stderr).toContain('openclaw qr --url wss://');
    // --url is the address put in the setup code (as in the reference CLI); the CLI still talks to its own gateway.
    const made = await runCli(['qr', '--json', '--url', 'wss://phone-reachable.example'], env());
    expect(made.code).toBe(0);
    const r = JSON.parse(made.stdout) as { setupCode: string; url: string; pairingPageUrl: string };
    expect(r.url).toBe('wss://phone-reachable.example');
    expect(decodeSetupCode(r.setupCode)).toMatchObject({ url: 'wss://phone-reachable.example' });
    expect(r.pairingPageUrl.startsWith('https://phone-reachable.example/node/#setup=')).toBe(true);
    // --public-url stays as its synonym.
    const same = await runCli(['qr', '--json', '--public-url', 'wss://other.example'], env());
    expect(JSON.parse(same.stdout)).toMatchObject({ url: 'wss://other.example' });
  });
});
