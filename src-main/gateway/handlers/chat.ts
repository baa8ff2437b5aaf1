import { normalizeSessionKey, parseSessionKey } from '../../../src-shared/domain/session-key.js';
import type { InboundMessage } from '../../../src-shared/domain/inbound.js';
import type { RunTracker } from '../../agents/run-tracker.js';
import type { ResolvedConfig } from '../../config/resolve.js';
import type { InboundQueue, QueueMode } from '../../queue/inbound-queue.js';
import type { QueuedInbound } from '../../routing/inbound-pipeline.js';
import { sniffImageType, type MediaStore } from '../../sessions/media-store.js';
import type { Store } from '../../store/types.js';
import { toChatMessage, type MethodParams, type MethodResult } from '../../../src-shared/protocol/index.js';
import type { CallContext, Handlers } from '../dispatcher.js';
import { InvalidRequestError } from '../errors.js';
import { storeChatAttachments } from './chat-attachments.js';

export interface ChatHandlerDeps {
  store: Store;
  queue: InboundQueue<QueuedInbound>;
  runs: RunTracker;
  config(): ResolvedConfig;
  /** Where attached images are kept (the queue and the transcript hold references). */
  media: MediaStore;
}

/** Resolve a client-supplied session key to its canonical form and agent, or refuse it clearly. */
export function resolveClientSessionKey(cfg: ResolvedConfig, raw: string, agentIdHint?: string): { sessionKey: string; agentId: string } {
  const sessionKey = normalizeSessionKey(raw, agentIdHint ?? cfg.defaultAgentId);
  if (!sessionKey) throw new InvalidRequestError(`invalid sessionKey "${raw.slice(0, 80)}": use agent:<agentId>:<name>`, { code: 'INVALID_SESSION_KEY' });
  const agentId = sessionKey === 'global' ? cfg.defaultAgentId : (parseSessionKey(sessionKey)?.agentId ?? cfg.defaultAgentId);
  if (!cfg.agents.entries[agentId]) throw new InvalidRequestError(`unknown agent "${agentId}" in sessionKey; configured agents: ${Object.keys(cfg.agents.entries).join(', ')}`, { code: 'UNKNOWN_AGENT' });
  return { sessionKey, agentId };
}

/** A message from a gateway client, normalised like any channel message. */
export function clientInbound(ctx: CallContext, text: string, messageId: string): InboundMessage {
  return {
    channel: 'webchat',
    accountId: 'default',
    messageId,
    senderId: ctx.deviceId ?? ctx.clientId,
    peer: { kind: 'direct', id: ctx.deviceId ?? ctx.clientId },
    text,
    timestampMs: Date.now(),
  };
}

/** A page of a session transcript (`chat.history`, and the first page `chat.startup` opens a chat with). */
export async function readChatHistory(deps: Pick<ChatHandlerDeps, 'store' | 'config'>, params: MethodParams<'chat.history'>): Promise<MethodResult<'chat.history'>> {
  const { sessionKey } = resolveClientSessionKey(deps.config(), params.sessionKey, params.agentId);
  const session = await deps.store.sessions.get(sessionKey);
  const receipts = params.inputRunIds ? await readInputReceipts(deps.store, sessionKey, params.inputRunIds) : undefined;
  if (!session) return { sessionKey, sessionId: null, messages: [], ...receipts };
  const limit = params.limit ?? 50;
  let beforeSeq: number | undefined;
  if (params.cursor !== undefined) {
    beforeSeq = Number(params.cursor);
    if (!Number.isInteger(beforeSeq) || beforeSeq < 1) throw new InvalidRequestError('invalid cursor: pass the nextCursor of the previous page');
  }
  // An archived transcript is readable only through the session it belonged to.
  let transcriptId = session.sessionId;
  if (params.sessionId && params.sessionId !== session.sessionId) {
    if (!(await deps.store.sessions.archives(sessionKey)).some((a) => a.sessionId === params.sessionId)) {
      throw new InvalidRequestError(`session "${sessionKey}" has no earlier transcript ${params.sessionId}`, { code: 'SESSION_NOT_FOUND' });
    }
    transcriptId = params.sessionId;
  }
  const page = await deps.store.transcript.page(transcriptId, { beforeSeq, limit });
  let messages = page.reverse().map((e) => toChatMessage(e, e.seq));
  if (params.maxBytes !== undefined) messages = newestWithinBytes(messages, params.maxBytes);
  const oldest = messages[0]?.seq;
  const hasMore = (page.length === limit || messages.length < page.length) && oldest !== undefined && oldest > 1;
  return { sessionKey, sessionId: transcriptId, messages, ...(hasMore ? { nextCursor: String(oldest), hasMore } : {}), ...receipts };
}

