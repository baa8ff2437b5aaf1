import { useCallback, useEffect, useMemo, useState } from 'react';
import type { MethodResult } from '../../../src-shared/protocol/index.js';
import type { GatewayClient } from '../../client/types.js';
import { EmptyState, ErrorBox } from '../../components/ErrorBox.js';
import { MessageView, type TranscriptMessage } from '../../components/MessageView.js';
import { useImageLoader } from '../../components/use-image-loader.js';
import { VirtualList } from '../../components/VirtualList.js';
import { describeError, type ShownError } from '../../ui-error.js';
import { ForgetMemoriesOption } from '../memory/ForgetMemoriesOption.js';
import { forgottenText } from '../memory/memory-view.js';
import { distinctValues, filterSessions, type SessionRow } from './session-filter.js';

const PAGE = 1000;
const ROW_HEIGHT = 56;
const HISTORY_PAGE = 50;

/** Every session, a thousand per call (the method's maximum). */
async function loadAllSessions(client: GatewayClient): Promise<SessionRow[]> {
  const rows: SessionRow[] = [];
  for (let offset = 0; ; offset += PAGE) {
    const res = await client.call<MethodResult<'sessions.list'>>('sessions.list', { limit: PAGE, offset });
    rows.push(...res.sessions);
    if (res.sessions.length < PAGE || rows.length >= res.total) return rows;
  }
}

export function SessionsPage({ client }: { client: GatewayClient }) {
  const [rows, setRows] = useState<SessionRow[] | undefined>();
  const [error, setError] = useState<ShownError>();
  const [search, setSearch] = useState('');
  const [agent, setAgent] = useState('');
  const [kind, setKind] = useState('');
  const [openKey, setOpenKey] = useState<string>();
  const [notice, setNotice] = useState<string>();

  const reload = useCallback(async () => {
    try {
      setRows(await loadAllSessions(client));
      setError(undefined);
    } catch (err) {
      setError(describeError(err));
    }
  }, [client]);

  useEffect(() => {
    void reload();
    let timer: ReturnType<typeof setTimeout> | undefined;
    // Many changes arrive in bursts during a turn; one reload per burst is enough.
    const off = client.on('sessions.changed', () => {
      clearTimeout(timer);
      timer = setTimeout(() => void reload(), 300);
    });
    return () => {
      off();
      clearTimeout(timer);
    };
  }, [client, reload]);

  const shown = useMemo(() => filterSessions(rows ?? [], { search, agent, kind }), [rows, search, agent, kind]);
  const agents = useMemo(() => distinctValues(rows ?? [], 'agentId'), [rows]);
  const kinds = useMemo(() => distinctValues(rows ?? [], 'kind'), [rows]);
  const open = rows?.find((r) => r.key === openKey);

  return (
    <div className="split">
      <section className="card" aria-labelledby="sessions-heading">
        <div className="card-title">
          <h2 id="sessions-heading">Sessions</h2>
          <span className="muted" data-testid="sessions-count">
            {rows ? `${shown.length} of ${rows.length}` : ''}
          </span>
        </div>
        <div className="filters">
          <input type="search" aria-label="Search sessions" placeholder="Search key, label, text…" value={search} onChange={(e) => setSearch(e.target.value)} />
          <select aria-label="Agent" value={agent} onChange={(e) => setAgent(e.target.value)}>
            <option value="">All agents</option>
            {agents.map((a) => (
              <option key={a}>{a}</option>
            ))}
          </select>
          <select aria-label="Kind" value={kind} onChange={(e) => setKind(e.target.value)}>
            <option value="">All kinds</option>
            {kinds.map((k) => (
              <option key={k}>{k}</option>
            ))}
          </select>
        </div>
        {notice ? (
          <p role="status" className="success" data-testid="sessions-notice">
            {notice}
          </p>
        ) : null}
        <ErrorBox error={error} />
        {rows === undefined && !error ? <p className="muted">Loading…</p> : null}
        {rows && rows.length === 0 ? (
          <EmptyState title="No sessions yet." testId="sessions-empty">
            A session starts when someone messages an agent. Send a message on the Chat page to start one.
          </EmptyState>
        ) : null}
        {rows && rows.length > 0 && shown.length === 0 ? <EmptyState title="No session matches these filters." /> : null}
        {shown.length > 0 ? (
          <VirtualList
            items={shown}
            rowHeight={ROW_HEIGHT}
            height={Math.min(520, shown.length * ROW_HEIGHT)}
            label="Sessions"
            testId="sessions-list"
            rowKey={(r) => r.key}
            renderRow={(r) => (
              <button type="button" className={r.key === openKey ? 'row row-selected' : 'row'} onClick={() => setOpenKey(r.key)} data-testid="session-row">
                <span className="row-main">
                  <code>{r.label ? `${r.label} · ${r.key}` : r.key}</code>
                  {r.running ? <span className="pill pill-ok">running</span> : null}
                </span>
                <span className="row-sub muted">
                  {r.agentId} · {r.kind} · {r.messageCount} msgs · {new Date(r.updatedAt).toLocaleString()}
                  {r.preview ? ` · ${r.preview}` : ''}
                </span>
              </button>
            )}
          />
        ) : null}
      </section>
      {open ? <SessionDetail key={open.key} client={client} session={open} onGone={(n) => {
            setOpenKey(undefined);
            setNotice(n);
          }} onChanged={() => void reload()} /> : null}
    </div>
  );
}

