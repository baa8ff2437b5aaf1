import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MethodResult } from '../../../src-shared/protocol/index.js';
import { lastUserText } from '../../../test-support/channel-gateway.js';
import { FakeOpenAIServer } from '../../../test-support/fake-openai.js';
import { FakeSignalCli } from '../../../test-support/fake-signal/fake-signal-cli.js';
import { startTestGateway, type TestGateway } from '../../../test-support/gateway.js';

/**
 * Linking Signal from the desktop or CLI: the gateway's `web.login.*` drive
 * startLink/finishLink on a fake signal-cli daemon through the bundled
 * plugin (built into dist), the linked number is remembered, the account
 * connects, and the personal number stays safe (no pairing codes to
 * contacts; the owner's Note to Self is answered).
 */
describe('Signal QR login through the gateway', () => {
  const signal = new FakeSignalCli({ keepAliveMs: 200, linked: false });
  let model: FakeOpenAIServer;
  let t: TestGateway;
  let call: <T>(method: string, params?: unknown) => Promise<T>;
  const account = async () => (await call<MethodResult<'channels.status'>>('channels.status')).channelAccounts.signal![0]!;
  const until = async <T>(probe: () => Promise<T | undefined>, what: string) => {
    const deadline = Date.now() + 15_000;
    for (;;) {
      const v = await probe();
      if (v !== undefined) return v;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(await account())}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  };

  beforeAll(async () => {
    await signal.listen();
    model = new FakeOpenAIServer({ script: (req) => ({ text: `reply: ${lastUserText(req.messages)}` }) });
    await model.start();
    t = await startTestGateway({
      config: {
        gateway: { auth: { mode: 'token', token: 'signal-test-token' } },
        models: { providers: { fake: { baseUrl: `${model.baseUrl}/v1`, apiKey: 'x', api: 'openai-completions', models: [{ id: 'm' }] } } },
        agents: { defaults: { model: { primary: 'fake/m' } } },
        channels: { signal: { httpUrl: signal.httpUrl, livenessMs: 5000 } },
      },
      start: { channelBackoff: { initialMs: 50, maxMs: 200 } },
    });
    const local = t.gw.createLocalClient();
    call = async <T>(method: string, params?: unknown) => {
      const r = await local.call(method, params ?? {});
      if (!r.ok) throw new Error(`${method}: ${r.error.message}`);
      return r.value as T;
    };
  }, 30_000);
  afterAll(async () => {
    await t?.close();
    await signal.close();
    await model?.close();
  });

  it('an unlinked account says how to link it instead of retrying forever', async () => {
    const a = await until(async () => {
      const x = await account();
      return x.state === 'failed' ? x : undefined;
    }, 'failed');
    expect(a.lastError).toMatch(/openclaw channels login signal/);
  });

  it('web.login.start shows the sgnl://linkdevice QR; after the scan the account is linked and connects', async () => {
    const start = await call<MethodResult<'web.login.start'>>('web.login.start', { channel: 'signal' });
    expect(start.qr).toMatch(/^sgnl:\/\/linkdevice\?uuid=/);
    expect(start.qr).toBe(signal.linkUris.at(-1));
    expect(start.qrDataUrl).toMatch(/^data:image\/png;base64,/);
    // The words come from the Signal plugin's manifest, not another channel's.
    expect(start.message).toBe('Scan this QR code in Signal: Settings → Linked devices → Link new device.');
    const waiting = call<MethodResult<'web.login.wait'>>('web.login.wait', { channel: 'signal', timeoutMs: 10_000 });
    signal.scan();
    expect(await waiting).toMatchObject({ connected: true, linkedAs: signal.account });
    await until(async () => ((await account()).connected ? true : undefined), 'connected');
  });

  it('personal number: a contact gets no pairing code; the owner’s Note to Self is answered', async () => {
    signal.say({ from: signal.humans[0]!.number, text: 'hello, is this a bot?' });
    signal.sayToSelf('remind me to water the plants');
    await signal.waitUntil(() => signal.sentTo(signal.account).length > 0, 'a reply to self', 10_000);
    expect(signal.sentTo(signal.account)).toEqual(['reply: remind me to water the plants']);
    await t.gw.queueIdle();
    expect(signal.sentTo(signal.humans[0]!.number)).toEqual([]);
    expect((await call<MethodResult<'channels.pairing.list'>>('channels.pairing.list', { channel: 'signal' })).requests).toEqual([]);
  });

  it('channels.logout unregisters the device in signal-cli', async () => {
    await call('channels.logout', { channel: 'signal' });
    expect(signal.linked.has(signal.account)).toBe(false);
  });
});
