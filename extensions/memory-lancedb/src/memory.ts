/**
 * The memory service: the store plus the policy around it (scope per person, secret refusal,
 * near-duplicate skipping, recall into a turn, opt-in capture) and the failure report. Every entry
 * point the plugin registers (tools, methods, hooks, the memory slot) goes through this object.
 */
import type { PluginLogger } from '../../../src-shared/plugin/api.js';
import { shouldCapture } from './capture.js';
import type { ResolvedSettings } from './config.js';
import { formatRecall } from './recall.js';
import { ownerOfSession } from './scope.js';
import { findSecret } from './secrets.js';
import type { MemoryRecord, MemoryStore, ScoredMemory } from './store.js';

export class SecretRefusedError extends Error {
  constructor(readonly kind: string) {
    super(`not stored: the text looks like it holds a secret (${kind}); memory never keeps passwords, tokens or keys`);
    this.name = 'SecretRefusedError';
  }
}

export type StoreOutcome = { stored: true; memory: MemoryRecord } | { stored: false; duplicateOf: ScoredMemory };

/** What the plugin reports about the embeddings provider. */
export interface ProviderHealth {
  ok: boolean;
  lastError?: string;
  failingSince?: number;
  failures: number;
}

/** Whose memories: a stored owner, or the person a session key belongs to. */
export type OwnerQuery = { agentId?: string } & ({ owner: string } | { sessionKey: string });

/** How many memories of one owner there are (or were, before forgetting), per agent. */
export interface OwnerTally {
  owner: string;
  count: number;
  agents: { agentId: string; count: number }[];
}

export interface MemoryService {
  store(e: { agentId: string; sessionKey?: string; owner?: string; text: string; origin: string; shared?: boolean }): Promise<StoreOutcome>;
  /** Memories the person of `sessionKey` may see (their own and shared ones); without a session, everything (operator). */
  search(q: { agentId: string; sessionKey?: string; owner?: string; text: string; limit?: number; minScore?: number }): Promise<ScoredMemory[]>;
  /** From a conversation: only the person's own memories can be forgotten. */
  forget(id: string, opts?: { agentId?: string; sessionKey?: string }): Promise<MemoryRecord | undefined>;
  /**
   * Every memory of one person (or group): `owner` as stored, or the person of `sessionKey`; one agent, or
   * every agent when `agentId` is omitted. `count` only counts; `forgetOwner` deletes them, shared ones too.
   */
  countOwner(q: OwnerQuery): Promise<OwnerTally>;
  forgetOwner(q: OwnerQuery): Promise<OwnerTally>;
  /** The `before_agent` step: recall (and capture when turned on). Never throws: a failure is reported once. */
  beforeTurn(e: { agentId: string; sessionKey: string; text: string }): Promise<string | undefined>;
  health(): ProviderHealth;
  readonly store_: MemoryStore;
}

export function createMemoryService(o: { store: MemoryStore; settings: ResolvedSettings; log: PluginLogger }): MemoryService {
  const { store, settings, log } = o;
  const h: ProviderHealth = { ok: true, failures: 0 };
  /** Guards a call: the first failure of an outage is logged, the rest only counted; recovery is logged. */
  const guarded = async <T>(what: string, fn: () => Promise<T>): Promise<T> => {
    try {
      const out = await fn();
      if (!h.ok) {
        log.info('memory works again', { after: what, failures: h.failures });
        h.ok = true;
        delete h.failingSince;
      }
      return out;
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      h.failures++;
      h.lastError = message;
      if (h.ok) {
        h.ok = false;
        h.failingSince = Date.now();
        log.warn('memory is unavailable; turns go on without it until it recovers', { during: what, error: message });
      }
      throw err;
    }
  };

  const storeOne: MemoryService['store'] = async (e) => {
    const secret = findSecret(e.text);
    if (secret) throw new SecretRefusedError(secret);
    const owner = e.owner ?? ownerOfSession(e.sessionKey ?? `agent:${e.agentId}:main`);
    const vector = await store.embed(e.text);
    const [near] = await store.search({ agentId: e.agentId, vector, owner, ownOnly: true, limit: 1 });
    if (near && near.score >= settings.duplicateScore) return { stored: false, duplicateOf: near };
    const memory = await store.add({ agentId: e.agentId, owner, text: e.text.trim(), source: e.sessionKey ?? '', origin: e.origin, shared: e.shared, vector });
    return { stored: true, memory };
  };

  /** Runs `op` on every agent the query covers and adds the counts up. */
  const perOwner = async (q: OwnerQuery, op: (agentId: string, owner: string) => Promise<number>): Promise<OwnerTally> => {
    const owner = 'owner' in q ? q.owner : ownerOfSession(q.sessionKey);
    const agentIds = q.agentId ? [q.agentId] : await store.agents();
    const agents: OwnerTally['agents'] = [];
    for (const agentId of agentIds) {
      const count = await op(agentId, owner);
      if (count > 0) agents.push({ agentId, count });
    }
    return { owner, count: agents.reduce((n, a) => n + a.count, 0), agents };
  };

  return {
    store_: store,
    countOwner: (q) => guarded('count', () => perOwner(q, (a, o) => store.countOwner(a, o))),
    forgetOwner: (q) => guarded('forget', () => perOwner(q, (a, o) => store.removeOwner(a, o))),
    store: (e) => guarded('store', () => storeOne(e)),
    search: (q) =>
      guarded('search', () =>
        store.search({
          agentId: q.agentId,
          text: q.text,
          owner: q.owner ?? (q.sessionKey ? ownerOfSession(q.sessionKey) : undefined),
          limit: q.limit ?? settings.recallLimit,
          ...(q.minScore !== undefined ? { minScore: q.minScore } : {}),
        }),
      ),
    forget: (id, opts = {}) =>
      guarded('forget', () => store.remove(id, { ...(opts.agentId ? { agentId: opts.agentId } : {}), ...(opts.sessionKey ? { owner: ownerOfSession(opts.sessionKey) } : {}) })),
    async beforeTurn(e) {
      const text = e.text.trim();
      if (!text || (!settings.autoRecall && !settings.autoCapture)) return undefined;
      try {
        return await guarded('recall', async () => {
          const owner = ownerOfSession(e.sessionKey);
          const vector = await store.embed(text);
          let block: string | undefined;
          if (settings.autoRecall) {
            const hits = await store.search({ agentId: e.agentId, vector, owner, limit: settings.recallLimit, minScore: settings.minScore });
            if (hits.length) block = formatRecall(hits);
          }
          if (settings.autoCapture) {
            const decision = shouldCapture(text);
            if (decision.capture) {
              const [near] = await store.search({ agentId: e.agentId, vector, owner, ownOnly: true, limit: 1 });
              if (!near || near.score < settings.duplicateScore) {
                await store.add({ agentId: e.agentId, owner, text, source: e.sessionKey, origin: 'capture', vector });
              }
            }
          }
          return block;
        });
      } catch {
        return undefined;
      }
    },
    health: () => ({ ...h }),
  };
}
