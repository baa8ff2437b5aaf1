/**
 * The CLI on "another machine" (its own state dir, `gateway.mode: "remote"`) against a gateway the test
 * started, reached through a real nginx or straight over TLS with a pinned certificate.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeSetupCode } from '../../src-shared/protocol/index.js';
import { formatFingerprint } from '../../src-shared/protocol/tls-fingerprint.js';
import { runCli, spawnGatewayWithState, startTestGateway, stopGatewayWithState, type TestGateway } from '../../test-support/gateway.js';
import { nginxUnavailableReason, startNginx, type NginxProxy } from '../../test-support/nginx.js';
import { makeTempState, type TempState } from '../../test-support/state-dir.js';

const TOKEN = 'remote-mode-token-0123456789abcdef';
const WRONG = formatFingerprint('ab'.repeat(32));

describe.skipIf(nginxUnavailableReason())('remote mode through nginx', () => {
  let t: TestGateway;
  let proxy: NginxProxy;
  let client: TempState;
  beforeAll(async () => {
    t = await startTestGateway({ config: { gateway: { auth: { mode: 'token', token: TOKEN }, trustedProxies: ['127.0.0.1'] } } });
    proxy = await startNginx({ upstream: `http://127.0.0.1:${t.gw.port}` });
    client = makeTempState({ gateway: { mode: 'remote', remote: { url: proxy.wsUrl, token: TOKEN } } });
  });
  afterAll(async () => {
    client?.cleanup();
    await proxy?.stop();
    await t?.close();
  });

  it('status and health reach the remote gateway with the remote token', async () => {
    const status = await runCli(['status'], client.env);
    expect(status.stderr).toBe('');
    expect(status.code).toBe(0);
    expect(status.stdout).toContain(`Gateway: running at ${t.gw.wsUrl}`);
    const health = await runCli(['health', '--json'], client.env);
    expect(health.code).toBe(0);
  });

  it('openclaw gateway refuses to start a local gateway and says why', async () => {
    const r = await runCli(['gateway', '--port', '0'], client.env);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`gateway.mode is "remote": this machine uses the gateway at ${proxy.wsUrl} and starts no gateway of its own`);
    expect(r.stderr).toContain('set gateway.mode to "local"');
  });

  it('the setup code for a phone carries the public URL', async () => {
    const r = await runCli(['qr', '--json'], client.env);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { setupCode: string; url: string };
    expect(out.url).toBe(proxy.wsUrl);
    expect(decodeSetupCode(out.setupCode).url).toBe(proxy.wsUrl);
  });

  it('remote mode without a URL is a clear error', async () => {
    const bare = makeTempState({ gateway: { mode: 'remote' } });
    try {
      const r = await runCli(['status'], bare.env);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('gateway.mode is "remote" but gateway.remote.url is not set');
      // The fix itself still works.
      const fix = await runCli(['config', 'set', 'gateway.remote.url', 'wss://gw.example'], bare.env);
      expect(fix.stderr).toBe('');
      expect(fix.code).toBe(0);
    } finally {
      bare.cleanup();
    }
  });
});

describe('remote mode over TLS with a pinned certificate', () => {
  let t: TestGateway;
  const states: TempState[] = [];
  const remoteState = (remote: Record<string, unknown>) => {
    const s = makeTempState({ gateway: { mode: 'remote', remote: { token: TOKEN, ...remote } } });
    states.push(s);
    return s;
  };
  beforeAll(async () => {
    t = await startTestGateway({ config: { gateway: { auth: { mode: 'token', token: TOKEN }, tls: { enabled: true } } } });
  });
  afterAll(async () => {
    for (const s of states) s.cleanup();
    await t?.close();
  });

  it('connects with the pinned fingerprint and status prints it', async () => {
    const s = remoteState({ url: t.gw.wsUrl, tlsFingerprint: t.gw.tlsFingerprint!.replace(/:/g, '').toLowerCase() });
    const r = await runCli(['status'], s.env);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain(`Gateway: running at ${t.gw.wsUrl}`);
    expect(r.stdout).toContain(`TLS fingerprint (SHA-256): ${t.gw.tlsFingerprint}`);
  });

  it('a wrong pinned fingerprint is refused, from the config and from --tls-fingerprint', async () => {
    const wrongInConfig = await runCli(['health'], remoteState({ url: t.gw.wsUrl, tlsFingerprint: WRONG }).env);
    expect(wrongInConfig.code).toBe(1);
    expect(wrongInConfig.stderr).toContain('does not match the pinned fingerprint');
    const right = remoteState({ url: t.gw.wsUrl, tlsFingerprint: t.gw.tlsFingerprint });
    const wrongOnCommandLine = await runCli(['health', '--tls-fingerprint', WRONG], right.env);
    expect(wrongOnCommandLine.code).toBe(1);
    expect(wrongOnCommandLine.stderr).toContain(`expected ${WRONG}, got ${t.gw.tlsFingerprint}`);
    const malformed = await runCli(['health', '--tls-fingerprint', 'abc'], right.env);
    expect(malformed.code).toBe(1);
    expect(malformed.stderr).toContain('--tls-fingerprint: not a SHA-256 certificate fingerprint');
  });

  it('without a pin the self-signed certificate is refused with the way to pin it', async () => {
    const r = await runCli(['health'], remoteState({ url: t.gw.wsUrl }).env);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('pin it with --tls-fingerprint');
  });

  it("on the gateway's own machine the CLI pins the certificate in the state dir by itself", async () => {
    const r = await runCli(['status'], { ...t.state.env, OPENCLAW_GATEWAY_PORT: String(t.gw.port) });
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain(`Gateway: running at ${t.gw.wsUrl}`);
  });
});

describe('openclaw gateway with TLS, as its own process', () => {
  it('generates its certificate, prints the fingerprint, and the CLI beside it connects over wss', async () => {
    const { s, g, env } = await spawnGatewayWithState({ gateway: { auth: { mode: 'token', token: TOKEN }, tls: { enabled: true } } });
    try {
      const fingerprint = /TLS fingerprint \(SHA-256\): ([0-9A-F:]{95})/.exec(g.stdout())?.[1];
      expect(g.stdout()).toMatch(/listening on wss:\/\/127\.0\.0\.1:\d+/);
      const r = await runCli(['status'], env);
      expect(r.stderr).toBe('');
      expect(r.stdout).toContain(`TLS fingerprint (SHA-256): ${fingerprint}`);
    } finally {
      await stopGatewayWithState(g, s);
    }
  });
});
