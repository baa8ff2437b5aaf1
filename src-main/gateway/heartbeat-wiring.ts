import { resolveHeartbeats, type HeartbeatSettings } from '../../src-shared/domain/heartbeat.js';
import { resolveAgentSettings } from '../agents/agent-config.js';
import type { RunOutcome } from '../agents/run-tracker.js';
import type { ChannelsRuntime } from '../channels/runtime-types.js';
import type { ResolvedConfig } from '../config/resolve.js';
import { createHeartbeatRunner, type HeartbeatRoute, type HeartbeatRunner } from '../heartbeat/runner.js';
import type { Logger } from '../logging/index.js';
import type { IngestRequest, IngestResult } from '../queue/inbound-queue.js';
import type { QueuedInbound } from '../routing/inbound-pipeline.js';
import type { Store } from '../store/types.js';
import type { Handlers } from './dispatcher.js';
import { heartbeatHandlers } from './handlers/heartbeat.js';
import { lastChatOf, NoLastChatError } from './last-chat.js';

export interface GatewayHeartbeatDeps {
  store: Store;
  config(): ResolvedConfig;
  stateDir: string;
  queue: { ingest(req: IngestRequest<QueuedInbound>): Promise<IngestResult>; isBusy(sessionKey: string): boolean };
  runs: { wait(runId: string, timeoutMs: number): Promise<RunOutcome | undefined> };
  channels: Pick<ChannelsRuntime, 'resolveTarget'>;
  publish(event: string, payload: unknown): void;
  log: Logger;
}

/** Agent heartbeats: the runner (on the gateway that runs the channels) and `last-heartbeat` / `set-heartbeats`. */
export function createGatewayHeartbeats(deps: GatewayHeartbeatDeps): { runner: HeartbeatRunner; handlers: Handlers } {
  const route = async (s: HeartbeatSettings): Promise<HeartbeatRoute> => {
    if (s.target === 'none') return { kind: 'none' };
    try {
      if (s.target === 'last') return { kind: 'chat', target: await lastChatOf(deps.store, s.agentId) };
      if (!s.to) return { kind: 'no-route', message: `Heartbeat target "${s.target}" needs a recipient: set agents.defaults.heartbeat.to (or the agent's heartbeat.to).` };
      return { kind: 'chat', target: await deps.channels.resolveTarget({ channel: s.target, to: s.to, ...(s.accountId ? { accountId: s.accountId } : {}) }) };
    } catch (err) {
      // No chat yet is the ordinary first-run case (the event's default message says what to do); anything else names its cause.
      return err instanceof NoLastChatError ? { kind: 'no-route' } : { kind: 'no-route', message: `Heartbeat cannot deliver to ${s.target}: ${(err as Error).message}` };
    }
  };
  const runner = createHeartbeatRunner({
    store: deps.store,
    settings: () => resolveHeartbeats(deps.config().agents),
    workspaceOf: (agentId) => resolveAgentSettings(deps.config(), agentId, deps.stateDir)?.workspace,
    ingest: (req) => deps.queue.ingest(req),
    waitForRun: (runId, ms) => deps.runs.wait(runId, ms),
    isBusy: (sessionKey) => deps.queue.isBusy(sessionKey),
    route,
    emit: (e) => deps.publish('heartbeat', e),
    log: deps.log,
  });
  return { runner, handlers: heartbeatHandlers(runner) };
}
