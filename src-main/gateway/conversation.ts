import { ExecApprovals } from '../agents/exec-approvals.js';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { createDockerSandbox } from '../agents/sandbox/runner.js';
import { createModelRouter } from '../agents/model-router.js';
import { RunTracker } from '../agents/run-tracker.js';
import { createToolProvider } from '../agents/tool-provider.js';
import type { AgentTool, ToolServices } from '../agents/tools/types.js';
import type { ChannelsRuntime } from '../channels/runtime-types.js';
import type { NodesRuntime } from '../nodes/runtime-types.js';
import type { ChannelAccess } from '../routing/channel-access.js';
import { MediaStore } from '../sessions/media-store.js';
import { textOf } from '../sessions/transcript-messages.js';
import type { ResolvedConfig } from '../config/resolve.js';
import type { Logger } from '../logging/index.js';
import { InboundQueue } from '../queue/inbound-queue.js';
import { createInboundProcessor, type PipelineDeps, type QueuedInbound } from '../routing/inbound-pipeline.js';
import type { Store } from '../store/types.js';
import type { InboundMessage } from '../../src-shared/domain/inbound.js';
import { inboundDedupeKey, routeInbound } from '../routing/route-inbound.js';
import type { Handlers } from './dispatcher.js';
import { RpcError } from './errors.js';
import { agentHandlers } from './handlers/agent.js';
import { chatHandlers, resolveClientSessionKey } from './handlers/chat.js';
import { modelAndToolHandlers } from './handlers/models-tools.js';
import { sessionHandlers } from './handlers/sessions.js';
import { chatStartupHandlers } from './handlers/chat-startup.js';
import { agentDirectoryHandlers } from './handlers/agents.js';
import type { PersonMemories } from './person-memories.js';

export interface ConversationDeps {
  store: Store;
  config(): ResolvedConfig;
  stateDir: string;
  emit(event: string, payload: unknown): void;
  log: Logger;
  /** Tests and benchmarks may replace the built-in tool set. */
  tools?: AgentTool[];
  providerTimeoutMs?: number;
  /** The Docker CLI (tests point it at a stand-in). */
  dockerPath?: string;
  /** Paired nodes, for the agent's `nodes` tool, and the canvas host for its `canvas` tool. */
  nodes?: Pick<NodesRuntime, 'listNodes' | 'registry' | 'canvas'>;
  /** The inbound access and pairing gate (routing). */
  access?: Pick<ChannelAccess, 'gate'>;
  /** Chat channels: replies go out through their outbox; the agent's `message` tool sends through them. */
  channels?: Pick<ChannelsRuntime, 'enqueueReply' | 'flushReplies' | 'typing' | 'send'>;
  /** Tools added at run time (plugins). */
  extraTools?(): readonly AgentTool[];
  /** Asked before every tool call; a reason blocks it. */
  beforeToolCall?(e: { tool: string; params: unknown; agentId: string; sessionKey: string }): Promise<string | undefined>;
  /** Asked before every agent turn: a reason refuses it, context goes before the user's message. */
  beforeTurn?: PipelineDeps['beforeTurn'];
  afterReply?: PipelineDeps['afterReply'];
  /** What the memory plugin keeps of a session's person (`sessions.memories`, `sessions.delete` with `forgetMemories`). */
  memories?: PersonMemories;
}

/**
 * Everything between "a message arrived" and "the reply is recorded": the
 * durable queue, the pipeline, the agent runtime's models and tools, and the
 * RPC handlers over them.
 */
