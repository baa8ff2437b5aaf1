/**
 * `openclaw memory search|list|stats|forget|forget-owner|share`: the memory plugin's operator methods
 * (`<plugin>.search` and friends, `memory-lancedb` by default) over the gateway. The operator sees
 * every person's memories; `--owner` narrows to one (`main`, `direct:<peer>`, `group:<channel>:<peer>`).
 */
import type { MemoryItem, MemoryMethodResult } from '../../../src-shared/protocol/methods/memory.js';
import { callOnce, type GlobalOptions } from '../connect.js';
import { CliError, printJson } from '../output.js';
import { table } from './devices.js';

type Opts = GlobalOptions & { json?: boolean; agent?: string; owner?: string; limit?: string; offset?: string; plugin?: string };

const DEFAULT_PLUGIN = 'memory-lancedb';

async function call<T>(opts: Opts, method: string, params: Record<string, unknown>): Promise<T> {
  const plugin = opts.plugin ?? DEFAULT_PLUGIN;
  try {
    return await callOnce<T>(opts, `${plugin}.${method}`, params);
  } catch (err) {
    if (err instanceof CliError && /unknown method/i.test(err.message)) {
      throw new CliError(
        `the gateway has no ${plugin} memory running. Turn it on with:\n  openclaw plugins enable ${plugin}\n  openclaw config set plugins.slots.memory ${plugin}\n(and its embeddings provider under plugins.entries.${plugin}.config.embedding); see openclaw plugins info ${plugin}`,
      );
    }
    throw err;
  }
}

const int = (v: string | undefined, name: string): number | undefined => {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new CliError(`--${name} must be a whole number`);
  return n;
};
const clip = (s: string, n = 80) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);
const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const scope = (opts: Opts) => ({ agentId: opts.agent ?? 'main', ...(opts.owner ? { owner: opts.owner } : {}) });

/** `openclaw memory search <query>`: ranked by similarity, with scores. */
export async function memorySearch(query: string, opts: Opts): Promise<void> {
  const limit = int(opts.limit, 'limit');
  const r = await call<{ results: MemoryItem[] }>(opts, 'search', { query, ...scope(opts), ...(limit ? { limit } : {}) });
  if (opts.json) return printJson(r);
  if (!r.results.length) return void process.stdout.write('Nothing remembered matches.\n');
  process.stdout.write(table(['#', 'SCORE', 'ID', 'OWNER', 'DATE', 'TEXT'], r.results.map((m, i) => [String(i + 1), (m.score ?? 0).toFixed(3), m.id, m.shared ? `${m.owner} (shared)` : m.owner, day(m.createdAt), clip(m.text)])));
}

/** `openclaw memory list`: newest first. */
export async function memoryList(opts: Opts): Promise<void> {
  const limit = int(opts.limit, 'limit');
  const offset = int(opts.offset, 'offset');
  const r = await call<{ total: number; items: MemoryItem[] }>(opts, 'list', { ...scope(opts), ...(limit ? { limit } : {}), ...(offset ? { offset } : {}) });
  if (opts.json) return printJson(r);
  if (!r.items.length) return void process.stdout.write(`No memories for agent ${opts.agent ?? 'main'}${opts.owner ? ` and ${opts.owner}` : ''}.\n`);
  process.stdout.write(table(['ID', 'OWNER', 'DATE', 'FROM', 'TEXT'], r.items.map((m) => [m.id, m.shared ? `${m.owner} (shared)` : m.owner, day(m.createdAt), m.origin, clip(m.text)])));
  if (r.total > r.items.length) process.stdout.write(`${r.items.length} of ${r.total} shown (--limit, --offset for more).\n`);
}

type Stats = MemoryMethodResult<'stats'>;

/** `openclaw memory stats`. */
export async function memoryStats(opts: Opts): Promise<void> {
  const r = await call<Stats>(opts, 'stats', {});
  if (opts.json) return printJson(r);
  process.stdout.write(`Embeddings: ${r.model} at ${r.provider.baseUrl} — ${r.provider.ok ? 'ok' : `failing (${r.provider.lastError ?? 'unknown error'})`}\n`);
  process.stdout.write(`Auto-recall ${r.autoRecall ? 'on' : 'off'}, auto-capture ${r.autoCapture ? 'on' : 'off'}; data in ${r.dataDir}\n`);
  if (!r.agents.length) return void process.stdout.write('No memories yet.\n');
  process.stdout.write(table(['AGENT', 'MEMORIES', 'PEOPLE', 'SHARED', 'MODEL', 'DIM'], r.agents.map((a) => [a.agentId, String(a.count), String(a.owners), String(a.shared), a.model, String(a.dimensions ?? '')])));
}

/** `openclaw memory forget <id>`. */
export async function memoryForget(id: string, opts: Opts): Promise<void> {
  const r = await call<{ removed: MemoryItem }>(opts, 'forget', { id, ...(opts.agent ? { agentId: opts.agent } : {}) });
  if (opts.json) return printJson(r);
  process.stdout.write(`Forgotten ${r.removed.id} (${r.removed.owner}): ${clip(r.removed.text)}\n`);
}

/** `openclaw memory forget-owner <owner> [--agent <id>]`: every memory of one person (or group), with one agent or every agent. */
export async function memoryForgetOwner(owner: string, opts: Opts): Promise<void> {
  const r = await call<MemoryMethodResult<'forgetOwner'>>(opts, 'forgetOwner', { owner, ...(opts.agent ? { agentId: opts.agent } : {}) });
  if (opts.json) return printJson(r);
  const where = r.agents.length ? ` (${r.agents.map((a) => `${a.removed} with ${a.agentId}`).join(', ')})` : '';
  process.stdout.write(`Forgot ${r.removed} ${r.removed === 1 ? 'memory' : 'memories'} of ${r.owner}${where}.\n`);
}

/** `openclaw memory share <id>` / `--off`: a shared memory is recalled for every person the agent talks to. */
export async function memoryShare(id: string, opts: Opts & { off?: boolean }): Promise<void> {
  const r = await call<{ memory: MemoryItem }>(opts, 'share', { id, shared: !opts.off, ...(opts.agent ? { agentId: opts.agent } : {}) });
  if (opts.json) return printJson(r);
  process.stdout.write(`${r.memory.shared ? 'Shared with everyone agent ' + r.memory.agentId + ' talks to' : 'Private to ' + r.memory.owner + ' again'}: ${clip(r.memory.text)}\n`);
}
