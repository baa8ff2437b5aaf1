import { parseSessionKey } from '../../../src-shared/domain/session-key.js';
import { textOf } from '../../sessions/transcript-messages.js';
import { GLOBAL_SESSION_KEY } from '../../../src-shared/domain/session-key.js';
import { SESSIONS_LIST_MAX_LIMIT, type MethodParams, type MethodResult } from '../../../src-shared/protocol/index.js';
import type { SessionRecord, Store } from '../../store/types.js';
import type { Handlers } from '../dispatcher.js';
import { InvalidRequestError } from '../errors.js';
import { resolveClientSessionKey, type ChatHandlerDeps } from './chat.js';
import { sessionDefaults } from './session-defaults.js';
import { randomUUID } from 'node:crypto';
import { NO_MEMORY_NOTE, type PersonMemories } from '../person-memories.js';

export interface SessionHandlerDeps extends ChatHandlerDeps {
  emit(event: string, payload: unknown): void;
  /** Summarise older turns now (serialised with the session's turns by the caller). */
  compact(sessionKey: string): Promise<{ compacted: boolean; coveredEntries: number; reason?: string }>;
  /** The memory plugin's view of a session's person; absent: no memory at all. */
  memories?: PersonMemories;
}

const TITLE_MAX_CHARS = 80;

function optional<K extends string>(key: K, value: string | undefined): { [P in K]?: string } {
  return (value ? { [key]: value } : {}) as { [P in K]?: string };
}

/** A title from the first user message of a transcript: one line, shortened on a word boundary. */
async function deriveTitle(store: Store, sessionId: string): Promise<string | undefined> {
  const head = await store.transcript.since(sessionId, 1, 8);
  const text = textOf(head.find((e) => e.role === 'user')?.content ?? []).replace(/\s+/g, ' ').trim();
  if (!text) return undefined;
  if (text.length <= TITLE_MAX_CHARS) return text;
  const cut = text.slice(0, TITLE_MAX_CHARS);
  const space = cut.lastIndexOf(' ');
  return `${(space > TITLE_MAX_CHARS / 2 ? cut.slice(0, space) : cut).trimEnd()}…`;
}

function row(s: SessionRecord, running: boolean) {
  const parsed = parseSessionKey(s.sessionKey);
  return {
    key: s.sessionKey,
    sessionId: s.sessionId,
    agentId: s.agentId,
    kind: s.sessionKey === 'global' ? 'global' : (parsed?.kind ?? 'other'),
    ...(s.route?.channel ?? parsed?.channel ? { channel: s.route?.channel ?? parsed?.channel } : {}),
    ...(s.label ? { label: s.label } : {}),
    ...(s.modelOverride ? { model: s.modelOverride } : {}),
    createdAt: s.createdAtMs,
    updatedAt: s.updatedAtMs,
    messageCount: s.messageCount,
    inputTokens: s.inputTokens,
    outputTokens: s.outputTokens,
    costUsd: s.costUsd,
    ...(s.lastPreview ? { preview: s.lastPreview } : {}),
    running,
  };
}

/** A session as `sessions.list` and `sessions.describe` show it, with the derived title and last message when asked for. */
export async function presentSession(store: Store, s: SessionRecord, running: boolean, opts: { includeDerivedTitles?: boolean; includeLastMessage?: boolean }) {
  return {
    ...row(s, running),
    ...(opts.includeDerivedTitles ? optional('derivedTitle', await deriveTitle(store, s.sessionId)) : {}),
    ...(opts.includeLastMessage ? optional('lastMessagePreview', s.lastPreview) : {}),
  };
}

/** `sessions.list`: a page of sessions, most recently active first, filtered as the parameters ask. */
/** What listing sessions reads: the store, the config, and which sessions are answering now. */
export type SessionListDeps = Pick<ChatHandlerDeps, 'store' | 'config'> & { queue: Pick<ChatHandlerDeps['queue'], 'isRunning'> };

export async function listSessions(deps: SessionListDeps, params: MethodParams<'sessions.list'>): Promise<MethodResult<'sessions.list'>> {
  const limit = Math.min(params.limit ?? 100, SESSIONS_LIST_MAX_LIMIT);
  const { sessions, total } = await deps.store.sessions.list({ agentId: params.agentId, search: params.search, limit, offset: params.offset });
  const configured = deps.config().agents.entries;
  const keep = (s: SessionRecord) =>
    !(params.includeGlobal === false && s.sessionKey === GLOBAL_SESSION_KEY) &&
    !(params.includeUnknown === false && s.sessionKey === 'unknown') &&
    !(params.configuredAgentsOnly && s.sessionKey !== GLOBAL_SESSION_KEY && !configured[s.agentId]) &&
    // No session here is started by another one, archived, or given a dashboard: those filters match none.
    params.spawnedBy === undefined &&
    params.archived !== true &&
    params.hasBoard !== true;
  const kept = sessions.filter(keep);
  let rows = await Promise.all(kept.map((s) => presentSession(deps.store, s, deps.queue.isRunning(s.sessionKey), params)));
  if (params.kinds?.length) rows = rows.filter((r) => params.kinds!.includes(r.kind));
  return { sessions: rows, count: rows.length, total: total - (sessions.length - kept.length), defaults: sessionDefaults(deps.config(), params.agentId && deps.config().agents.entries[params.agentId] ? params.agentId : undefined) };
}

