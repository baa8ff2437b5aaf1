import type { ExecApprovals } from '../agents/exec-approvals.js';
import { randomUUID } from 'node:crypto';
import type { InboundMessage, OutboundReply } from '../../src-shared/domain/inbound.js';
import type { ResolvedConfig } from '../config/resolve.js';
import type { Logger } from '../logging/index.js';
import { buildSystemPrompt, ensureWorkspace, resolveAgentSettings, resolveModelChoice, sanitizeInboundText, type AgentSettings } from '../agents/agent-config.js';
import type { ModelRouter } from '../agents/model-router.js';
import { NO_MODEL_MESSAGE, usableModelRefs } from '../agents/model-setup.js';
import type { ModelMessage, ToolSpec } from '../agents/providers/types.js';
import type { RunTracker } from '../agents/run-tracker.js';
import { estimateTokens } from '../agents/context-budget.js';
import { hasImages, imagesRefusal, modelAcceptsImages, userContent, withImageData, type ImageSource } from '../agents/image-input.js';
import { runTurn, type TurnOutput } from '../agents/runtime.js';
import type { AgentTool, SandboxRuntime, ToolContext, ToolResult, ToolServices } from '../agents/tools/types.js';
import type { ActiveRun, QueueMode, QueueProcessor } from '../queue/inbound-queue.js';
import { HistoryCache } from '../sessions/history-cache.js';
import { isResetCommand, shouldAutoReset } from '../sessions/reset-policy.js';
import { applySummaries, compactionSettings, entriesToCompact, needsCompaction, summaryEntry, summaryMessages, summaryRequest } from '../sessions/compaction.js';
import { entriesToMessages, messagesToEntries } from '../sessions/transcript-messages.js';
import { toChatMessage } from '../../src-shared/protocol/chat-message.js';
import { isHeartbeatAck } from '../../src-shared/domain/heartbeat.js';
import type { NewTranscriptEntry, QueueItem as StoredItem, SessionRecord, Store, StoreTx } from '../store/types.js';
import { compose, type Middleware } from './middleware.js';

/** What a queue item carries: the normalised message and how to treat its reply. */
export interface QueuedInbound {
  inbound: InboundMessage;
  /** `channel`: from a chat platform (reply is delivered there); `chat`/`agent`: from a gateway client. */
  origin: 'channel' | 'chat' | 'agent';
  queueMode?: QueueMode;
  deliver?: boolean;
  timeoutMs?: number;
  /** Where the reply goes when the message came from elsewhere (a scheduled job's target); checked when queued. */
  deliverTo?: ReplyTarget;
  /** A heartbeat poll: a reply that only acknowledges (HEARTBEAT_OK, see `isHeartbeatAck`) is recorded but not delivered. */
  heartbeat?: { ackMaxChars: number };
}

/** A chat to deliver a reply to, resolved by the channels (account, peer). */
export type ReplyTarget = Pick<OutboundReply, 'channel' | 'accountId' | 'to' | 'threadId' | 'topicId'>;

/** A queued message as the pipeline stores it. */
export type QueueItem = StoredItem<QueuedInbound>;

/** The tools an agent may use in a session, and how to run them. */
export interface ToolProvider {
  forSession(agent: AgentSettings, sessionKey: string): { tools: AgentTool[]; specs: ToolSpec[]; sandbox?: SandboxRuntime };
  run(tool: AgentTool, input: unknown, ctx: ToolContext): Promise<ToolResult>;
  execSettings(cfg: ResolvedConfig): Pick<ToolContext, 'execAllow' | 'execTimeoutMs' | 'webAllowPrivate' | 'webMaxBytes'>;
}

