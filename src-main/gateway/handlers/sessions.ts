import { parseSessionKey } from '../../../src-shared/domain/session-key.js';
import { textOf } from '../../sessions/transcript-messages.js';
import type { SessionRecord } from '../../store/types.js';
import type { Handlers } from '../dispatcher.js';
import { InvalidRequestError } from '../errors.js';
import { resolveClientSessionKey, type ChatHandlerDeps } from './chat.js';
import { randomUUID } from 'node:crypto';

export interface SessionHandlerDeps extends ChatHandlerDeps {
  emit(event: string, payload: unknown): void;
  /** Summarise older turns now (serialised with the session's turns by the caller). */
  compact(sessionKey: string): Promise<{ compacted: boolean; coveredEntries: number; reason?: string }>;
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

/** `sessions.*`: list, preview, patch, reset, delete, archives, compact. */
export function sessionHandlers(deps: SessionHandlerDeps): Handlers {
  const mustGet = async (raw: string) => {
    const { sessionKey } = resolveClientSessionKey(deps.config(), raw);
    const s = await deps.store.sessions.get(sessionKey);
    if (!s) throw new InvalidRequestError(`unknown session "${sessionKey}"`, { code: 'SESSION_NOT_FOUND' });
    return s;
  };
  return {
    'sessions.list': async (params) => {
      const { sessions, total } = await deps.store.sessions.list({ agentId: params.agentId, search: params.search, limit: params.limit ?? 100, offset: params.offset });
      let rows = sessions.map((s) => row(s, deps.queue.isRunning(s.sessionKey)));
      if (params.kinds?.length) rows = rows.filter((r) => params.kinds!.includes(r.kind));
      return { sessions: rows, count: rows.length, total };
    },
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
    'sessions.delete': async (params) => {
      const { sessionKey } = resolveClientSessionKey(deps.config(), params.key);
      const s = await deps.store.sessions.get(sessionKey);
      if (!s) return { ok: true, key: sessionKey, deleted: false };
      deps.queue.abort(sessionKey);
      // Earlier transcripts set aside by resets go with the session.
      await deps.store.transaction(async (tx) => {
        for (const id of [s.sessionId, ...(await tx.sessions.dropArchives({ sessionKey }))]) await tx.transcript.deleteSession(id);
        await tx.sessions.delete(sessionKey);
      });
      deps.emit('sessions.changed', { sessionKey, reason: 'delete' });
      return { ok: true, key: sessionKey, deleted: true };
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
