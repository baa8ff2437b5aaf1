import { setImmediate as nextTurnOfLoop } from 'node:timers/promises';
import type { MethodParams, MethodResult } from '../../../src-shared/protocol/index.js';
import type { ResolvedConfig } from '../../config/resolve.js';
import { resolveUsageClock, resolveUsageRange, usageCalendar, UsageRangeError } from '../../sessions/usage-calendar.js';
import { aggregateUsage, summarizeSession, UNKNOWN_CREATOR_KEY, usageLogLine, usageTimeseries } from '../../sessions/usage-summary.js';
import type { SessionRecord, Store, TranscriptEntry } from '../../store/types.js';
import type { Handlers } from '../dispatcher.js';
import { InvalidRequestError } from '../errors.js';
import { resolveClientSessionKey } from './chat.js';

type Params = MethodParams<'sessions.usage'>;
type Row = MethodResult<'sessions.usage'>['sessions'][number];

const DEFAULT_LIMIT = 50;
const LIST_PAGE = 500;
const TRANSCRIPT_PAGE = 1000;
/** The store answers synchronously: yield to the event loop every this many sessions so other clients are served meanwhile. */
const SESSIONS_PER_SLICE = 10;

export interface SessionUsageDeps {
  store: Pick<Store, 'sessions' | 'transcript'>;
  config(): ResolvedConfig;
  now?: () => number;
}

async function* transcriptEntries(store: SessionUsageDeps['store'], sessionId: string): AsyncGenerator<TranscriptEntry> {
  for (let from = 1; ; ) {
    const page = await store.transcript.since(sessionId, from, TRANSCRIPT_PAGE);
    yield* page;
    if (page.length < TRANSCRIPT_PAGE) return;
    from = page.at(-1)!.seq + 1;
  }
}

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

/** The sessions a request is about: one key, one agent's (default: the default agent) or every agent's. */
async function selectSessions(deps: SessionUsageDeps, cfg: ResolvedConfig, p: Params): Promise<SessionRecord[]> {
  if (p.key) {
    const { sessionKey } = resolveClientSessionKey(cfg, p.key, p.agentId);
    const s = await deps.store.sessions.get(sessionKey);
    return s ? [s] : [];
  }
  const agentId = p.agentScope === 'all' ? undefined : (p.agentId ?? cfg.defaultAgentId);
  if (agentId !== undefined && !cfg.agents.entries[agentId]) {
    throw new InvalidRequestError(`unknown agent "${agentId.slice(0, 64)}"; configured agents: ${Object.keys(cfg.agents.entries).join(', ')}`, { code: 'UNKNOWN_AGENT' });
  }
  const out: SessionRecord[] = [];
  for (let offset = 0; ; offset += LIST_PAGE) {
    const { sessions } = await deps.store.sessions.list({ ...(agentId ? { agentId } : {}), limit: LIST_PAGE, offset });
    out.push(...sessions);
    if (sessions.length < LIST_PAGE) break;
  }
  return out.sort((a, b) => b.updatedAtMs - a.updatedAtMs);
}

/** `sessions.usage`: per-session and total usage over a date range, read from the transcripts. */
export async function readSessionsUsage(deps: SessionUsageDeps, p: Params): Promise<MethodResult<'sessions.usage'>> {
  if (p.agentScope === 'all' && (p.agentId || p.key)) throw new InvalidRequestError('agentScope=all cannot be combined with key or agentId');
  const nowMs = deps.now?.() ?? Date.now();
  let range;
  let cal;
  try {
    cal = usageCalendar(resolveUsageClock(p));
    range = resolveUsageRange(p, cal, nowMs);
  } catch (e) {
    if (e instanceof UsageRangeError) throw new InvalidRequestError(e.message);
    throw e;
  }
  const cfg = deps.config();
  const family = p.groupBy === 'family' || p.includeHistorical === true;
  const creatorMatches = !p.creatorKey || p.creatorKey === UNKNOWN_CREATOR_KEY;
  const rows: Row[] = [];
  let read = 0;
  for (const s of creatorMatches ? await selectSessions(deps, cfg, p) : []) {
    if (++read % SESSIONS_PER_SLICE === 0) await nextTurnOfLoop();
    const archived = family ? (await deps.store.sessions.archives(s.sessionKey)).map((a) => a.sessionId) : [];
    const ids = [...archived.reverse(), s.sessionId];
    const entries: TranscriptEntry[] = [];
    for (const id of ids) entries.push(...(await collect(transcriptEntries(deps.store, id))));
    const usage = summarizeSession(entries, { sessionId: s.sessionId, startMs: range.startMs, endMs: range.endMs, dayKey: cal.dayKey });
    // A session without activity in the range is left out, unless it was asked for by key.
    if (!usage && !p.key) continue;
    rows.push({
      key: s.sessionKey,
      ...(s.label ? { label: s.label } : {}),
      sessionId: s.sessionId,
      scope: family ? 'family' : 'instance',
      ...(family ? { includedSessionIds: ids, historicalInstanceCount: ids.length } : {}),
      updatedAt: s.updatedAtMs,
      agentId: s.agentId,
      creatorKey: UNKNOWN_CREATOR_KEY,
      ...(s.route ? { channel: s.route.channel, chatType: s.route.peer.kind } : {}),
      ...(s.modelOverride ? { modelOverride: s.modelOverride } : {}),
      usage,
      hasContextWeight: false,
    });
  }
  const { totals, aggregates } = aggregateUsage(rows.map((r) => ({ agentId: r.agentId, ...(r.channel ? { channel: r.channel } : {}), usage: r.usage })));
  return {
    updatedAt: nowMs,
    startDate: range.startDate,
    endDate: range.endDate,
    sessions: rows.slice(0, p.limit ?? DEFAULT_LIMIT),
    totals,
    aggregates,
    creatorOptions: rows.length ? [{ key: UNKNOWN_CREATOR_KEY }] : [],
  };
}

const DEFAULT_LOG_LINES = 200;
const MAX_LOG_LINES = 1000;

/** The session a per-session usage call names, or the reference's error when there is none. */
async function usageSession(deps: SessionUsageDeps, p: { key: string; agentId?: string }): Promise<SessionRecord> {
  const { sessionKey } = resolveClientSessionKey(deps.config(), p.key, p.agentId);
  const s = await deps.store.sessions.get(sessionKey);
  if (!s) throw new InvalidRequestError(`No transcript found for session: ${p.key.slice(0, 200)}`, { code: 'SESSION_NOT_FOUND' });
  return s;
}

export function sessionUsageHandlers(deps: SessionUsageDeps): Handlers {
  return {
    'sessions.usage': (params: Params) => readSessionsUsage(deps, params),
    'sessions.usage.timeseries': async (p: MethodParams<'sessions.usage.timeseries'>) => {
      const s = await usageSession(deps, p);
      return usageTimeseries(await collect(transcriptEntries(deps.store, s.sessionId)), s.sessionId);
    },
    'sessions.usage.logs': async (p: MethodParams<'sessions.usage.logs'>) => {
      const s = await usageSession(deps, p);
      const newest = await deps.store.transcript.page(s.sessionId, { limit: Math.min(p.limit ?? DEFAULT_LOG_LINES, MAX_LOG_LINES) });
      return { logs: newest.reverse().flatMap((e) => usageLogLine(e) ?? []) };
    },
  };
}
