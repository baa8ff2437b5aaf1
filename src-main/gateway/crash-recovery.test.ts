import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GatewayClient } from '../cli/gateway-client.js';
import { generateDeviceKeys } from '../nodes/device-keys.js';
import { echoScript } from '../../test-support/fake-model-script.js';
import { FakeOpenAIServer } from '../../test-support/fake-openai.js';
import { spawnGateway } from '../../test-support/gateway.js';
import { makeTempState, type TempState } from '../../test-support/state-dir.js';

/**
 * 1,000 messages are accepted, the gateway is killed with SIGKILL while it
 * works through them, and a new gateway on the same state answers every one
 * exactly once, with transcripts intact.
 */
describe('crash recovery', () => {
  const TOTAL = 1000;
  const SESSIONS = 20;
  const token = 'crash-token-0123456789';
  let fake: FakeOpenAIServer;
  let s: TempState;

  beforeAll(async () => {
    fake = new FakeOpenAIServer({ script: echoScript, latencyMs: 2 });
    await fake.start();
    s = makeTempState({
      gateway: { auth: { mode: 'token', token } },
      models: { providers: { local: { baseUrl: `${fake.baseUrl}/v1`, apiKey: 'x', api: 'openai-completions', models: [{ id: 'echo', contextWindow: 100_000, maxTokens: 500 }] } } },
      agents: { defaults: { model: { primary: 'local/echo' } } },
    });
  });
  afterAll(async () => {
    await fake.close();
    s.cleanup();
  });

  const connect = (port: number) => GatewayClient.connect({ url: `ws://127.0.0.1:${port}`, token, device: generateDeviceKeys(), scopes: ['operator.read', 'operator.write'] });

  it('answers every accepted message exactly once after a kill -9 mid-way', async () => {
    const first = await spawnGateway(s.env, ['--port', '0']);
    const c1 = await connect(first.port);
    let finals = 0;
    const enoughDone = new Promise<void>((resolve) =>
      c1.on((event, p: any) => {
        if (event === 'chat' && p.state === 'final' && ++finals === 150) resolve();
      }),
    );
    const sends = [];
    for (let i = 0; i < TOTAL; i++) {
      sends.push(c1.call('chat.send', { sessionKey: `agent:main:s${i % SESSIONS}`, message: `msg ${i}`, idempotencyKey: `m-${i}` }));
    }
    // Every send was acknowledged: each message is on disk before its ack.
    expect((await Promise.all(sends)).every((r: any) => r.runId)).toBe(true);
    await enoughDone;
    first.child.kill('SIGKILL');
    await first.exited;
    expect(finals).toBeLessThan(TOTAL);

    const second = await spawnGateway(s.env, ['--port', '0']);
    try {
      const c2 = await connect(second.port);
      const outcomes = await Promise.all(Array.from({ length: TOTAL }, (_, i) => c2.call<any>('agent.wait', { runId: `m-${i}`, timeoutMs: 120_000 }, { timeoutMs: 130_000 })));
      expect(outcomes.filter((o) => o.status !== 'ok')).toEqual([]);

      const seen = new Map<string, { user: number; reply: number }>();
      for (let k = 0; k < SESSIONS; k++) {
        const h = await c2.call<any>('chat.history', { sessionKey: `agent:main:s${k}`, limit: 1000 });
        for (const m of h.messages) {
          const text = m.content.find((b: any) => b.type === 'text')?.text as string;
          const e = seen.get(text) ?? { user: 0, reply: 0 };
          if (m.role === 'user') e.user++;
          else if (m.role === 'assistant') e.reply++;
          seen.set(text, e);
        }
        // Transcript order: each user message is followed by its reply.
        const roles = h.messages.map((m: any) => m.role);
        expect(roles.filter((_r: string, i: number) => i % 2 === 0).every((r: string) => r === 'user')).toBe(true);
      }
      expect(seen.size).toBe(TOTAL);
      const wrong = [...seen.entries()].filter(([, v]) => v.user !== 1 || v.reply !== 1);
      expect(wrong).toEqual([]);
      c2.close();
    } finally {
      second.child.kill('SIGTERM');
      await second.exited;
    }
  }, 180_000);
});
