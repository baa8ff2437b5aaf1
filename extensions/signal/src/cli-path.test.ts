import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { MethodResult } from '../../../src-shared/protocol/index.js';
import { createAdapterHarness } from '../../../test-support/channel-harness.js';
import { asChannelPlugin } from '../../../test-support/channel-plugin.js';
import { lastUserText } from '../../../test-support/channel-gateway.js';
import { FakeOpenAIServer } from '../../../test-support/fake-openai.js';
import { FakeSignalCli } from '../../../test-support/fake-signal/fake-signal-cli.js';
import { writeFakeSignalProgram, type FakeSignalProgram } from '../../../test-support/fake-signal/stdio-program.js';
import { startTestGateway, type TestGateway } from '../../../test-support/gateway.js';
import { signalChannel } from './index.js';

type Account = MethodResult<'channels.status'>['channelAccounts'][string][number];

/**
 * `cliPath` mode: the gateway (the bundled plugin from dist) runs signal-cli
 * itself, JSON-RPC over stdio, given a small executable stand-in that speaks
 * to the same fake as the HTTP tests.
 */
describe('Signal with signal-cli run by the account (cliPath)', () => {
  const signal = new FakeSignalCli({ keepAliveMs: 200 });
  let program: FakeSignalProgram;
  let model: FakeOpenAIServer;
  let t: TestGateway | undefined;
  let call: <T>(method: string, params?: unknown) => Promise<T>;
  const alice = () => signal.humans[0]!.number;
  const account = async () => (await call<MethodResult<'channels.status'>>('channels.status')).channelAccounts.signal![0]!;
  const until = async (pred: (a: Account) => boolean, what: string) => {
    const deadline = Date.now() + 15_000;
    for (;;) {
      const a = await account();
      if (pred(a)) return a;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(a)}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  };
  const start = async (signalConfig: Record<string, unknown>) => {
    t = await startTestGateway({
      config: {
        gateway: { auth: { mode: 'token', token: 'signal-cli-path-token' } },
        models: { providers: { fake: { baseUrl: `${model.baseUrl}/v1`, apiKey: 'x', api: 'openai-completions', models: [{ id: 'm' }] } } },
        agents: { defaults: { model: { primary: 'fake/m' } } },
        channels: { signal: { account: signal.account, dmPolicy: 'allowlist', allowFrom: [alice()], livenessMs: 3000, ...signalConfig } },
      },
      start: { channelBackoff: { initialMs: 50, maxMs: 200 } },
    });
    const local = t.gw.createLocalClient();
    call = async <T>(method: string, params?: unknown) => {
      const r = await local.call(method, params ?? {});
      if (!r.ok) throw new Error(`${method}: ${r.error.message}`);
      return r.value as T;
    };
  };

  beforeAll(async () => {
    await signal.listen();
    program = writeFakeSignalProgram(signal.httpUrl);
    model = new FakeOpenAIServer({ script: (req) => ({ text: `reply: ${lastUserText(req.messages)}` }) });
    await model.start();
  });
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });
  afterAll(async () => {
    program.remove();
    await signal.close();
    await model.close();
  });

  it('answers a DM; when signal-cli is killed the supervisor starts a new one and the channel recovers', async () => {
    await start({ cliPath: program.path });
    const first = await until((a) => a.connected, 'connected');
    expect(first.details).toMatchObject({ daemon: 'spawned', daemonPid: expect.any(Number) });
    signal.say({ from: alice(), text: 'hello over stdio' });
    await signal.waitUntil(() => signal.sentTo(alice()).length >= 1, 'a reply', 10_000);
    expect(signal.sentTo(alice())).toEqual(['reply: hello over stdio']);

    // Killed between sends, not in the middle of one (a send cut short is sent again, by design).
    await t!.gw.queueIdle();
    const pid = first.details!.daemonPid as number;
    process.kill(pid, 'SIGKILL');
    const back = await until((a) => a.connected && a.details?.daemonPid !== pid && a.restarts > 0, 'a new signal-cli');
    expect(back.lastError).toMatch(/signal-cli exited \(killed by SIGKILL\)/);
    signal.say({ from: alice(), text: 'still there?' });
    await signal.waitUntil(() => signal.sentTo(alice()).length >= 2, 'a second reply', 10_000);
    expect(signal.sentTo(alice())).toEqual(['reply: hello over stdio', 'reply: still there?']);
  }, 40_000);

  it('a cliPath that does not exist is a plain status error, and nothing restarts', async () => {
    await start({ cliPath: '/nonexistent/signal-cli' });
    const a = await until((x) => typeof x.lastError === 'string', 'the status error');
    expect(a.lastError).toMatch(/signal-cli was not found at "\/nonexistent\/signal-cli"/);
    expect(a).toMatchObject({ connected: false, restarts: 0 });
  });
});

describe('Signal cliPath: what signal-cli says on stderr', () => {
  const signal = new FakeSignalCli({ keepAliveMs: 200 });
  beforeAll(() => signal.listen());
  afterAll(() => signal.close());

  it('a message signal-cli receives as it starts, before the account listens, is not lost', async () => {
    const program = writeFakeSignalProgram(signal.httpUrl);
    signal.say({ from: signal.humans[1]!.number, text: 'sent while the gateway was down' });
    const h = createAdapterHarness(asChannelPlugin(signalChannel), { cliPath: program.path, account: signal.account, livenessMs: 3000 });
    try {
      const arrived = h.nextInbound(1);
      await h.adapter.start();
      const [msg] = await arrived;
      expect(msg).toMatchObject({ senderId: signal.humans[1]!.number, text: 'sent while the gateway was down' });
      expect(h.adapter.describe?.()).toMatchObject({ daemon: 'spawned', daemonPid: expect.any(Number) });
    } finally {
      await h.close();
      program.remove();
    }
  });

  it('a signal-cli that cannot start fails the start with its own words', async () => {
    const program = writeFakeSignalProgram(signal.httpUrl, { FAKE_SIGNAL_FAIL: 'Config file is in use by another instance, waiting…' });
    const h = createAdapterHarness(asChannelPlugin(signalChannel), { cliPath: program.path, account: signal.account, livenessMs: 3000 });
    try {
      await expect(h.adapter.start()).rejects.toThrow(/signal-cli exited \(code 1\): ERROR App - Config file is in use by another instance/);
    } finally {
      await h.close();
      program.remove();
    }
  });
});
