import { useCallback, useEffect, useState, type FormEvent } from 'react';
import type { MethodResult } from '../../../src-shared/protocol/index.js';
import type { GatewayClient } from '../../client/types.js';
import { EmptyState, ErrorBox } from '../../components/ErrorBox.js';
import { MessageView, type TranscriptMessage } from '../../components/MessageView.js';
import { describeError, type ShownError } from '../../ui-error.js';
import { applyChatEvent, isStreaming, type ChatEvent, type LiveRun } from './chat-stream.js';

export const DEFAULT_SESSION_KEY = 'agent:main:main';

function newIdempotencyKey(): string {
  return typeof crypto.randomUUID === 'function' ? crypto.randomUUID() : `ui-${Date.now()}-${Math.random().toString(36).slice(2)}`;
}

export function ChatPage({ client }: { client: GatewayClient }) {
  const [keyInput, setKeyInput] = useState(DEFAULT_SESSION_KEY);
  const [sessionKey, setSessionKey] = useState(DEFAULT_SESSION_KEY);
  const [history, setHistory] = useState<TranscriptMessage[]>([]);
  const [runs, setRuns] = useState<LiveRun[]>([]);
  const [draft, setDraft] = useState('');
  const [sending, setSending] = useState(false);
  const [error, setError] = useState<ShownError>();

  const loadHistory = useCallback(async () => {
    try {
      const res = await client.call<MethodResult<'chat.history'>>('chat.history', { sessionKey, limit: 50 });
      setHistory([...res.messages].sort((a, b) => (a.seq ?? a.timestamp) - (b.seq ?? b.timestamp)));
      // Finished replies are now in the transcript; aborted and failed ones stay, to say what happened.
      setRuns((rs) => rs.filter((r) => r.state !== 'final'));
    } catch (err) {
      setError(describeError(err));
    }
  }, [client, sessionKey]);

  useEffect(() => {
    setHistory([]);
    setRuns([]);
    setError(undefined);
    void loadHistory();
    return client.on('chat', (payload) => {
      const ev = payload as ChatEvent;
      setRuns((rs) => applyChatEvent(rs, ev, sessionKey));
      if (ev.sessionKey === sessionKey && ev.state !== 'delta') void loadHistory();
    });
  }, [client, sessionKey, loadHistory]);

  const send = async (e: FormEvent) => {
    e.preventDefault();
    const text = draft.trim();
    if (!text) return;
    setSending(true);
    setError(undefined);
    try {
      await client.call<MethodResult<'chat.send'>>('chat.send', { sessionKey, message: text, idempotencyKey: newIdempotencyKey() });
      setDraft('');
      setHistory((h) => (h.some((m) => m.role === 'user' && JSON.stringify(m.content).includes(JSON.stringify(text))) ? h : [...h, { role: 'user', content: [{ type: 'text', text }], timestamp: Date.now() }]));
    } catch (err) {
      setError(describeError(err));
    } finally {
      setSending(false);
    }
  };

  const abort = async () => {
    try {
      await client.call('chat.abort', { sessionKey });
    } catch (err) {
      setError(describeError(err));
    }
  };

  const streaming = isStreaming(runs);
  return (
    <section className="card chat" aria-labelledby="chat-heading">
      <h2 id="chat-heading">Chat</h2>
      <form
        className="inline-form"
        onSubmit={(e) => {
          e.preventDefault();
          if (keyInput.trim()) setSessionKey(keyInput.trim());
        }}
      >
        <label htmlFor="chat-session">Session key</label>
        <input id="chat-session" value={keyInput} onChange={(e) => setKeyInput(e.target.value)} spellCheck={false} />
        <button type="submit" className="secondary">
          Open
        </button>
      </form>
      <div className="messages" aria-live="polite" data-testid="chat-messages">
        {history.length === 0 && runs.length === 0 ? <EmptyState title="No messages in this session yet." /> : null}
        {history.map((m, i) => (
          <MessageView key={`${m.seq ?? 'local'}-${i}`} message={m} />
        ))}
        {runs.map((r) => (
          <article key={r.runId} className="msg msg-assistant" data-testid="chat-live" data-state={r.state}>
            <header className="msg-meta">
              <span className="msg-role">assistant</span>
              <span className="muted">{r.state === 'streaming' ? 'typing…' : r.state}</span>
            </header>
            <p className="msg-text">{r.text}</p>
            {r.error ? <ErrorBox error={{ message: r.error, hint: 'Check the model provider settings under models.providers in the config, and the Logs page.' }} /> : null}
          </article>
        ))}
      </div>
      <ErrorBox error={error} testId="chat-error" />
      <form className="composer" onSubmit={(e) => void send(e)}>
        <label htmlFor="chat-input" className="visually-hidden">
          Message
        </label>
        <textarea
          id="chat-input"
          rows={3}
          value={draft}
          placeholder="Message the agent… (Ctrl+Enter to send)"
          onChange={(e) => setDraft(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) void send(e);
          }}
        />
        <div className="actions">
          <button type="submit" disabled={sending || !draft.trim()}>
            {sending ? 'Sending…' : 'Send'}
          </button>
          <button type="button" className="danger" onClick={() => void abort()} disabled={!streaming}>
            Abort
          </button>
        </div>
      </form>
    </section>
  );
}
