/**
 * Adapter-level test setup for Slack: a fake platform, the real plugin
 * pointed at it through a harness, and small probes on the harness context
 * (when heartbeats happened, holding an emit open) for delivery-order tests.
 */
import type { InboundMessage } from '../../src-shared/domain/inbound.js';
import { slackChannel } from '../../extensions/slack/src/index.js';
import { asChannelPlugin } from '../channel-plugin.js';
import { createAdapterHarness, type AdapterHarness } from '../channel-harness.js';
import { FakeSlack, type FakeSlackOptions } from './fake-slack.js';

/** A started fake plus a harness around the real Slack adapter. */
export interface SlackFixture {
  fake: FakeSlack;
  harness: AdapterHarness;
  config: Record<string, unknown>;
  /** Times (ms since epoch) of every heartbeat. */
  beats: number[];
  close(): Promise<void>;
}

/** Start the fake and (unless `start: false`) the adapter; `livenessMs` defaults to 3000. */
export async function startSlackFixture(
  opts: { config?: Record<string, unknown>; fake?: FakeSlackOptions; emitDelayMs?: number; start?: boolean } = {},
): Promise<SlackFixture> {
  const fake = await FakeSlack.start(opts.fake);
  const config = { botToken: fake.botToken, appToken: fake.appToken, apiRoot: fake.apiRoot, livenessMs: 3000, ...opts.config };
  const harness = createAdapterHarness(asChannelPlugin(slackChannel), config, { emitDelayMs: opts.emitDelayMs });
  const beats: number[] = [];
  const beat = harness.ctx.heartbeat;
  harness.ctx.heartbeat = () => {
    beats.push(Date.now());
    beat();
  };
  const fixture: SlackFixture = {
    fake,
    harness,
    config,
    beats,
    async close() {
      await harness.close();
      await fake.close();
    },
  };
  if (opts.start !== false) {
    try {
      await harness.adapter.start();
    } catch (err) {
      await fixture.close();
      throw err;
    }
  }
  return fixture;
}

/**
 * Make the next `ctx.emit` wait until `release()` (the queue being slow),
 * or fail with `reject(err)` (the queue refusing). Later emits pass through.
 */
export function holdNextEmit(harness: AdapterHarness): { started: Promise<InboundMessage>; release(): void; reject(err: Error): void } {
  const emit = harness.ctx.emit;
  let onStart!: (msg: InboundMessage) => void;
  let settle!: (outcome: Error | undefined) => void;
  const started = new Promise<InboundMessage>((resolve) => (onStart = resolve));
  const outcome = new Promise<Error | undefined>((resolve) => (settle = resolve));
  harness.ctx.emit = async (msg) => {
    harness.ctx.emit = emit;
    onStart(msg);
    const err = await outcome;
    if (err) throw err;
    await emit(msg);
  };
  return { started, release: () => settle(undefined), reject: (err) => settle(err) };
}
