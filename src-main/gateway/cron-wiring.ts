import type { ChannelsRuntime } from '../channels/runtime-types.js';
import type { ResolvedConfig } from '../config/resolve.js';
import { createCronJobs, type CronJobs } from '../cron/jobs.js';
import { createCronScheduler, LAST_CHAT, type CronScheduler } from '../cron/scheduler.js';
import type { Logger } from '../logging/index.js';
import type { IngestRequest, IngestResult } from '../queue/inbound-queue.js';
import type { QueuedInbound } from '../routing/inbound-pipeline.js';
import type { RunOutcome } from '../agents/run-tracker.js';
import type { CronDeliveryRecord, Store } from '../store/types.js';
import type { Handlers } from './dispatcher.js';
import { cronHandlers } from './handlers/cron.js';
import { lastChatOf } from './last-chat.js';

export interface GatewayCronDeps {
  store: Store;
  config(): ResolvedConfig;
  queue: { ingest(req: IngestRequest<QueuedInbound>): Promise<IngestResult> };
  runs: { wait(runId: string, timeoutMs: number): Promise<RunOutcome | undefined> };
  channels: Pick<ChannelsRuntime, 'resolveTarget'>;
  publish(event: string, payload: unknown): void;
  /** Events of this gateway and, where gateways share a database, of the others (a job added through another one). */
  subscribe(fn: (event: string, payload: unknown) => void): () => void;
  log: Logger;
}

/** Scheduled jobs: the scheduler (run by one gateway), the job rules and the `cron.*` methods. */
export function createGatewayCron(deps: GatewayCronDeps): { scheduler: CronScheduler; jobs: CronJobs; handlers: Handlers } {
  const target = (d: CronDeliveryRecord) => deps.channels.resolveTarget({ channel: d.channel, to: d.to, ...(d.accountId ? { accountId: d.accountId } : {}) });
  const lastChat = (agentId: string) => lastChatOf(deps.store, agentId);
  const emit = (e: unknown) => deps.publish('cron', e);
  const scheduler = createCronScheduler({
    store: deps.store,
    ingest: (req) => deps.queue.ingest(req),
    waitForRun: (runId, ms) => deps.runs.wait(runId, ms),
    resolveTarget: (d, agentId) => (d.channel === LAST_CHAT ? lastChat(agentId) : target(d)),
    emit,
    log: deps.log,
  });
  const jobs = createCronJobs({
    store: deps.store,
    scheduler,
    defaultAgentId: () => deps.config().defaultAgentId,
    agentIds: () => Object.keys(deps.config().agents.entries),
    checkTarget: target,
    emit,
  });
  // A job added or changed through another gateway sharing the database: the one running the scheduler looks again.
  deps.subscribe((event, payload) => {
    const action = (payload as { action?: string } | undefined)?.action;
    if (event === 'cron' && (action === 'added' || action === 'updated')) scheduler.poke();
  });
  return { scheduler, jobs, handlers: cronHandlers({ store: deps.store, jobs, scheduler }) };
}
