import { useCallback, useState } from 'react';
import type { MemoryItem } from '../../../src-shared/protocol/methods/memory.js';
import type { GatewayClient } from '../../client/types.js';
import { EmptyState, ErrorBox } from '../../components/ErrorBox.js';
import { TableWrap } from '../../components/TableWrap.js';
import { Confirm } from '../channels/Confirm.js';
import { useListAction, useLiveData } from '../pairing/use-live-data.js';
import type { PluginsList } from '../plugins/plugin-rows.js';
import { callMemory } from './memory-client.js';
import { describeOrigin, describeOwner, forgetQuestion, formatScore, memorySource } from './memory-view.js';
import './memory.css';

// Plugin changes come as `health` and `config.reloaded`; a turn may store or recall memories, so a finished chat reloads too.
const PLUGIN_EVENTS = ['health', 'config.reloaded'] as const;
const MEMORY_EVENTS = ['chat', 'config.reloaded'] as const;
const LIST_LIMIT = 100;
const SEARCH_LIMIT = 20;

const loadPlugins = (client: GatewayClient) => client.call<PluginsList>('plugins.list', {});

/** What the assistant remembers: per agent and person, searchable by meaning, one memory deleted at a time. */
export function MemoryPage({ client, canWrite }: { client: GatewayClient; canWrite: boolean }) {
  const plugins = useLiveData(client, loadPlugins, PLUGIN_EVENTS);
  const source = plugins.data ? memorySource(plugins.data) : undefined;
  return (
    <>
      <section className="card" aria-labelledby="memory-heading">
        <div className="card-title">
          <h2 id="memory-heading">Memory</h2>
          {source?.kind === 'active' ? <span className="muted">{source.plugin.name}</span> : null}
        </div>
        <p className="muted">
          What the assistant remembers across conversations. Each memory belongs to an agent and to the person it came from, and is recalled only in that person’s conversations unless you
          share it.
        </p>
        <ErrorBox error={plugins.error} testId="memory-plugins-error" />
        {!plugins.data && !plugins.error ? <p className="muted">Loading…</p> : null}
        {source?.kind === 'none' ? (
          <EmptyState title="No memory plugin is on, so the assistant remembers nothing beyond each conversation." testId="memory-none">
            <p>Turn on the bundled one and give it an embeddings provider (any OpenAI-compatible /v1/embeddings, such as a local Ollama):</p>
            <pre className="memory-commands">
              openclaw plugins enable memory-lancedb{'\n'}openclaw config set plugins.slots.memory memory-lancedb
            </pre>
            {source.candidates.map((c) => (
              <p key={c.id}>
                {c.name} is installed but off: <Reason text={c.reason} />.
              </p>
            ))}
          </EmptyState>
        ) : null}
        {source?.kind === 'starting' ? (
          <p className="muted" data-testid="memory-starting">
            {source.plugin.name} is starting…
          </p>
        ) : null}
        {source?.kind === 'failed' ? (
          <div role="alert" className="error" data-testid="memory-failed">
            <strong>The memory plugin {source.plugin.name} failed to start, so nothing is remembered or recalled until it is fixed.</strong>
            <div className="error-hint">{source.error}</div>
            <div className="error-hint">Fix its settings on the Plugins page, then retry it there; conversations go on without memory meanwhile.</div>
          </div>
        ) : null}
      </section>
      {source?.kind === 'active' ? <MemoryBrowser key={source.plugin.id} client={client} pluginId={source.plugin.id} canWrite={canWrite} /> : null}
    </>
  );
}

/** A plugin's reason in words, its quoted names (ids, config keys) kept on one line each. */
function Reason({ text }: { text: string }) {
  return (
    <>
      {text.split(/("[^"]+")/).map((part, i) =>
        part.startsWith('"') ? (
          <code key={i} className="memory-nowrap">
            {part.slice(1, -1)}
          </code>
        ) : (
          part
        ),
      )}
    </>
  );
}

