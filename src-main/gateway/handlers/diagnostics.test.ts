import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MethodResult } from '../../../src-shared/protocol/index.js';
import type { GatewayClient } from '../../cli/gateway-client.js';
import { lastUserText } from '../../../test-support/fake-model-script.js';
import { FakeOpenAIServer } from '../../../test-support/fake-openai.js';
import { startTestGateway, type TestGateway } from '../../../test-support/gateway.js';
import { presentLanes } from './diagnostics.js';

type Lanes = MethodResult<'diagnostics.lanes'>;

describe('diagnostics.lanes', () => {
  it('shows a stopping queue as draining and blocked', () => {
    const l = presentLanes({ maxConcurrent: 4, running: 0, waitingForSlot: 0, draining: true, sessions: { lanes: 0, running: 0, queued: 0, queuedLanes: 0 } }, 1);
    expect(l).toEqual({ ts: 1, lanes: [{ lane: 'main', queuedCount: 0, activeCount: 0, maxConcurrent: 4, draining: true, blockedBy: 'gateway stopping' }], dynamic: null });
  });

  describe('on a real gateway', () => {
    let model: FakeOpenAIServer;
    let t: TestGateway;
    let c: GatewayClient;
    // The model answers "hold" only when released, so a turn can be caught running.
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));

    beforeAll(async () => {
      model = new FakeOpenAIServer({ script: async (req) => (lastUserText(req) === 'hold' ? (await held, { text: 'released' }) : { text: 'ok' }) });
      await model.start();
      t = await startTestGateway({
        config: {
          gateway: { auth: { mode: 'token', token: 'diagnostics-token-0123456789' } },
          models: { providers: { local: { baseUrl: `${model.baseUrl}/v1`, apiKey: 'x', api: 'openai-completions', models: [{ id: 'fake' }] } } },
          agents: { defaults: { model: { primary: 'local/fake' } } },
        },
      });
      c = await t.operator();
    });
    afterAll(async () => {
      release();
      await t?.close();
      await model?.close();
    });

    it('is idle with nothing to do, counts a running turn and the message queued behind it, and is idle again after', async () => {
      const idle = await c.call<Lanes>('diagnostics.lanes', {});
      expect(idle.lanes).toEqual([{ lane: 'main', queuedCount: 0, activeCount: 0, maxConcurrent: 32, draining: false, blockedBy: null }]);
      expect(idle.dynamic).toBeNull();

      await c.call('chat.send', { sessionKey: 'agent:main:main', message: 'hold', idempotencyKey: 'lanes-1' });
      await expect.poll(async () => (await c.call<Lanes>('diagnostics.lanes', {})).lanes[0]!.activeCount).toBe(1);
      await c.call('chat.send', { sessionKey: 'agent:main:main', message: 'next', idempotencyKey: 'lanes-2' });
      const busy = await c.call<Lanes>('diagnostics.lanes', {});
      expect(busy.lanes[0]).toMatchObject({ activeCount: 1, queuedCount: 0 });
      expect(busy.dynamic).toEqual({ laneCount: 1, activeCount: 1, queuedCount: 1, queuedLaneCount: 1 });

      release();
      await t.gw.queueIdle();
      expect((await c.call<Lanes>('diagnostics.lanes', {})).dynamic).toBeNull();
    });

    it('is advertised in hello', () => {
      expect(c.hello.features.methods).toContain('diagnostics.lanes');
    });
  });
});
