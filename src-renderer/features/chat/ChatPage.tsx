import { useCallback, useEffect, useLayoutEffect, useRef, useState } from 'react';
import type { MethodResult } from '../../../src-shared/protocol/index.js';
import type { GatewayClient } from '../../client/types.js';
import { EmptyState, ErrorBox } from '../../components/ErrorBox.js';
import { Markdown } from '../../components/Markdown.js';
import { useImageLoader } from '../../components/use-image-loader.js';
import { MessageView, type TranscriptMessage } from '../../components/MessageView.js';
import { describeError, type ShownError } from '../../ui-error.js';
import { useNow } from '../channels/use-now.js';
import { mergeNewestPage, newChatKey, prependPage, type SessionRow } from './chat-model.js';
import { applyChatEvent, isStreaming, type ChatEvent, type LiveRun } from './chat-stream.js';
import { FirstModelSetup } from '../welcome/ModelSetup.js';
import { localEchoContent, toChatAttachment, type PendingImage } from './attachments.js';
import { Composer } from './Composer.js';
import { ConversationList } from './ConversationList.js';

export const DEFAULT_SESSION_KEY = 'agent:main:main';
/** Messages per transcript page; earlier pages load on request. */
const PAGE = 100;

type Agents = MethodResult<'status'>['agents'];
type Models = MethodResult<'models.list'>;

function randomId(): string {
  return typeof crypto.randomUUID === 'function' ? crypto.randomUUID() : `${Date.now()}-${Math.random().toString(36).slice(2)}`;
}

const agentOf = (sessionKey: string) => sessionKey.split(':')[1] ?? 'main';

/** Keeps the element's height at what is left of the window below its top, so the composer stays in view. */
function useFillWindow(ref: React.RefObject<HTMLElement | null>): void {
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    const fit = () => el.style.setProperty('--chat-top', `${Math.max(0, el.getBoundingClientRect().top + window.scrollY)}px`);
    fit();
    window.addEventListener('resize', fit);
    return () => window.removeEventListener('resize', fit);
  }, [ref]);
}