function MemoryBrowser({ client, pluginId, canWrite }: { client: GatewayClient; pluginId: string; canWrite: boolean }) {
  const [agentId, setAgentId] = useState('main');
  const [owner, setOwner] = useState('');
  const [draft, setDraft] = useState('');
  const [query, setQuery] = useState<string>();
  const [confirming, setConfirming] = useState<string>();

  const loadStats = useCallback((c: GatewayClient) => callMemory(c, pluginId, 'stats', {}), [pluginId]);
  const loadPeople = useCallback((c: GatewayClient) => callMemory(c, pluginId, 'people', { agentId }), [pluginId, agentId]);
  const loadItems = useCallback(
    async (c: GatewayClient): Promise<{ items: MemoryItem[]; total: number; query?: string }> => {
      const scope = { agentId, ...(owner ? { owner } : {}) };
      if (query) {
        const r = await callMemory(c, pluginId, 'search', { ...scope, query, limit: SEARCH_LIMIT });
        return { items: r.results, total: r.results.length, query };
      }
      return callMemory(c, pluginId, 'list', { ...scope, limit: LIST_LIMIT });
    },
    [pluginId, agentId, owner, query],
  );
  const stats = useLiveData(client, loadStats, MEMORY_EVENTS);
  const people = useLiveData(client, loadPeople, MEMORY_EVENTS);
  const items = useLiveData(client, loadItems, MEMORY_EVENTS);
  const reloadStats = stats.reload;
  const reloadPeople = people.reload;
  const reloadItems = items.reload;
  const action = useListAction(
    useCallback(async () => {
      await Promise.all([reloadStats(), reloadPeople(), reloadItems()]);
    }, [reloadStats, reloadPeople, reloadItems]),
  );

  const agents = [...new Set(['main', ...(stats.data?.agents.map((a) => a.agentId) ?? [])])].sort();
  const total = stats.data?.agents.reduce((n, a) => n + a.count, 0);
  const provider = stats.data?.provider;
  const shown = items.data;
  const searching = shown?.query !== undefined;

  const forget = (m: MemoryItem) =>
    void action.run(m.id, async () => {
      await callMemory(client, pluginId, 'forget', { id: m.id, agentId: m.agentId });
      setConfirming(undefined);
      return `Forgotten: “${m.text}”.`;
    });

  return (
    <>
      <section className="card" aria-labelledby="memory-stats-heading">
        <h2 id="memory-stats-heading">Overview</h2>
        <ErrorBox error={stats.error} testId="memory-stats-error" />
        {!stats.data && !stats.error ? <p className="muted">Loading…</p> : null}
        {stats.data ? (
          <dl className="facts" data-testid="memory-stats">
            <dt>Memories</dt>
            <dd data-testid="memory-total">
              {total}
              {stats.data.agents.length > 1 ? ` (${stats.data.agents.map((a) => `${a.agentId}: ${a.count}`).join(', ')})` : ''}
            </dd>
            <dt>Embedding model</dt>
            <dd>
              <code>{stats.data.model}</code>
            </dd>
            <dt>Embeddings provider</dt>
            <dd data-testid="memory-provider" data-ok={provider?.ok}>
              {provider?.ok ? (
                <span className="pill pill-ok">Answering</span>
              ) : (
                <>
                  <span className="pill pill-bad">Not answering</span> <span className="small">{provider?.lastError}</span>
                  <div className="muted small">Conversations go on without memory until it answers again.</div>
                </>
              )}
            </dd>
            <dt>Recall before each turn</dt>
            <dd>{stats.data.autoRecall ? 'On' : 'Off'}</dd>
            <dt>Remember stated facts by itself</dt>
            <dd>{stats.data.autoCapture ? 'On' : 'Off (only when the assistant decides to)'}</dd>
          </dl>
        ) : null}
      </section>

      <section className="card" aria-labelledby="memory-list-heading">
        <div className="card-title">
          <h2 id="memory-list-heading">{searching ? 'Search results' : 'Memories'}</h2>
          <span className="muted" data-testid="memory-count">
            {shown ? (searching ? `${shown.items.length} found` : shown.total > shown.items.length ? `${shown.items.length} of ${shown.total} shown` : `${shown.total}`) : ''}
          </span>
        </div>
        <div className="filters">
          <label className="check">
            Agent{' '}
            <select aria-label="Agent" value={agentId} onChange={(e) => setAgentId(e.target.value)}>
              {agents.map((a) => (
                <option key={a} value={a}>
                  {a}
                </option>
              ))}
            </select>
          </label>
          <label className="check">
            Person{' '}
            <select aria-label="Person" value={owner} onChange={(e) => setOwner(e.target.value)} data-testid="memory-person">
              <option value="">Everyone</option>
              {people.data?.people.map((p) => (
                <option key={p.owner} value={p.owner}>
                  {describeOwner(p.owner)} ({p.count})
                </option>
              ))}
            </select>
          </label>
        </div>
        <form
          role="search"
          className="filters"
          onSubmit={(e) => {
            e.preventDefault();
            setQuery(draft.trim() || undefined);
          }}
        >
          <input type="search" aria-label="Search memories by meaning" placeholder="Search by meaning, e.g. where do I park at work" value={draft} onChange={(e) => setDraft(e.target.value)} />
          <button type="submit">Search</button>
          {searching ? (
            <button
              type="button"
              className="secondary"
              onClick={() => {
                setDraft('');
                setQuery(undefined);
              }}
            >
              Show all
            </button>
          ) : null}
        </form>
        {action.notice ? (
          <p role="status" className="memory-notice" data-testid="memory-notice">
            {action.notice}
          </p>
        ) : null}
        <ErrorBox error={action.actionError ? { ...action.actionError, message: `Could not forget it: ${action.actionError.message}` } : undefined} testId="memory-action-error" />
        <ErrorBox error={items.error} testId="memory-error" />
        {!canWrite ? <p className="muted">Forgetting a memory needs write permission (operator.write), which this connection was not granted.</p> : null}
        {!shown && !items.error ? <p className="muted">Loading…</p> : null}
        {shown && shown.items.length === 0 ? (
          <EmptyState title={searching ? 'Nothing remembered matches.' : `Nothing remembered yet${owner ? ` of ${describeOwner(owner)}` : ''} for agent ${agentId}.`} testId="memory-empty">
            {searching
              ? 'Search looks for memories by meaning, so try other words.'
              : 'Memories appear here when the assistant remembers something (the memory_store tool) or, with capture on, when someone states a fact or preference.'}
          </EmptyState>
        ) : null}
        {shown && shown.items.length > 0 ? (
          <TableWrap>
            <table className="table memory-table" data-testid="memory-table">
              <caption className="visually-hidden">{searching ? 'Memories matching the search, best first' : 'Memories, newest first'}</caption>
              <thead>
                <tr>
                  {searching ? <th scope="col">Score</th> : null}
                  <th scope="col">Memory</th>
                  <th scope="col">Person</th>
                  <th scope="col">Stored</th>
                  <th scope="col">Actions</th>
                </tr>
              </thead>
              <tbody>
                {shown.items.map((m) => (
                  <MemoryRow
                    key={m.id}
                    memory={m}
                    searching={searching}
                    canWrite={canWrite}
                    confirming={confirming === m.id}
                    busy={action.busy === m.id}
                    onAsk={() => setConfirming(m.id)}
                    onCancel={() => setConfirming(undefined)}
                    onForget={() => forget(m)}
                  />
                ))}
              </tbody>
            </table>
          </TableWrap>
        ) : null}
      </section>
    </>
  );
}