/** The newest messages whose JSON fits in `maxBytes` (at least the newest one, so a page is never empty for size alone). */
function newestWithinBytes<T>(messages: T[], maxBytes: number): T[] {
  let used = 0;
  let i = messages.length;
  while (i > 0) {
    const size = Buffer.byteLength(JSON.stringify(messages[i - 1]));
    if (used + size > maxBytes && i < messages.length) break;
    used += size;
    i--;
  }
  return messages.slice(i);
}

/** For each run id sent into this session: still queued, or the transcript entry that took it in. Unknown runs are left out. */
async function readInputReceipts(store: Store, sessionKey: string, runIds: readonly string[]) {
  const inputReceipts: ({ runId: string; state: 'pending' } | { runId: string; state: 'consumed'; consumedByEventId: string })[] = [];
  for (const runId of runIds) {
    const item = await store.queue.byRunId(runId);
    if (!item || item.sessionKey !== sessionKey) continue;
    const entry = await store.transcript.byQueueId(item.id);
    if (entry) inputReceipts.push({ runId, state: 'consumed', consumedByEventId: String(entry.seq) });
    else if (item.status === 'pending' || item.status === 'running') inputReceipts.push({ runId, state: 'pending' });
  }
  const inputConsumptions = inputReceipts.flatMap((r) => (r.state === 'consumed' ? [{ runId: r.runId, consumedByEventId: r.consumedByEventId }] : []));
  return { inputReceipts, inputConsumptions };
}

export function chatHandlers(deps: ChatHandlerDeps): Handlers {
  return {
    'chat.send': async (params, ctx) => {
      const { sessionKey, agentId } = resolveClientSessionKey(deps.config(), params.sessionKey);
      const attachments = storeChatAttachments(params.attachments, deps.media);
      const payload: QueuedInbound = {
        inbound: { ...clientInbound(ctx, params.message, params.idempotencyKey), ...(attachments.length ? { attachments } : {}) },
        origin: 'chat',
        ...(params.queueMode ? { queueMode: params.queueMode as QueueMode } : {}),
        ...(params.timeoutMs ? { timeoutMs: params.timeoutMs } : {}),
      };
      const r = await deps.queue.ingest({ dedupeKey: `rpc:${params.idempotencyKey}`, sessionKey, agentId, runId: params.idempotencyKey, payload: payload });
      if (r.duplicate) {
        const done = deps.runs.get(r.runId);
        return { runId: r.runId, status: done ? done.status : 'in_flight' };
      }
      return { runId: r.runId, status: 'started', ...(r.queued ? { queued: true } : {}) };
    },

    'chat.history': (params) => readChatHistory(deps, params),

    'chat.media': (params) => {
      const bytes = deps.media.read(params.mediaId);
      const mimeType = bytes && sniffImageType(bytes);
      if (!bytes || !mimeType) throw new InvalidRequestError(`no stored image "${params.mediaId.slice(0, 12)}…"`, { code: 'MEDIA_NOT_FOUND' });
      return { mediaId: params.mediaId, mimeType, sizeBytes: bytes.length, content: bytes.toString('base64') };
    },

    'chat.abort': (params) => {
      const { sessionKey } = resolveClientSessionKey(deps.config(), params.sessionKey);
      const aborted = deps.queue.abort(sessionKey, params.runId);
      return { ok: true, aborted };
    },
  };
}