/** Chat: the agent's conversations beside the open one; replies stream in as Markdown; the composer stays at the bottom. */
export function ChatPage({ client, canAdmin }: { client: GatewayClient; canAdmin: boolean }) {
  const now = useNow(30_000);
  const [sessionKey, setSessionKey] = useState(DEFAULT_SESSION_KEY);
  const [agents, setAgents] = useState<Agents>();
  const [models, setModels] = useState<Models>();
  const [sessions, setSessions] = useState<SessionRow[]>();
  const [history, setHistory] = useState<TranscriptMessage[]>([]);
  const [olderCursor, setOlderCursor] = useState<string>();
  const [runs, setRuns] = useState<LiveRun[]>([]);
  const [sending, setSending] = useState(false);
  const [error, setError] = useState<ShownError>();
  const [listOpen, setListOpen] = useState(false);
  const layout = useRef<HTMLDivElement>(null);
  const transcript = useRef<HTMLDivElement>(null);
  const pinned = useRef(true);
  useFillWindow(layout);

  const agentId = agentOf(sessionKey);
  const session = sessions?.find((s) => s.key === sessionKey);

  useEffect(() => {
    client.call<MethodResult<'status'>>('status').then((s) => setAgents(s.agents), () => undefined);
    client.call<Models>('models.list', {}).then(setModels, () => undefined);
  }, [client]);

  const loadSessions = useCallback(async () => {
    try {
      const res = await client.call<MethodResult<'sessions.list'>>('sessions.list', { agentId, limit: 200 });
      setSessions(res.sessions);
    } catch (err) {
      setError(describeError(err));
    }
  }, [client, agentId]);

  const loadNewest = useCallback(async () => {
    try {
      const res = await client.call<MethodResult<'chat.history'>>('chat.history', { sessionKey, limit: PAGE });
      setHistory((shown) => mergeNewestPage(shown, res.messages));
      setOlderCursor((c) => c ?? res.nextCursor);
      // Finished replies are now in the transcript; aborted and failed ones stay, to say what happened.
      setRuns((rs) => rs.filter((r) => r.state !== 'final'));
    } catch (err) {
      setError(describeError(err));
    }
  }, [client, sessionKey]);

  const loadOlder = async () => {
    if (!olderCursor) return;
    const el = transcript.current;
    const fromBottom = el ? el.scrollHeight - el.scrollTop : 0;
    try {
      const res = await client.call<MethodResult<'chat.history'>>('chat.history', { sessionKey, limit: PAGE, cursor: olderCursor });
      setHistory((shown) => prependPage(shown, res.messages));
      setOlderCursor(res.nextCursor);
      // Keep the message the reader was looking at in place.
      requestAnimationFrame(() => {
        if (el) el.scrollTop = el.scrollHeight - fromBottom;
      });
    } catch (err) {
      setError(describeError(err));
    }
  };

  useEffect(() => void loadSessions(), [loadSessions]);

  useEffect(() => {
    setHistory([]);
    setOlderCursor(undefined);
    setRuns([]);
    setError(undefined);
    pinned.current = true;
    void loadNewest();
    const offChat = client.on('chat', (payload) => {
      const ev = payload as ChatEvent;
      setRuns((rs) => applyChatEvent(rs, ev, sessionKey));
      if (ev.sessionKey === sessionKey && ev.state !== 'delta') void loadNewest();
      if (ev.state !== 'delta') void loadSessions();
    });
    const offSessions = client.on('sessions.changed', () => void loadSessions());
    return () => {
      offChat();
      offSessions();
    };
  }, [client, sessionKey, loadNewest, loadSessions]);

  // Follow the conversation while the reader is at its end; leave them alone once they scroll up.
  useLayoutEffect(() => {
    const el = transcript.current;
    if (el && pinned.current) el.scrollTop = el.scrollHeight;
  }, [history, runs]);

  const send = async (text: string, images: PendingImage[]): Promise<boolean> => {
    setSending(true);
    setError(undefined);
    pinned.current = true;
    try {
      await client.call<MethodResult<'chat.send'>>('chat.send', {
        sessionKey,
        message: text,
        idempotencyKey: randomId(),
        ...(images.length ? { attachments: images.map(toChatAttachment) } : {}),
      });
      setHistory((h) => [...h, { role: 'user', content: localEchoContent(text, images), timestamp: Date.now() }]);
      void loadSessions();
      return true;
    } catch (err) {
      setError(describeError(err));
      return false;
    } finally {
      setSending(false);
    }
  };

  const loadImage = useImageLoader(client);

  const stop = async () => {
    try {
      await client.call('chat.abort', { sessionKey });
    } catch (err) {
      setError(describeError(err));
    }
  };

  const chooseModel = async (model: string) => {
    try {
      await client.call('sessions.patch', { key: sessionKey, model: model || null });
      await loadSessions();
    } catch (err) {
      setError(describeError(err));
    }
  };

  const open = (key: string) => {
    setSessionKey(key);
    setListOpen(false);
  };
  const defaultModel = models?.defaultModel;
  const streaming = isStreaming(runs);

  // With no model there is nothing to chat with yet: offer the setup first.
  if (models && models.models.length === 0 && !models.defaultModel) {
    return <FirstModelSetup client={client} canAdmin={canAdmin} onSaved={() => void client.call<Models>('models.list', {}).then(setModels)} />;
  }
  return (
    <div className="chat" ref={layout}>
      <ConversationList sessions={sessions} current={sessionKey} now={now} open={listOpen} onSelect={open} onNew={() => open(newChatKey(agentId, new Date(), randomId()))} />
      <section className="chat-main card" aria-labelledby="chat-heading">
        <header className="chat-head">
          <button type="button" className="secondary chat-list-toggle" aria-expanded={listOpen} aria-controls="chat-conversations" onClick={() => setListOpen((o) => !o)}>
            Conversations
          </button>
          <h2 id="chat-heading" className="visually-hidden">
            Chat
          </h2>
          <label className="chat-pick">
            <span>Agent</span>
            <select value={agentId} onChange={(e) => open(`agent:${e.target.value}:main`)} disabled={!agents || agents.length < 2}>
              {(agents ?? [{ agentId, isDefault: true }]).map((a) => (
                <option key={a.agentId} value={a.agentId}>
                  {a.agentId}
                  {a.isDefault ? ' (default)' : ''}
                </option>
              ))}
            </select>
          </label>
          <label className="chat-pick" title={session ? undefined : 'Send the first message, then choose a model for this conversation.'}>
            <span>Model</span>
            <select value={session?.model ?? ''} onChange={(e) => void chooseModel(e.target.value)} disabled={!session || !models?.models.length}>
              <option value="">{defaultModel ? `Default (${defaultModel})` : 'Agent default'}</option>
              {models?.models.map((m) => (
                <option key={m.ref} value={m.ref}>
                  {m.name ? `${m.name} (${m.ref})` : m.ref}
                </option>
              ))}
            </select>
          </label>
        </header>
        <div
          className="chat-transcript"
          ref={transcript}
          aria-live="polite"
          data-testid="chat-messages"
          onScroll={(e) => {
            const el = e.currentTarget;
            pinned.current = el.scrollHeight - el.scrollTop - el.clientHeight < 40;
          }}
        >
          {olderCursor ? (
            <button type="button" className="secondary load-older" onClick={() => void loadOlder()}>
              Show earlier messages
            </button>
          ) : null}
          {history.length === 0 && runs.length === 0 ? <EmptyState title="No messages in this conversation yet." /> : null}
          {history.map((m, i) => (
            <MessageView key={m.seq ?? `local-${i}`} message={m} loadImage={loadImage} />
          ))}
          {runs.map((r) => (
            <article key={r.runId} className="msg msg-assistant" data-testid="chat-live" data-state={r.state}>
              <header className="msg-meta">
                <span className="msg-role">assistant</span>
                <span className="muted">{r.state === 'streaming' ? 'typing…' : r.state === 'aborted' ? 'stopped' : r.state}</span>
              </header>
              <Markdown text={r.text} />
              {r.error ? <ErrorBox error={{ message: r.error, hint: 'Check the model provider settings under models.providers in the config, and the Logs page.' }} /> : null}
            </article>
          ))}
        </div>
        <ErrorBox error={error} testId="chat-error" />
        <Composer sending={sending} streaming={streaming} onSend={send} onStop={() => void stop()} />
      </section>
    </div>
  );
}