export interface PipelineDeps {
  store: Store;
  /** Where programs outside the exec allow-list ask the owner (`tools.exec.ask: on-miss`). */
  execApprovals?: ExecApprovals;
  config(): ResolvedConfig;
  stateDir: string;
  /** Stored images attached to messages (the transcript holds references); without it images are not sent. */
  media?: ImageSource;
  models: ModelRouter;
  tools: ToolProvider;
  services: ToolServices;
  runs: RunTracker;
  emit(event: string, payload: unknown): void;
  log: Logger;
  /** Access policy for chat-channel messages (allowlists, DM pairing, mention gating). Default: allow. */
  accessGate?(msg: InboundMessage, item: QueueItem): Promise<'allow' | 'drop'> | 'allow' | 'drop';
  /**
   * Queue a reply to a chat platform. Called inside the transaction that
   * records the turn (`tx`), so the reply is stored exactly when the turn is;
   * `flushReplies` follows once that transaction has committed.
   */
  enqueueReply?(tx: StoreTx, reply: OutboundReply, sessionKey: string): Promise<void>;
  flushReplies?(): void;
  /** A turn for a chat message is starting (the platform shows "typing…"); best effort. */
  onTurnStart?(msg: InboundMessage): void;
  /**
   * Asked before every agent turn: a reason refuses the turn with that error (a failed critical plugin: the
   * assistant does not run without it), and context strings go before the user's message (plugin hooks).
   */
  beforeTurn?(e: { agentId: string; sessionKey: string; text: string }): Promise<{ refuse?: string; context?: string[] }>;
  /** Told after a turn's reply is recorded and on its way (plugin `after_reply` hooks); never waited for. */
  afterReply?(e: { agentId: string; sessionKey: string; text: string; channel?: string }): void;
}

interface Ctx {
  batch: QueueItem[];
  run: ActiveRun<QueuedInbound>;
  first: QueuedInbound;
  sessionKey: string;
  agentId: string;
  agent?: AgentSettings;
  /** The models this turn may try, in order (providers that cannot be called are left out). */
  models?: string[];
  session?: SessionRecord;
  /** Seq of the first user entry of this batch; history is what came before. */
  firstUserSeq?: number;
  turn?: TurnOutput;
  seq: number;
}

/** The exec tool's question to the owner, for one turn of one session. */
function askOwner(approvals: ExecApprovals, who: { agentId: string; sessionKey: string }, timeoutMs: number, signal: AbortSignal) {
  return (req: { argv: string[]; cwd: string }) => approvals.ask({ ...req, ...who }, timeoutMs, signal);
}