export function createConversation(deps: ConversationDeps) {
  const runs = new RunTracker();
  const models = createModelRouter(deps.config, { timeoutMs: deps.providerTimeoutMs, log: deps.log.child('models') });
  const sandbox = createDockerSandbox({ sandboxesRoot: join(deps.stateDir, 'sandboxes'), log: deps.log.child('sandbox'), dockerPath: deps.dockerPath });
  const tools = createToolProvider({ sandbox, tools: deps.tools, log: deps.log.child('tools'), stateDir: deps.stateDir, extraTools: deps.extraTools, beforeToolCall: deps.beforeToolCall });
  // The queue is created below (it needs the processor, which needs these services).
  const queueRef: { current?: InboundQueue<QueuedInbound> } = {};
  const services: ToolServices = {
    async listSessions({ agentId, limit }) {
      return (await deps.store.sessions.list({ agentId, limit: limit ?? 50 })).sessions.map((s) => ({ sessionKey: s.sessionKey, agentId: s.agentId, updatedAtMs: s.updatedAtMs, messageCount: s.messageCount, ...(s.label ? { title: s.label } : {}) }));
    },
    async sessionHistory({ sessionKey, limit }) {
      const s = await deps.store.sessions.get(sessionKey);
      if (!s) return [];
      return (await deps.store.transcript.page(s.sessionId, { limit: limit ?? 20 }))
        .reverse()
        .filter((e) => e.role !== 'tool')
        .map((e) => ({ role: e.role, text: textOf(e.content), timestampMs: e.createdAtMs }));
    },
    async sendToSession({ sessionKey, message }) {
      const target = resolveClientSessionKey(deps.config(), sessionKey);
      const runId = randomUUID();
      const payload: QueuedInbound = {
        inbound: { channel: 'internal', accountId: 'default', messageId: runId, senderId: 'agent', peer: { kind: 'direct', id: 'agent' }, text: message, timestampMs: Date.now() },
        origin: 'agent',
      };
      await queueRef.current!.ingest({ dedupeKey: `internal:${runId}`, sessionKey: target.sessionKey, agentId: target.agentId, runId, payload: payload });
      return { runId };
    },
    listNodes: async () => (await deps.nodes?.listNodes()) ?? [],
    ...(deps.nodes ? { canvas: deps.nodes.canvas } : {}),
    invokeNode: async (req) => {
      const n = deps.nodes;
      if (!n) return { ok: false, error: { code: 'UNAVAILABLE', message: 'nodes are not available' } };
      try {
        return await n.registry.invoke({ ...req, idempotencyKey: randomUUID() });
      } catch (err) {
        return { ok: false, error: { code: (err as { code?: string }).code ?? 'FAILED', message: (err as Error).message } };
      }
    },
    async sendMessage(o) {
      if (!deps.channels) throw new RpcError('UNAVAILABLE', 'no chat channels are configured yet, so there is nowhere to send a message');
      const r = await deps.channels.send({ channel: o.channel, accountId: o.accountId, to: o.to, message: o.text });
      return { ...(r.messageId ? { messageId: r.messageId } : {}) };
    },
  };
  const channels = deps.channels;
  const media = new MediaStore(join(deps.stateDir, 'media'));
  const execApprovals = new ExecApprovals(deps.emit);
  const processor = createInboundProcessor({
    store: deps.store,
    execApprovals,
    config: deps.config,
    stateDir: deps.stateDir,
    media,
    models,
    tools,
    services,
    runs,
    emit: deps.emit,
    log: deps.log.child('pipeline'),
    ...(deps.access ? { accessGate: (msg: InboundMessage) => deps.access!.gate(msg) } : {}),
    ...(channels
      ? {
          enqueueReply: (...args: Parameters<ChannelsRuntime['enqueueReply']>) => channels.enqueueReply(...args),
          flushReplies: () => channels.flushReplies(),
          onTurnStart: (m: InboundMessage) => void channels.typing(m.channel, m.accountId, m.peer, m.topicId ?? m.threadId),
        }
      : {}),
    beforeTurn: deps.beforeTurn,
    afterReply: deps.afterReply,
  });
  const queue = new InboundQueue<QueuedInbound>(deps.store, processor, deps.log.child('queue'));
  queueRef.current = queue;
  const chatDeps = { store: deps.store, queue, runs, config: deps.config, media };
  const handlers: Handlers = {
    ...chatHandlers(chatDeps),
    ...agentHandlers(chatDeps),
    ...sessionHandlers({ ...chatDeps, emit: deps.emit, compact: (key) => processor.compact(key), ...(deps.memories ? { memories: deps.memories } : {}) }),
    ...chatStartupHandlers(chatDeps),
    ...agentDirectoryHandlers({ config: deps.config, stateDir: deps.stateDir }),
    ...modelAndToolHandlers({ config: deps.config, stateDir: deps.stateDir, tools, services, store: deps.store }),
  };
  /**
   * The entry point for chat channels: route, then enqueue durably. Returns once
   * the message is on disk, so an adapter acknowledges the platform after this.
   */
  const ingestInbound = async (msg: InboundMessage, opts: { released?: boolean } = {}) => {
    const route = routeInbound(deps.config(), msg);
    const payload: QueuedInbound = { inbound: msg, origin: 'channel' };
    // A message let out of pairing hold is a new queue entry: its first entry was finished as dropped.
    const dedupeKey = inboundDedupeKey(msg) + (opts.released ? ':released' : '');
    return { ...(await queue.ingest({ dedupeKey, sessionKey: route.sessionKey, agentId: route.agentId, runId: randomUUID(), payload: payload })), ...route };
  };
  /** Drops transcripts set aside by resets once they are older than `session.archiveRetentionDays`. */
  const pruneArchives = async (nowMs = Date.now()): Promise<number> => {
    const days = deps.config().session?.archiveRetentionDays ?? 30;
    if (days <= 0) return 0;
    const ids = await deps.store.transaction(async (tx) => {
      const dropped = await tx.sessions.dropArchives({ endedBeforeMs: nowMs - days * 86_400_000 });
      for (const id of dropped) await tx.transcript.deleteSession(id);
      return dropped;
    });
    if (ids.length) deps.log.info('pruned archived transcripts', { count: ids.length, retentionDays: days });
    return ids.length;
  };
  /** Housekeeping while the gateway runs; returns the stop function. */
  const startMaintenance = () => {
    const prune = () => void pruneArchives().catch((err: unknown) => deps.log.warn('pruning archived transcripts failed', { err }));
    prune();
    const timer = setInterval(prune, 60 * 60_000);
    timer.unref();
    return () => clearInterval(timer);
  };
  return { queue, runs, tools, services, handlers, ingestInbound, sandbox, pruneArchives, startMaintenance, execApprovals };
}
