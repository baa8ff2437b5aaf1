import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { HEARTBEAT_FILE, isHeartbeatAck, isHeartbeatFileEmpty, isWithinActiveHours, type HeartbeatSettings } from '../../src-shared/domain/heartbeat.js';
import { buildMainSessionKey } from '../../src-shared/domain/session-key.js';
import type { EventPayload } from '../../src-shared/protocol/index.js';
import type { RunOutcome } from '../agents/run-tracker.js';
import type { Logger } from '../logging/index.js';
import type { IngestRequest, IngestResult } from '../queue/inbound-queue.js';
import type { QueuedInbound, ReplyTarget } from '../routing/inbound-pipeline.js';
import type { Store } from '../store/types.js';
import { createDueLoop } from '../cron/due-loop.js';

/** One heartbeat's outcome as clients get it (`heartbeat` event, `last-heartbeat`). */
export type HeartbeatEvent = EventPayload<'heartbeat'>;

/** The longest the timer sleeps: a missed wake-up (a suspended laptop) is noticed within it. */
const MAX_SLEEP_MS = 30_000;
/** How often a heartbeat's turn is looked for while it runs (the gateway may be closing meanwhile). */
const WAIT_POLL_MS = 5_000;
/** A heartbeat turn that has not ended by then is reported failed (its reply, if it comes, is still handled by the queue). */
const TURN_LIMIT_MS = 15 * 60_000;
const PREVIEW_CHARS = 200;
/** The most of HEARTBEAT.md put into the message. */
const FILE_CHARS = 20_000;
const LAST_EVENT_KEY = 'heartbeat.last';
const stateKey = (agentId: string) => `heartbeat.agent.${agentId}`;

const NO_ROUTE_MESSAGE = 'Heartbeat has no delivery route yet. Message your bot once, or set agents.defaults.heartbeat.target.';
const TARGET_NONE_MESSAGE = 'Heartbeat delivery is disabled by configuration (target: none).';

/** Where a heartbeat's reply goes: a chat, nowhere by configuration, or nowhere yet (with why). */
export type HeartbeatRoute = { kind: 'chat'; target: ReplyTarget } | { kind: 'none' } | { kind: 'no-route'; message?: string };

/** When an agent's heartbeat is due, kept in the store so a restart neither repeats nor forgets one. */
interface AgentState {
  nextDueAtMs: number;
  lastRunAtMs?: number;
}

export interface HeartbeatRunnerDeps {
  store: Pick<Store, 'getMeta' | 'setMeta'>;
  /** Every agent's heartbeat settings under the config running now. */
  settings(): HeartbeatSettings[];
  /** The agent's workspace (where HEARTBEAT.md lives). */
  workspaceOf(agentId: string): string | undefined;
  /** The gateway's durable queue: a heartbeat is an agent turn like any other message. */
  ingest(req: IngestRequest<QueuedInbound>): Promise<IngestResult>;
  waitForRun(runId: string, timeoutMs: number): Promise<RunOutcome | undefined>;
  /** Whether the session has a turn running or waiting. */
  isBusy(sessionKey: string): boolean;
  route(s: HeartbeatSettings): Promise<HeartbeatRoute>;
  emit(event: HeartbeatEvent): void;
  log: Logger;
  now?(): number;
}

/** Runs each agent's heartbeat when due: one timer to the earliest, each occurrence queued at most once. */
export interface HeartbeatRunner {
  /** Starts the timer (on the gateway that runs the channels); heartbeats that came due meanwhile run once. */
  start(): void;
  stop(): void;
  /** Stops for good (the gateway is closing). */
  close(): void;
  active(): boolean;
  /** The config changed: look again. */
  poke(): void;
  /** `set-heartbeats`: turns scheduled heartbeats on or off until the gateway restarts. */
  setEnabled(enabled: boolean): void;
  enabled(): boolean;
  /** The last outcome (any agent), or null; read from the store after a restart. */
  last(): Promise<HeartbeatEvent | null>;
  /** Resolves when no heartbeat is in progress (tests, shutdown). */
  idle(): Promise<void>;
}