/** Build the queue processor: access gate → command gate → model gate → session → agent turn → record and deliver. */
export function createInboundProcessor(deps: PipelineDeps): QueueProcessor<QueuedInbound> & { compact(sessionKey: string): Promise<{ compacted: boolean; coveredEntries: number; reason?: string }> } {
  const history = new HistoryCache(deps.store);
  const chatEvent = (ctx: Ctx, state: string, extra: Record<string, unknown>) =>
    deps.emit('chat', { runId: ctx.run.runId, sessionKey: ctx.sessionKey, agentId: ctx.agentId, seq: ctx.seq++, state, ...extra });
  /** Transcript entries written by a committed transaction, told to clients watching the session (`sessions.messages.subscribe`); the turn is still running (its `chat` final follows). */
  const announce = (ctx: Ctx, sessionId: string, written: { entry: NewTranscriptEntry; seq: number }[]) => {
    for (const { entry, seq } of written) {
      const message = toChatMessage(entry, seq);
      deps.emit('session.message', { sessionKey: ctx.sessionKey, agentId: ctx.agentId, sessionId, messageSeq: seq, messageId: String(seq), message, ...(entry.runId ? { runId: entry.runId } : {}), hasActiveRun: true });
    }
  };
  let agentSeq = 0;
  const agentEvent = (ctx: Ctx, stream: string, data: Record<string, unknown>) =>
    deps.emit('agent', { runId: ctx.run.runId, seq: agentSeq++, stream, ts: Date.now(), sessionKey: ctx.sessionKey, data });

  const finishAll = async (via: StoreTx | Store, ctx: Ctx, status: 'done' | 'dropped' | 'failed', error?: string) => {
    const now = Date.now();
    for (const item of ctx.batch) await via.queue.finish(item.id, status, now, error);
  };

  const accessGate: Middleware<Ctx> = async (ctx, next) => {
    // Only chat platforms are gated (gateway clients were authenticated at connect); every item of a
    // batch is checked, since a group session collects messages from several senders.
    if (ctx.first.origin !== 'channel' || !deps.accessGate) return next();
    const denied: QueueItem[] = [];
    for (const item of ctx.batch) if ((await deps.accessGate(item.payload.inbound, item)) === 'drop') denied.push(item);
    if (!denied.length) return next();
    const now = Date.now();
    for (const item of denied) await deps.store.queue.finish(item.id, 'dropped', now, 'access policy');
    deps.runs.finish(denied.map((i) => i.runId), { status: 'dropped', text: '', sessionKey: ctx.sessionKey });
    ctx.batch = ctx.batch.filter((i) => !denied.includes(i));
    if (!ctx.batch.length) return;
    ctx.first = ctx.batch[0]!.payload;
    await next();
  };

  const commandGate: Middleware<Ctx> = async (ctx, next) => {
    if (ctx.batch.length === 1 && isResetCommand(ctx.first.inbound.text)) {
      const now = Date.now();
      const text = 'Started a new session.';
      const replied = await deps.store.transaction(async (tx) => {
        await tx.sessions.ensure(ctx.sessionKey, ctx.agentId, now, randomUUID);
        await tx.sessions.reset(ctx.sessionKey, randomUUID(), now);
        await finishAll(tx, ctx, 'done');
        return enqueueReply(tx, ctx, text);
      });
      if (replied) deps.flushReplies?.();
      deps.emit('sessions.changed', { sessionKey: ctx.sessionKey, reason: 'reset' });
      chatEvent(ctx, 'final', { message: { role: 'assistant', content: [{ type: 'text', text }], timestamp: now }, stopReason: 'command' });
      deps.runs.finish([ctx.run.runId], { status: 'ok', text, sessionKey: ctx.sessionKey });
      return;
    }
    await next();
  };

  /** The models a session's turn may try: its override first, then the agent's, without providers that cannot be called. */
  const modelsFor = (cfg: ResolvedConfig, agent: AgentSettings, session: SessionRecord | undefined) =>
    usableModelRefs(cfg, session?.modelOverride ? [session.modelOverride, ...agent.modelRefs] : agent.modelRefs).usable;

  // Without a model there is no turn: the sender is told how to add one, and nothing enters the transcript.
  const modelGate: Middleware<Ctx> = async (ctx, next) => {
    const cfg = deps.config();
    const agent = resolveAgentSettings(cfg, ctx.agentId, deps.stateDir) ?? resolveAgentSettings(cfg, cfg.defaultAgentId, deps.stateDir)!;
    ctx.agent = agent;
    ctx.models = modelsFor(cfg, agent, await deps.store.sessions.get(ctx.sessionKey));
    // A message with images needs a first model that takes them (never a silent switch from the one chosen);
    // fallbacks that take none are left out. Otherwise it is refused before the transcript.
    const withImages = ctx.batch.some((i) => hasImages(i.payload.inbound));
    const usable = withImages ? ctx.models.filter((ref) => modelAcceptsImages(cfg, ref)) : ctx.models;
    if (withImages && ctx.models.length && usable[0] !== ctx.models[0]) {
      const message = imagesRefusal(ctx.models);
      deps.log.warn('turn refused: no model of the turn takes images', { agentId: agent.agentId, sessionKey: ctx.sessionKey, models: ctx.models });
      await finishAll(deps.store, ctx, 'failed', message);
      chatEvent(ctx, 'error', { errorKind: 'images_not_supported', errorMessage: message });
      deps.runs.finish(
        ctx.batch.map((i) => i.runId),
        { status: 'error', text: '', sessionKey: ctx.sessionKey, error: message },
      );
      return;
    }
    ctx.models = usable;
    if (ctx.models.length) return next();
    deps.log.warn('turn refused: no usable model', { agentId: agent.agentId, sessionKey: ctx.sessionKey, configured: agent.modelRefs });
    await finishAll(deps.store, ctx, 'failed', NO_MODEL_MESSAGE);
    chatEvent(ctx, 'error', { errorKind: 'no_model', errorMessage: NO_MODEL_MESSAGE });
    deps.runs.finish(
      ctx.batch.map((i) => i.runId),
      { status: 'error', text: '', sessionKey: ctx.sessionKey, error: NO_MODEL_MESSAGE },
    );
  };

  const sessionStep: Middleware<Ctx> = async (ctx, next) => {
    const cfg = deps.config();
    const agent = ctx.agent!;
    ensureWorkspace(agent.workspace);
    const now = Date.now();
    const inbound = ctx.first.inbound;
    const written: { entry: NewTranscriptEntry; seq: number }[] = [];
    await deps.store.transaction(async (tx) => {
      let session = await tx.sessions.ensure(ctx.sessionKey, agent.agentId, now, randomUUID);
      if (session.messageCount > 0 && shouldAutoReset(cfg.session?.reset, session.updatedAtMs, now)) {
        session = (await tx.sessions.reset(ctx.sessionKey, randomUUID(), now))!;
      }
      if (ctx.first.origin === 'channel') {
        await tx.sessions.patch(ctx.sessionKey, {
          route: { channel: inbound.channel, accountId: inbound.accountId, peer: inbound.peer, threadId: inbound.threadId, topicId: inbound.topicId },
        });
      }
      // The user's words are recorded when the turn starts, once per queue item, even if a crash makes the turn run again.
      for (const item of ctx.batch) {
        await tx.queue.markRunning(item.id, now);
        // A heartbeat poll is recorded with its reply, and only when that reply is more than an acknowledgement.
        if (item.payload.heartbeat) continue;
        const existing = await tx.transcript.byQueueId(item.id);
        if (existing) {
          ctx.firstUserSeq ??= existing.seq;
          continue;
        }
        const itemInbound = item.payload.inbound;
        const entry: NewTranscriptEntry = { role: 'user', content: userContent(itemInbound.text, itemInbound), runId: item.runId, queueId: item.id, createdAtMs: now };
        const [seq] = await history.append(session.sessionId, [entry], tx);
        written.push({ entry, seq: seq! });
        ctx.firstUserSeq ??= seq;
      }
      ctx.session = session;
    });
    announce(ctx, ctx.session!.sessionId, written);
    await next();
  };

  const agentTurn: Middleware<Ctx> = async (ctx, next) => {
    const cfg = deps.config();
    const agent = ctx.agent!;
    const session = ctx.session!;
    // A summary of older turns stands in for them (see sessions/compaction.ts).
    const { summary, entries: historyEntries } = applySummaries(await history.before(session.sessionId, ctx.firstUserSeq));
    const incoming: ModelMessage[] = ctx.batch.map((item) => {
      const m = item.payload.inbound;
      return { role: 'user', content: userContent(sanitizeInboundText(m.text), m) };
    });
    const models = ctx.models!.map((ref) => resolveModelChoice(cfg, ref));
    const gate = deps.beforeTurn ? await deps.beforeTurn({ agentId: agent.agentId, sessionKey: ctx.sessionKey, text: ctx.first.inbound.text }) : {};
    if (gate.refuse) {
      ctx.turn = { status: 'error', added: [], replyText: '', usage: { inputTokens: 0, outputTokens: 0, costUsd: 0 }, stopReason: 'error', steps: 0, error: { kind: 'refused', message: gate.refuse } };
      return next();
    }
    if (gate.context?.length) incoming.unshift({ role: 'user', content: [{ type: 'text', text: gate.context.join('\n\n') }] });
    const { tools, specs, sandbox } = deps.tools.forSession(agent, ctx.sessionKey);
    agentEvent(ctx, 'lifecycle', { phase: 'start', agentId: agent.agentId });
    if (ctx.first.origin === 'channel') deps.onTurnStart?.(ctx.first.inbound);
    ctx.turn = await runTurn({
      runId: ctx.run.runId,
      system: buildSystemPrompt(agent, Date.now()),
      history: [...summaryMessages(summary), ...entriesToMessages(historyEntries)],
      incoming,
      models,
      // Image bytes are read for the call only; a model list that cannot take them gets a note instead.
      stream: (req, choices) => deps.models.stream({ ...req, messages: withImageData(req.messages, deps.media, choices.every((m) => modelAcceptsImages(cfg, m.ref))) }, choices),
      tools,
      toolSpecs: specs,
      runTool: (tool, input, tctx) => deps.tools.run(tool, input, tctx),
      toolCtx: {
        agentId: agent.agentId,
        sessionKey: ctx.sessionKey,
        workspace: sandbox?.hostWorkspace ?? agent.workspace,
        services: deps.services,
        ...deps.tools.execSettings(cfg),
        ...(deps.execApprovals && cfg.tools?.exec?.ask === 'on-miss'
          ? { askExec: askOwner(deps.execApprovals, { agentId: agent.agentId, sessionKey: ctx.sessionKey }, (cfg.tools.exec.approvalTimeoutSeconds ?? 120) * 1000, ctx.run.signal) }
          : {}),
        ...(sandbox ? { sandbox } : {}),
      },
      maxSteps: agent.maxSteps,
      timeoutMs: ctx.first.timeoutMs ?? agent.timeoutMs,
      signal: ctx.run.signal,
      takeSteer: async () => {
        const steered = ctx.run.takeSteer();
        if (!steered.length) return [];
        const now = Date.now();
        const written: { entry: NewTranscriptEntry; seq: number }[] = [];
        await deps.store.transaction(async (tx) => {
          for (const item of steered) {
            await tx.queue.markRunning(item.id, now);
            const entry: NewTranscriptEntry = { role: 'user', content: userContent(item.payload.inbound.text, item.payload.inbound), runId: item.runId, queueId: item.id, createdAtMs: now };
            const [seq] = await history.append(session.sessionId, [entry], tx);
            written.push({ entry, seq: seq! });
          }
        });
        announce(ctx, session.sessionId, written);
        return steered.map((item) => {
          const m = item.payload.inbound;
          return { role: 'user' as const, content: userContent(sanitizeInboundText(m.text), m) };
        });
      },
      onTextDelta: (delta, cumulative) => {
        // A heartbeat poll is not streamed: whether its reply is more than an acknowledgement is known only at the end.
        if (onlyHeartbeats(ctx)) return;
        chatEvent(ctx, 'delta', { deltaText: delta, message: { role: 'assistant', content: [{ type: 'text', text: cumulative }], timestamp: Date.now() } });
        agentEvent(ctx, 'assistant', { delta });
      },
      onToolStart: (call) => agentEvent(ctx, 'tool', { phase: 'start', id: call.id, name: call.name, input: call.input }),
      onToolEnd: (call) => agentEvent(ctx, 'tool', { phase: 'end', id: call.id, name: call.name, isError: Boolean(call.result.isError), durationMs: Math.round(call.durationMs) }),
    });
    await next();
  };

  const recordAndDeliver: Middleware<Ctx> = async (ctx) => {
    const turn = ctx.turn!;
    const session = ctx.session!;
    const now = Date.now();
    // Steered messages were recorded as they arrived; the rest of what the turn added is written with the outcome, atomically.
    const toStore = turn.added.filter((m) => !(m.role === 'user' && m.content.some((b) => b.type === 'text')));
    const entries = messagesToEntries(toStore, ctx.run.runId, now);
    // Heartbeat polls answered only with HEARTBEAT_OK leave no trace in the transcript (as in the reference); other polls are recorded with their reply.
    const beats = ctx.batch.filter((i) => i.payload.heartbeat);
    const quietBeat = onlyHeartbeats(ctx) && turn.status === 'ok' && isHeartbeatAck(turn.replyText, ctx.first.heartbeat!.ackMaxChars);
    if (quietBeat) entries.length = 0;
    else entries.unshift(...beats.map((i): NewTranscriptEntry => ({ role: 'user', content: userContent(i.payload.inbound.text, i.payload.inbound), runId: i.runId, queueId: i.id, createdAtMs: now })));
    const last = entries.filter((e) => e.role === 'assistant').at(-1);
    if (last) last.usage = { inputTokens: turn.usage.inputTokens, outputTokens: turn.usage.outputTokens, costUsd: turn.usage.costUsd, model: turn.modelRef };
    if (turn.status === 'error' && !entries.length) {
      entries.push({ role: 'assistant', content: [{ type: 'text', text: `⚠️ ${turn.error?.message ?? 'the model call failed'}` }], runId: ctx.run.runId, createdAtMs: now });
    }
    let seqs: number[] = [];
    const replied = await deps.store.transaction(async (tx) => {
      seqs = await history.append(session.sessionId, entries, tx);
      await tx.sessions.addUsage(ctx.sessionKey, {
        messages: ctx.batch.length - beats.length + entries.length,
        inputTokens: turn.usage.inputTokens,
        outputTokens: turn.usage.outputTokens,
        costUsd: turn.usage.costUsd,
        nowMs: now,
        ...(quietBeat ? {} : { preview: (turn.replyText || ctx.first.inbound.text).slice(0, 200) }),
      });
      await finishAll(tx, ctx, turn.status === 'error' ? 'failed' : 'done', turn.error?.message);
      return turn.status === 'ok' && turn.replyText ? enqueueReply(tx, ctx, turn.replyText) : false;
    });
    announce(ctx, session.sessionId, entries.map((entry, i) => ({ entry, seq: seqs[i]! })));
    if (replied) deps.flushReplies?.();
    // The reply as recorded: its identity lets a client put the streamed copy and the transcript's in one place.
    const lastSeq = last ? seqs[entries.indexOf(last)] : undefined;
    const reply = { role: 'assistant', content: [{ type: 'text', text: turn.replyText }], createdAtMs: now, runId: ctx.run.runId };
    const message = lastSeq !== undefined ? toChatMessage(reply, lastSeq) : { role: reply.role, content: reply.content, timestamp: now };
    // A quiet heartbeat leaves nothing for a watching client to show, as it leaves nothing in the transcript.
    if (turn.status === 'ok' && !quietBeat) chatEvent(ctx, 'final', { message, usage: turn.usage, stopReason: turn.stopReason });
    else if (turn.status === 'aborted') chatEvent(ctx, 'aborted', { message });
    else chatEvent(ctx, 'error', { errorKind: turn.error?.kind === 'rate_limit' || turn.error?.kind === 'timeout' || turn.error?.kind === 'context_length' ? turn.error.kind : turn.status === 'timeout' ? 'timeout' : 'unknown', errorMessage: turn.error?.message ?? 'failed' });
    agentEvent(ctx, 'lifecycle', { phase: 'end', status: turn.status, steps: turn.steps, usage: turn.usage });
    if (turn.status === 'ok' && turn.replyText) deps.afterReply?.({ agentId: ctx.agentId, sessionKey: ctx.sessionKey, text: turn.replyText, ...(ctx.first.origin === 'channel' ? { channel: ctx.first.inbound.channel } : {}) });
    deps.runs.finish(
      ctx.batch.map((i) => i.runId),
      { status: turn.status, text: turn.replyText, sessionKey: ctx.sessionKey, error: turn.error?.message, usage: turn.usage },
    );
    // After the reply is recorded, announced and queued for delivery: compaction delays only this session's next turn.
    // The turn's own estimate says cheaply whether it is worth looking.
    if (turn.status === 'ok' && turn.context && nearWindow(turn, ctx)) await compactIfNeeded(ctx.sessionKey, false);
  };

  const onlyHeartbeats = (ctx: Ctx): boolean => ctx.batch.every((i) => i.payload.heartbeat);

  /** Replies go back where the message came from (chat platforms; gateway clients get events), or to the target it names. */
  const enqueueReply = async (tx: StoreTx, ctx: Ctx, text: string): Promise<boolean> => {
    const q = ctx.first;
    if (q.heartbeat && isHeartbeatAck(text, q.heartbeat.ackMaxChars)) return false;
    if (q.deliverTo && deps.enqueueReply) {
      await deps.enqueueReply(tx, { ...q.deliverTo, text }, ctx.sessionKey);
      return true;
    }
    if (q.origin !== 'channel' || q.deliver === false || !deps.enqueueReply) return false;
    const m = q.inbound;
    await deps.enqueueReply(tx, { channel: m.channel, accountId: m.accountId, to: m.peer, threadId: m.threadId, topicId: m.topicId, text, replyToMessageId: m.messageId }, ctx.sessionKey);
    return true;
  };

  const nearWindow = (turn: TurnOutput, ctx: Ctx): boolean => {
    if (turn.context!.droppedMessages > 0) return true;
    const cfg = deps.config();
    const settings = compactionSettings(cfg);
    if (settings.mode !== 'summarize') return false;
    const choice = resolveModelChoice(cfg, turn.modelRef ?? ctx.agent!.modelRefs[0] ?? '');
    const after = turn.context!.estimatedInputTokens + estimateTokens(turn.replyText);
    return after > (choice.contextWindow - choice.maxTokens) * settings.thresholdRatio;
  };

  /**
   * Summarise older turns once the history fills most of the window (or at
   * once with `force`). Returns what was covered; never throws.
   */
  const compactIfNeeded = async (sessionKey: string, force: boolean): Promise<{ compacted: boolean; coveredEntries: number; reason?: string }> => {
    const cfg = deps.config();
    const settings = compactionSettings(cfg);
    if (settings.mode !== 'summarize') return { compacted: false, coveredEntries: 0, reason: 'compaction mode is "trim"' };
    const session = await deps.store.sessions.get(sessionKey);
    if (!session) return { compacted: false, coveredEntries: 0, reason: 'no such session' };
    const agent = resolveAgentSettings(cfg, session.agentId, deps.stateDir) ?? resolveAgentSettings(cfg, cfg.defaultAgentId, deps.stateDir)!;
    const models = modelsFor(cfg, agent, session).map((ref) => resolveModelChoice(cfg, ref));
    const primary = models[0];
    if (!primary) return { compacted: false, coveredEntries: 0, reason: 'no model configured' };
    const all = await history.before(session.sessionId, undefined);
    if (!force) {
      const { summary, entries } = applySummaries(all);
      if (!needsCompaction([...summaryMessages(summary), ...entriesToMessages(entries)], buildSystemPrompt(agent, Date.now()), primary, settings)) {
        return { compacted: false, coveredEntries: 0, reason: 'below the threshold' };
      }
    }
    const { covered, previous } = entriesToCompact(all, settings.keepRecentTurns);
    if (!covered.length) return { compacted: false, coveredEntries: 0, reason: 'nothing older than the kept turns' };
    try {
      const req = summaryRequest(covered, previous, primary.contextWindow - primary.maxTokens);
      let text = '';
      let usage: TurnOutput['usage'] | undefined;
      for await (const ev of deps.models.stream({ ...req, tools: [] }, models)) {
        if (ev.type === 'text_delta') text += ev.text;
        else if (ev.type === 'done') usage = { inputTokens: ev.usage.inputTokens, outputTokens: ev.usage.outputTokens, costUsd: 0 };
      }
      if (!text.trim()) return { compacted: false, coveredEntries: 0, reason: 'the model returned an empty summary' };
      const now = Date.now();
      await deps.store.transaction(async (tx) => {
        await history.append(session.sessionId, [summaryEntry(text.trim(), covered.at(-1)!.seq, now, usage ? { ...usage, model: primary.ref } : undefined)], tx);
        if (usage) await tx.sessions.addUsage(sessionKey, { messages: 1, inputTokens: usage.inputTokens, outputTokens: usage.outputTokens, costUsd: 0, nowMs: now });
      });
      deps.log.info('session compacted', { sessionKey, coveredEntries: covered.length, summaryChars: text.length });
      deps.emit('sessions.changed', { sessionKey, reason: 'compacted' });
      return { compacted: true, coveredEntries: covered.length };
    } catch (err) {
      deps.log.warn('compaction failed; older turns will be trimmed instead', { sessionKey, err: (err as Error).message });
      return { compacted: false, coveredEntries: 0, reason: `the summary request failed: ${(err as Error).message}` };
    }
  };

  const chain = compose<Ctx>([accessGate, commandGate, modelGate, sessionStep, agentTurn, recordAndDeliver]);
  const processor = async (batch: QueueItem[], run: ActiveRun<QueuedInbound>) => {
    const first = batch[0]!.payload;
    await chain({ batch, run, first, sessionKey: batch[0]!.sessionKey, agentId: batch[0]!.agentId, seq: 0 });
  };
  return Object.assign(processor, { compact: (sessionKey: string) => compactIfNeeded(sessionKey, true) });
}