/** `sessions.*`: list, preview, patch, reset, delete (optionally with the person's memories), memories, archives, compact. */
export function sessionHandlers(deps: SessionHandlerDeps): Handlers {
  const mustGet = async (raw: string) => {
    const { sessionKey } = resolveClientSessionKey(deps.config(), raw);
    const s = await deps.store.sessions.get(sessionKey);
    if (!s) throw new InvalidRequestError(`unknown session "${sessionKey}"`, { code: 'SESSION_NOT_FOUND' });
    return s;
  };
  return {
    'sessions.list': (params) => listSessions(deps, params),
    'sessions.preview': async (params) => ({
      previews: await Promise.all(
        params.keys.map(async (raw) => {
          const { sessionKey } = resolveClientSessionKey(deps.config(), raw);
          const s = await deps.store.sessions.get(sessionKey);
          const entries = s ? (await deps.store.transcript.page(s.sessionId, { limit: params.limit ?? 5 })).reverse() : [];
          return { key: sessionKey, messages: entries.filter((e) => e.role !== 'tool').map((e) => ({ role: e.role, text: textOf(e.content).slice(0, 500), timestamp: e.createdAtMs })) };
        }),
      ),
    }),
    'sessions.patch': async (params) => {
      const s = await mustGet(params.key);
      const fields: { label?: string; modelOverride?: string } = {};
      if (params.label !== undefined) fields.label = params.label ?? undefined;
      if (params.model !== undefined) {
        if (params.model && !params.model.includes('/')) throw new InvalidRequestError('model must be written provider/model');
        fields.modelOverride = params.model ?? undefined;
      }
      await deps.store.sessions.patch(s.sessionKey, fields);
      deps.emit('sessions.changed', { sessionKey: s.sessionKey, reason: 'patch' });
      return { ok: true, key: s.sessionKey };
    },
    'sessions.reset': async (params) => {
      const s = await mustGet(params.key);
      deps.queue.abort(s.sessionKey);
      const next = (await deps.store.sessions.reset(s.sessionKey, randomUUID(), Date.now()))!;
      deps.emit('sessions.changed', { sessionKey: s.sessionKey, reason: 'reset' });
      return { ok: true, key: s.sessionKey, sessionId: next.sessionId };
    },
    'sessions.memories': async (params) => {
      const { sessionKey, agentId } = resolveClientSessionKey(deps.config(), params.key);
      const s = await deps.store.sessions.get(sessionKey);
      const counted = deps.memories ? await deps.memories.count({ sessionKey, agentId: s?.agentId ?? agentId }) : { available: false, note: NO_MEMORY_NOTE };
      return { key: sessionKey, ...counted };
    },
    'sessions.delete': async (params) => {
      const { sessionKey, agentId } = resolveClientSessionKey(deps.config(), params.key);
      const s = await deps.store.sessions.get(sessionKey);
      // Memories first: when the plugin fails, the call fails and the session is still there to try again.
      const memories = params.forgetMemories
        ? { memories: deps.memories ? await deps.memories.forget({ sessionKey, agentId: s?.agentId ?? agentId }) : { removed: 0, note: NO_MEMORY_NOTE } }
        : {};
      if (!s) return { ok: true, key: sessionKey, deleted: false, ...memories };
      deps.queue.abort(sessionKey);
      // Earlier transcripts set aside by resets go with the session.
      await deps.store.transaction(async (tx) => {
        for (const id of [s.sessionId, ...(await tx.sessions.dropArchives({ sessionKey }))]) await tx.transcript.deleteSession(id);
        await tx.sessions.delete(sessionKey);
      });
      deps.emit('sessions.changed', { sessionKey, reason: 'delete' });
      return { ok: true, key: sessionKey, deleted: true, ...memories };
    },
    'sessions.archives': async (params) => {
      const { sessionKey } = resolveClientSessionKey(deps.config(), params.key);
      return {
        key: sessionKey,
        archives: (await deps.store.sessions.archives(sessionKey)).map((a) => ({
          sessionId: a.sessionId,
          startedAtMs: a.startedAtMs,
          endedAtMs: a.endedAtMs,
          messageCount: a.messageCount,
          ...(a.lastPreview ? { lastPreview: a.lastPreview } : {}),
        })),
      };
    },
    'sessions.compact': async (params) => {
      const s = await mustGet(params.key);
      if (deps.queue.isRunning(s.sessionKey)) throw new InvalidRequestError(`session "${s.sessionKey}" is answering a message; compact it when the turn has finished`, { code: 'SESSION_BUSY' });
      const r = await deps.compact(s.sessionKey);
      return { ok: true, key: s.sessionKey, ...r };
    },
  };
}
