import { buildMainSessionKey } from '../../../src-shared/domain/session-key.js';
import { normalizeAgentId } from '../../../src-shared/domain/agent-id.js';
import type { RunOutcome } from '../../agents/run-tracker.js';
import type { QueuedInbound } from '../../routing/inbound-pipeline.js';
import type { QueueItem } from '../../store/types.js';
import type { Handlers } from '../dispatcher.js';
import { InvalidRequestError } from '../errors.js';
import { clientInbound, resolveClientSessionKey, type ChatHandlerDeps } from './chat.js';

const DEFAULT_WAIT_MS = 600_000;

function toResult(o: RunOutcome) {
  return {
    runId: o.runId,
    status: o.status,
    summary: o.text.slice(0, 200),
    result: { payloads: o.text ? [{ text: o.text }] : [] },
    ...(o.error ? { error: o.error } : {}),
    ...(o.usage ? { usage: o.usage } : {}),
  };
}

function finishedResult(runId: string, item: QueueItem) {
  return { runId, status: item.status === 'done' ? 'ok' : item.status === 'dropped' ? 'dropped' : 'error', ...(item.error ? { error: item.error } : {}) };
}

/** `agent` (ack, then the final result on the same request id) and `agent.wait`. */
export function agentHandlers(deps: ChatHandlerDeps): Handlers {
  return {
    agent: async (params, ctx) => {
      const cfg = deps.config();
      const agentId = params.agentId ? normalizeAgentId(params.agentId) : cfg.defaultAgentId;
      const { sessionKey, agentId: keyAgent } = resolveClientSessionKey(cfg, params.sessionKey ?? buildMainSessionKey({ agentId }));
      const payload: QueuedInbound = { inbound: clientInbound(ctx, params.message, params.idempotencyKey), origin: 'agent', ...(params.timeout ? { timeoutMs: params.timeout * 1000 } : {}) };
      const r = await deps.queue.ingest({ dedupeKey: `rpc:${params.idempotencyKey}`, sessionKey, agentId: keyAgent, runId: params.idempotencyKey, payload: payload });
      ctx.ack?.({ runId: r.runId, status: 'accepted' });
      const outcome = await deps.runs.wait(r.runId, params.timeout ? params.timeout * 1000 + 5000 : DEFAULT_WAIT_MS);
      if (!outcome) return { runId: r.runId, status: 'timeout' };
      return toResult(outcome);
    },
    'agent.wait': async (params) => {
      const known = deps.runs.get(params.runId);
      if (known) return toResult(known);
      // Finished before this process started (or long ago): the queue row has the outcome.
      const item = await deps.store.queue.byRunId(params.runId);
      if (!item) throw new InvalidRequestError(`unknown run "${params.runId}"`, { code: 'RUN_NOT_FOUND' });
      if (item.status !== 'pending' && item.status !== 'running') return finishedResult(params.runId, item);
      const outcome = await deps.runs.wait(params.runId, params.timeoutMs ?? 30_000);
      return outcome ? toResult(outcome) : { runId: params.runId, status: 'timeout' };
    },
  };
}