function MemoryRow({
  memory: m,
  searching,
  canWrite,
  confirming,
  busy,
  onAsk,
  onCancel,
  onForget,
}: {
  memory: MemoryItem;
  searching: boolean;
  canWrite: boolean;
  confirming: boolean;
  busy: boolean;
  onAsk(): void;
  onCancel(): void;
  onForget(): void;
}) {
  const score = m.score !== undefined ? formatScore(m.score) : undefined;
  return (
    <tr data-testid="memory-row" data-id={m.id}>
      {searching ? (
        <td data-testid="memory-score">
          {score ? (
            <span className="memory-score" title={`Similarity ${score.text} (1 is the same meaning)`}>
              <span className="memory-score-bar" aria-hidden="true">
                <span style={{ width: `${score.percent}%` }} />
              </span>
              {score.text}
            </span>
          ) : null}
        </td>
      ) : null}
      <td className="memory-text">
        {m.text}
        {m.shared ? <span className="pill memory-shared">shared</span> : null}
        {confirming ? <Confirm text={forgetQuestion(m.text)} confirmLabel="Forget" busy={busy} onConfirm={onForget} onCancel={onCancel} /> : null}
      </td>
      <td title={m.owner}>{describeOwner(m.owner)}</td>
      <td title={describeOrigin(m.origin)}>{new Date(m.createdAt).toLocaleDateString()}</td>
      <td>
        {canWrite && !confirming ? (
          <button type="button" className="secondary" onClick={onAsk}>
            Forget<span className="visually-hidden"> “{m.text}”</span>
          </button>
        ) : null}
      </td>
    </tr>
  );
}