function SessionDetail({ client, session, onGone, onChanged }: { client: GatewayClient; session: SessionRow; onGone(notice: string): void; onChanged(): void }) {
  const [messages, setMessages] = useState<TranscriptMessage[] | undefined>();
  const loadImage = useImageLoader(client);
  const [cursor, setCursor] = useState<string>();
  const [error, setError] = useState<ShownError>();
  const [confirm, setConfirm] = useState<'reset' | 'delete'>();
  const [busy, setBusy] = useState(false);
  // Asked for when a delete is confirmed: what the memory plugin keeps of this session's person.
  const [memories, setMemories] = useState<MethodResult<'sessions.memories'>>();
  const [forgetMemories, setForgetMemories] = useState(false);

  useEffect(() => {
    setForgetMemories(false);
    setMemories(undefined);
    if (confirm !== 'delete') return;
    let live = true;
    client
      .call<MethodResult<'sessions.memories'>>('sessions.memories', { key: session.key })
      .then((m) => live && setMemories(m))
      // Not knowing the count only means not offering to forget.
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [client, confirm, session.key]);

  const loadPage = useCallback(
    async (before?: string) => {
      try {
        const res = await client.call<MethodResult<'chat.history'>>('chat.history', { sessionKey: session.key, limit: HISTORY_PAGE, ...(before ? { cursor: before } : {}) });
        const page = [...res.messages].sort((a, b) => (a.seq ?? a.timestamp) - (b.seq ?? b.timestamp));
        setMessages((prev) => (before ? [...page, ...(prev ?? [])] : page));
        setCursor(res.nextCursor);
        setError(undefined);
      } catch (err) {
        setError(describeError(err));
      }
    },
    [client, session.key],
  );

  // Load the newest page on open, and again when the session moves on (a turn adds messages, a reset
  // gives it a new id).
  const { sessionId, messageCount } = session;
  useEffect(() => {
    void loadPage();
  }, [loadPage, sessionId, messageCount]);

  const act = async (what: 'reset' | 'delete') => {
    setBusy(true);
    try {
      if (what === 'delete') {
        const forget = forgetMemories && Boolean(memories?.count);
        const r = await client.call<MethodResult<'sessions.delete'>>('sessions.delete', { key: session.key, ...(forget ? { forgetMemories: true } : {}) });
        setConfirm(undefined);
        onGone(`Deleted ${r.key}.${forgottenText(r.memories)}`);
      } else {
        await client.call('sessions.reset', { key: session.key });
        setConfirm(undefined);
        void loadPage();
      }
      onChanged();
    } catch (err) {
      setError(describeError(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="card transcript" aria-labelledby="transcript-heading" data-testid="transcript">
      <div className="card-title">
        <h2 id="transcript-heading">
          <code>{session.key}</code>
        </h2>
        <div className="actions">
          <button type="button" className="secondary" onClick={() => setConfirm('reset')} disabled={busy}>
            Reset
          </button>
          <button type="button" className="danger" onClick={() => setConfirm('delete')} disabled={busy}>
            Delete
          </button>
        </div>
      </div>
      <p className="muted">
        {session.agentId} · {session.kind}
        {session.channel ? ` · ${session.channel}` : ''} · {session.inputTokens + session.outputTokens} tokens · ${session.costUsd.toFixed(4)}
      </p>
      {confirm ? (
        <div className="confirm" role="alertdialog" aria-labelledby="confirm-text">
          <p id="confirm-text">
            {confirm === 'reset'
              ? 'Reset this session? The next message starts a new conversation; the old transcript is kept.'
              : 'Delete this session and its transcript? This cannot be undone.'}
          </p>
          {confirm === 'delete' ? <ForgetMemoriesOption memories={memories} checked={forgetMemories} onChange={setForgetMemories} /> : null}
          <button type="button" className={confirm === 'delete' ? 'danger' : undefined} onClick={() => void act(confirm)} disabled={busy} autoFocus>
            {confirm === 'reset' ? 'Yes, reset' : 'Yes, delete'}
          </button>{' '}
          <button type="button" className="secondary" onClick={() => setConfirm(undefined)} disabled={busy}>
            Cancel
          </button>
        </div>
      ) : null}
      <ErrorBox error={error} />
      {cursor ? (
        <button type="button" className="secondary" onClick={() => void loadPage(cursor)}>
          Load older messages
        </button>
      ) : null}
      {messages === undefined && !error ? <p className="muted">Loading…</p> : null}
      {messages && messages.length === 0 ? <EmptyState title="This session has no messages (yet)." /> : null}
      <div className="messages">
        {messages?.map((m, i) => (
          <MessageView key={`${m.seq ?? i}-${m.timestamp}`} message={m} loadImage={loadImage} />
        ))}
      </div>
    </section>
  );
}