export function createHeartbeatRunner(deps: HeartbeatRunnerDeps): HeartbeatRunner {
  const now = deps.now ?? Date.now;
  const log = deps.log;
  let enabled = true;
  let lastEvent: HeartbeatEvent | null | undefined;
  const running = new Map<string, Promise<void>>();

  const readState = async (agentId: string): Promise<AgentState | undefined> => {
    const raw = await deps.store.getMeta(stateKey(agentId));
    if (!raw) return undefined;
    try {
      const parsed = JSON.parse(raw) as AgentState;
      return typeof parsed.nextDueAtMs === 'number' ? parsed : undefined;
    } catch {
      return undefined;
    }
  };
  const writeState = (agentId: string, s: AgentState) => deps.store.setMeta(stateKey(agentId), JSON.stringify(s));

  const emit = async (agentId: string, evt: Omit<HeartbeatEvent, 'ts' | 'agentId'>) => {
    const message = evt.message ?? (evt.reason === 'no-route' ? NO_ROUTE_MESSAGE : evt.reason === 'target-none' ? TARGET_NONE_MESSAGE : undefined);
    const full: HeartbeatEvent = { ts: now(), ...evt, ...(message ? { message } : {}), agentId };
    lastEvent = full;
    deps.emit(full);
    log[full.status === 'skipped' ? 'debug' : full.status === 'failed' ? 'warn' : 'info']('heartbeat', { agentId, status: full.status, ...(full.reason ? { reason: full.reason } : {}) });
    await deps.store.setMeta(LAST_EVENT_KEY, JSON.stringify(full)).catch((err: unknown) => log.warn('recording the heartbeat outcome failed', { err }));
  };

  /** When the agent's next heartbeat is due; a first sight (or a shortened cadence) counts from now. */
  const dueAt = async (s: HeartbeatSettings, t: number): Promise<number> => {
    const state = await readState(s.agentId);
    if (state && state.nextDueAtMs <= t + s.everyMs!) return state.nextDueAtMs;
    const nextDueAtMs = t + s.everyMs!;
    await writeState(s.agentId, { ...state, nextDueAtMs });
    return nextDueAtMs;
  };

  // Due heartbeats start; the loop wakes again at the earliest next one.
  const loop = createDueLoop({
    maxSleepMs: MAX_SLEEP_MS,
    now,
    onError: (err) => log.warn('looking for due heartbeats failed; trying again', { err }),
    pass: async (active) => {
      let earliest: number | undefined;
      try {
        for (const s of deps.settings()) {
          if (!active()) return undefined;
          if (!s.enabled || !enabled) continue;
          const t = now();
          let due = await dueAt(s, t);
          if (due <= t) {
            // Missed occurrences are not made up: the next one counts on from the one due now.
            const next = due + Math.ceil((t - due + 1) / s.everyMs!) * s.everyMs!;
            await writeState(s.agentId, { nextDueAtMs: next, lastRunAtMs: t });
            if (!running.has(s.agentId)) track(s.agentId, beat(s, due, t));
            else void emit(s.agentId, { status: 'skipped', reason: 'requests-in-flight', durationMs: 0 });
            due = next;
          }
          earliest = earliest === undefined ? due : Math.min(earliest, due);
        }
      } catch (err) {
        log.warn('looking for due heartbeats failed; trying again', { err });
      }
      return earliest;
    },
  });

  const track = (agentId: string, p: Promise<void>) => {
    const tracked = p.catch((err: unknown) => log.warn('a heartbeat failed unexpectedly', { agentId, err })).finally(() => running.delete(agentId));
    running.set(agentId, tracked);
  };

  /** The message of one heartbeat: the prompt, and with the built-in one the agent's HEARTBEAT.md. */
  const readChecklist = async (s: HeartbeatSettings): Promise<string | undefined> => {
    const ws = deps.workspaceOf(s.agentId);
    if (!ws) return undefined;
    try {
      return (await readFile(join(ws, HEARTBEAT_FILE), 'utf8')).slice(0, FILE_CHARS);
    } catch {
      return undefined;
    }
  };

  /** One heartbeat: checks, then an agent turn in the main session through the queue, then its outcome. */
  const beat = async (s: HeartbeatSettings, scheduledAtMs: number, startedAt: number) => {
    const skip = (reason: string, extra: Partial<HeartbeatEvent> = {}) => emit(s.agentId, { status: 'skipped', reason, durationMs: Math.max(0, now() - startedAt), ...extra });
    if (s.activeHours && !isWithinActiveHours(s.activeHours, startedAt)) return skip('quiet-hours');
    const sessionKey = buildMainSessionKey({ agentId: s.agentId });
    if (deps.isBusy(sessionKey)) return skip('requests-in-flight');
    let text = s.prompt;
    if (s.defaultPrompt) {
      const checklist = await readChecklist(s);
      if (checklist !== undefined && isHeartbeatFileEmpty(checklist)) return skip('empty-heartbeat-file');
      if (checklist !== undefined) text = `${s.prompt}\n\n${HEARTBEAT_FILE}:\n${checklist.trim()}`;
    }
    const route = await deps.route(s);
    if (route.kind === 'no-route') return skip('no-route', route.message ? { message: route.message } : {});
    const target = route.kind === 'chat' ? route.target : undefined;
    const runId = `heartbeat:${s.agentId}:${scheduledAtMs}`;
    const payload: QueuedInbound = {
      inbound: { channel: 'heartbeat', accountId: 'default', messageId: runId, senderId: 'heartbeat', senderName: 'Heartbeat', peer: { kind: 'direct', id: 'heartbeat' }, text, timestampMs: startedAt },
      origin: 'agent',
      heartbeat: { ackMaxChars: s.ackMaxChars },
      ...(target ? { deliverTo: target } : {}),
    };
    const queued = await deps.ingest({ dedupeKey: runId, sessionKey, agentId: s.agentId, runId, payload });
    // This occurrence was queued before (by this gateway before a restart, or another sharing the database).
    if (queued.duplicate) return;
    const outcome = await waitFor(runId, startedAt);
    const durationMs = Math.max(0, now() - startedAt);
    if (!outcome) return emit(s.agentId, { status: 'failed', reason: loop.closed() ? 'gateway-stopping' : 'timeout', durationMs, indicatorType: 'error' });
    if (outcome.status === 'dropped') return emit(s.agentId, { status: 'skipped', reason: 'dropped', durationMs });
    if (outcome.status !== 'ok') return emit(s.agentId, { status: 'failed', reason: outcome.error ?? outcome.status, durationMs, indicatorType: 'error' });
    const reply = outcome.text.trim();
    if (!reply) return emit(s.agentId, { status: 'ok-empty', durationMs, indicatorType: 'ok' });
    if (isHeartbeatAck(reply, s.ackMaxChars)) return emit(s.agentId, { status: 'ok-token', durationMs, indicatorType: 'ok' });
    const preview = reply.slice(0, PREVIEW_CHARS);
    if (!target) return emit(s.agentId, { status: 'skipped', reason: 'target-none', preview, durationMs });
    return emit(s.agentId, { status: 'sent', to: target.to.id, channel: target.channel, accountId: target.accountId, preview, durationMs, indicatorType: 'alert' });
  };

  const waitFor = async (runId: string, startedAt: number): Promise<RunOutcome | undefined> => {
    while (!loop.closed() && now() - startedAt < TURN_LIMIT_MS) {
      const outcome = await deps.waitForRun(runId, WAIT_POLL_MS);
      if (outcome) return outcome;
    }
    return undefined;
  };

  return {
    start: loop.start,
    stop: loop.stop,
    close: loop.close,
    active: loop.active,
    poke: loop.poke,
    setEnabled(on) {
      enabled = on;
      log.info(on ? 'heartbeats turned on' : 'heartbeats turned off');
      loop.poke();
    },
    enabled: () => enabled,
    async last() {
      if (lastEvent !== undefined) return lastEvent;
      const raw = await deps.store.getMeta(LAST_EVENT_KEY);
      try {
        lastEvent = raw ? (JSON.parse(raw) as HeartbeatEvent) : null;
      } catch {
        lastEvent = null;
      }
      return lastEvent;
    },
    async idle() {
      while (running.size || loop.running()) await Promise.all([...running.values(), loop.running()]);
    },
  };
}
