import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { resolveHeartbeats, type HeartbeatSettings } from '../../src-shared/domain/heartbeat.js';
import type { HeartbeatConfig } from '../../src-shared/domain/config-schema.js';
import type { RunOutcome } from '../agents/run-tracker.js';
import type { IngestRequest } from '../queue/inbound-queue.js';
import type { QueuedInbound } from '../routing/inbound-pipeline.js';
import { recordingLogger } from '../../test-support/recording-logger.js';
import { createHeartbeatRunner, type HeartbeatEvent, type HeartbeatRoute } from './runner.js';

const ADA = { channel: 'telegram', accountId: 'default', to: { kind: 'direct' as const, id: '1001' } };

/** The runner against in-memory ports and a fake clock: what it queues, and what it reports. */
function harness(initial: HeartbeatConfig, opts: { reply?: (req: IngestRequest<QueuedInbound>) => Partial<RunOutcome>; route?: HeartbeatRoute; busy?: boolean; checklist?: string } = {}) {
  const workspace = mkdtempSync(join(tmpdir(), 'openclaw-beat-'));
  if (opts.checklist !== undefined) writeFileSync(join(workspace, 'HEARTBEAT.md'), opts.checklist);
  const meta = new Map<string, string>();
  const queued: IngestRequest<QueuedInbound>[] = [];
  const events: HeartbeatEvent[] = [];
  const outcomes = new Map<string, RunOutcome>();
  const config = { heartbeat: initial };
  const settings = (): HeartbeatSettings[] => resolveHeartbeats({ defaults: { heartbeat: config.heartbeat }, entries: { main: {} } });
  const deps = {
    store: { getMeta: async (k: string) => meta.get(k), setMeta: async (k: string, v: string) => void meta.set(k, v) },
    settings,
    workspaceOf: () => workspace,
    ingest: async (req: IngestRequest<QueuedInbound>) => {
      const duplicate = queued.some((q) => q.dedupeKey === req.dedupeKey);
      if (!duplicate) {
        queued.push(req);
        outcomes.set(req.runId, { runId: req.runId, status: 'ok', text: 'HEARTBEAT_OK', sessionKey: req.sessionKey, ...opts.reply?.(req) });
      }
      return { id: queued.length, runId: req.runId, duplicate, queued: false };
    },
    waitForRun: async (runId: string) => outcomes.get(runId),
    isBusy: () => opts.busy ?? false,
    route: async () => opts.route ?? { kind: 'chat' as const, target: ADA },
    emit: (e: HeartbeatEvent) => void events.push(e),
    log: recordingLogger(),
  };
  const make = () => createHeartbeatRunner(deps);
  return { make, config, meta, queued, events, cleanup: () => rmSync(workspace, { recursive: true, force: true }) };
}

