import type { MethodResult } from '../src-shared/protocol/index.js';
import type { ChannelTestDriver } from './channel-driver.js';
import { FakeOpenAIServer } from './fake-openai.js';
import { startTestGateway, type TestGateway } from './gateway.js';

/** Text of the last user turn a fake model saw. */
export function lastUserText(messages: unknown[]): string {
  const last = [...messages].reverse().find((m) => (m as { role?: string }).role === 'user') as { content?: unknown } | undefined;
  const c = last?.content;
  if (typeof c === 'string') return c;
  if (Array.isArray(c)) return c.map((b) => (b as { text?: string }).text ?? '').join('');
  return '';
}

export interface ChannelGateway {
  t: TestGateway;
  driver: ChannelTestDriver;
  model: FakeOpenAIServer;
  channelConfig: Record<string, unknown>;
  /** The live state of the driver's default account. */
  account(): Promise<MethodResult<'channels.status'>['channelAccounts'][string][number]>;
  /** Waits until the account is connected with a start newer than `after`. */
  connected(after?: number, timeoutMs?: number): Promise<void>;
  /** Waits until the account has received `count` messages in total, then until the queue is idle. */
  settled(inboundCount: number, timeoutMs?: number): Promise<void>;
  call<T = unknown>(method: string, params?: unknown): Promise<T>;
  close(): Promise<void>;
}

/**
 * A real gateway with one channel driven by a platform fake and an instant
 * fake model that answers "reply: <user text>".
 */
export async function startChannelGateway(driver: ChannelTestDriver, over: Record<string, unknown> = {}, extra: Record<string, unknown> = {}): Promise<ChannelGateway> {
  const model = new FakeOpenAIServer({ script: (req) => ({ text: `reply: ${lastUserText(req.messages)}` }) });
  await model.start();
  const channelConfig = { ...(await driver.start()), ...over };
  const token = `t-${Math.random().toString(36).slice(2)}`;
  const t = await startTestGateway({
    config: {
      gateway: { auth: { mode: 'token', token } },
      models: { providers: { fake: { baseUrl: `${model.baseUrl}/v1`, apiKey: 'x', api: 'openai-completions', models: [{ id: 'm' }] } } },
      agents: { defaults: { model: { primary: 'fake/m' } } },
      channels: { [driver.channel]: channelConfig },
      ...extra,
    },
    start: { channelPlugins: driver.plugin ? [driver.plugin()] : [], channelBackoff: { initialMs: 50, maxMs: 500 }, deliveryRetry: { retryBaseMs: 20 }, platform: 'darwin' },
  });
  const local = t.gw.createLocalClient();
  const call = async <T>(method: string, params?: unknown): Promise<T> => {
    const r = await local.call(method, params ?? {});
    if (!r.ok) throw Object.assign(new Error(`${method}: ${r.error.message}`), { error: r.error });
    return r.value as T;
  };
  const account = async () => {
    const s = await call<MethodResult<'channels.status'>>('channels.status');
    const a = s.channelAccounts[driver.channel]?.[0];
    if (!a) throw new Error(`no ${driver.channel} account in channels.status`);
    return a;
  };
  /** Polls the gateway's own status (what a user sees) until `pred` holds. */
  const until = async (pred: (a: Awaited<ReturnType<typeof account>>) => boolean, what: string, timeoutMs: number) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const a = await account();
      if (pred(a)) return a;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; account: ${JSON.stringify(a)}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  const env: ChannelGateway = {
    t,
    driver,
    model,
    channelConfig,
    account,
    async connected(after = 0, timeoutMs = 15_000) {
      await until((a) => a.connected && (a.lastConnectedAt ?? 0) > after, 'the channel to connect', timeoutMs);
    },
    async settled(inboundCount, timeoutMs = 15_000) {
      await until((a) => a.inboundCount >= inboundCount, `${inboundCount} inbound messages`, timeoutMs);
      await t.gw.queueIdle();
    },
    call,
    async close() {
      local.close();
      await t.close();
      await driver.close();
      await model.close();
    },
  };
  await env.connected();
  return env;
}
