import { afterEach, describe, expect, it } from 'vitest';
import { holdNextEmit, startSlackFixture, type SlackFixture } from '../../../test-support/fake-slack/fixture.js';

describe('Slack envelopes are acknowledged only after core queued the message', () => {
  let fx: SlackFixture;
  afterEach(async () => fx?.close());

  it('the ack reaches Slack after ctx.emit resolved, not before', async () => {
    fx = await startSlackFixture({ emitDelayMs: 300 });
    const { envelopeIds } = fx.fake.sayDirect('U0001', 'queue me first');
    // Checked at the moment the fake receives the ack.
    const queuedAtAck = await fx.fake.waitFor(() => fx.fake.acks.some((a) => a.envelopeId === envelopeIds[0]) && { queued: fx.harness.inbound.length }, 'the ack');
    expect(queuedAtAck.queued).toBe(1);
  });

  it('a slow emit cut off by a dropped socket is redelivered with the same messageId', async () => {
    fx = await startSlackFixture();
    const hold = holdNextEmit(fx.harness);
    const { messageId, envelopeIds } = fx.fake.sayDirect('U0002', 'do not lose me');
    await hold.started;
    fx.fake.setFault('drop', true);
    // The client reconnects on its own, and Slack resends what was never acknowledged.
    await fx.fake.waitForConnections(2);
    hold.release();
    const [first, again] = await fx.harness.nextInbound(2);
    expect(first.messageId).toBe(messageId);
    expect(again.messageId).toBe(messageId);
    await fx.fake.waitFor(() => fx.fake.unacked().length === 0, 'all envelopes acknowledged');
    expect(fx.fake.deliveries.filter((d) => d.envelopeId === envelopeIds[0]).map((d) => d.retryAttempt)).toEqual([0, 1]);
    expect(fx.harness.failures).toEqual([]);
  });

  it('an emit that fails leaves the envelope unacknowledged; after a reconnect it comes again', async () => {
    fx = await startSlackFixture();
    const hold = holdNextEmit(fx.harness);
    const { messageId, envelopeIds } = fx.fake.sayDirect('U0003', 'the queue was full');
    await hold.started;
    hold.reject(new Error('queue unavailable'));
    await fx.fake.waitFor(
      () => fx.harness.logs.some((l) => l.msg.includes('not handled') && l.fields?.envelopeId === envelopeIds[0]),
      'the adapter to give up on the event',
    );
    expect(fx.fake.unacked()).toEqual(envelopeIds);

    fx.fake.requestDisconnect('refresh_requested');
    const [msg] = await fx.harness.nextInbound();
    expect(msg.messageId).toBe(messageId);
    await fx.fake.waitForAck(envelopeIds[0]);
  });

  it('stop() waits for an emit in flight and emits nothing afterwards', async () => {
    fx = await startSlackFixture();
    const hold = holdNextEmit(fx.harness);
    fx.fake.sayDirect('U0001', 'in flight');
    await hold.started;
    let stopped = false;
    const stopping = fx.harness.adapter.stop().then(() => (stopped = true));
    await new Promise((r) => setImmediate(r));
    expect(stopped).toBe(false);
    hold.release();
    await stopping;
    expect(fx.harness.inbound).toHaveLength(1);
    fx.fake.sayDirect('U0001', 'after stop');
    await fx.harness.adapter.stop();
    expect(fx.harness.inbound).toHaveLength(1);
  });
});