describe('heartbeat runner', () => {
  let h: ReturnType<typeof harness> | undefined;
  beforeEach(() => {
    vi.useFakeTimers({ now: Date.parse('2026-12-06T12:00:00Z') });
  });
  afterEach(() => {
    vi.useRealTimers();
    h?.cleanup();
    h = undefined;
  });

  it('first beats one interval after it is first seen, then every interval, each occurrence once', async () => {
    h = harness({ every: '10m' }, { checklist: '- water the plants' });
    const runner = h.make();
    runner.start();
    await vi.advanceTimersByTimeAsync(9 * 60_000);
    expect(h.queued).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(60_000);
    await runner.idle();
    expect(h.queued).toHaveLength(1);
    expect(h.queued[0]).toMatchObject({ sessionKey: 'agent:main:main', agentId: 'main', runId: `heartbeat:main:${Date.parse('2026-12-06T12:10:00Z')}`, payload: { origin: 'agent', heartbeat: { ackMaxChars: 300 }, deliverTo: ADA } });
    expect(h.queued[0]!.payload.inbound.text).toMatch(/HEARTBEAT\.md:\n- water the plants$/);
    expect(h.events.at(-1)).toMatchObject({ status: 'ok-token', agentId: 'main', ts: Date.parse('2026-12-06T12:10:00Z') });
    // One interval at a time: the runner reads HEARTBEAT.md from disk, which the fake clock does not wait for.
    for (let i = 0; i < 3; i++) {
      await vi.advanceTimersByTimeAsync(10 * 60_000);
      await runner.idle();
    }
    expect(h.queued).toHaveLength(4);
    expect(new Set(h.queued.map((q) => q.dedupeKey)).size).toBe(4);
    runner.close();
  });

  it('after a long absence runs the missed heartbeat once, and a new runner (a restart) does not repeat it', async () => {
    h = harness({ every: '10m' });
    h.meta.set('heartbeat.agent.main', JSON.stringify({ nextDueAtMs: Date.now() - 5 * 3_600_000 }));
    const first = h.make();
    first.start();
    await vi.advanceTimersByTimeAsync(0);
    await first.idle();
    expect(h.queued).toHaveLength(1);
    first.close();
    const second = h.make();
    second.start();
    await vi.advanceTimersByTimeAsync(60_000);
    await second.idle();
    expect(h.queued).toHaveLength(1);
    expect(await second.last()).toMatchObject({ status: 'ok-token' });
    second.close();
  });

  it('classifies the reply: delivered text is sent, no text is ok-empty, a failed turn is failed, target none is skipped', async () => {
    const replies = ['Water the plants!', '', 'boom', 'Water the plants!'];
    let n = 0;
    h = harness({ every: '1m', prompt: 'Check the plants.' }, { reply: () => (n++ === 2 ? { status: 'error', text: '', error: 'model unreachable' } : { text: replies[n - 1]! }) });
    const runner = h.make();
    runner.start();
    for (let i = 0; i < 3; i++) {
      await vi.advanceTimersByTimeAsync(60_000);
      await runner.idle();
    }
    expect(h.queued[0]!.payload.inbound.text).toBe('Check the plants.');
    expect(h.events.map((e) => [e.status, e.reason])).toEqual([
      ['sent', undefined],
      ['ok-empty', undefined],
      ['failed', 'model unreachable'],
    ]);
    expect(h.events[0]).toMatchObject({ to: '1001', channel: 'telegram', accountId: 'default', preview: 'Water the plants!', indicatorType: 'alert' });
    runner.close();
  });

  it('skips, with the reference reasons: busy session, outside active hours, empty HEARTBEAT.md, no route, target none', async () => {
    const cases: [HeartbeatConfig, Parameters<typeof harness>[1], string][] = [
      [{ every: '1m' }, { busy: true }, 'requests-in-flight'],
      [{ every: '1m', activeHours: { start: '08:00', end: '09:00', timezone: 'UTC' } }, {}, 'quiet-hours'],
      [{ every: '1m' }, { checklist: '# Heartbeat\n\n- [ ]\n<!-- nothing yet -->\n' }, 'empty-heartbeat-file'],
      [{ every: '1m' }, { route: { kind: 'no-route' } }, 'no-route'],
      [{ every: '1m', target: 'none' }, { route: { kind: 'none' }, reply: () => ({ text: 'Water the plants!' }) }, 'target-none'],
    ];
    for (const [config, opts, reason] of cases) {
      h?.cleanup();
      h = harness(config, opts);
      const runner = h.make();
      runner.start();
      await vi.advanceTimersByTimeAsync(60_000);
      await runner.idle();
      runner.close();
      expect(h.events[0], reason).toMatchObject({ status: 'skipped', reason });
      if (reason === 'no-route') expect(h.events[0]!.message).toContain('Message your bot once');
      if (reason === 'target-none') expect(h.events[0]).toMatchObject({ preview: 'Water the plants!', message: expect.stringContaining('target: none') });
      else expect(h.queued).toHaveLength(0);
    }
  });

  it('a config change applies at once: a shorter cadence is not held back by the longer one, and "0" stops it', async () => {
    h = harness({ every: '1h' });
    const runner = h.make();
    runner.start();
    await vi.advanceTimersByTimeAsync(60_000);
    h.config.heartbeat = { every: '2m' };
    runner.poke();
    await vi.advanceTimersByTimeAsync(2 * 60_000);
    await runner.idle();
    expect(h.queued).toHaveLength(1);
    h.config.heartbeat = { every: '0' };
    runner.poke();
    await vi.advanceTimersByTimeAsync(10 * 60_000);
    expect(h.queued).toHaveLength(1);
    runner.close();
  });

  it('set-heartbeats off stops new heartbeats; on resumes them', async () => {
    h = harness({ every: '1m' });
    const runner = h.make();
    runner.start();
    runner.setEnabled(false);
    await vi.advanceTimersByTimeAsync(5 * 60_000);
    expect(h.queued).toHaveLength(0);
    runner.setEnabled(true);
    await vi.advanceTimersByTimeAsync(60_000);
    await runner.idle();
    expect(h.queued.length).toBeGreaterThanOrEqual(1);
    runner.close();
  });
});
