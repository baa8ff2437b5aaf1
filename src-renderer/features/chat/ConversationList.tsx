import { formatAgo } from '../channels/relative-time.js';
import { conversationTitle, type SessionRow } from './chat-model.js';

interface ConversationListProps {
  sessions: readonly SessionRow[] | undefined;
  current: string;
  now: number;
  open: boolean;
  onSelect(key: string): void;
  onNew(): void;
}

/** The agent's conversations, most recent first, with "New chat" on top. */
export function ConversationList({ sessions, current, now, open, onSelect, onNew }: ConversationListProps) {
  const listed = sessions ?? [];
  const shown = listed.some((s) => s.key === current) ? listed : [{ key: current, kind: 'other', running: false } as SessionRow, ...listed];
  return (
    <nav className={open ? 'chat-side chat-side-open' : 'chat-side'} aria-label="Conversations" id="chat-conversations">
      <button type="button" className="new-chat" onClick={onNew}>
        New chat
      </button>
      {sessions === undefined ? <p className="muted">Loading conversations…</p> : null}
      <ul>
        {shown.map((s) => (
          <li key={s.key}>
            <a
              href={`#/chat`}
              className="conversation"
              data-testid="conversation"
              data-key={s.key}
              aria-current={s.key === current ? 'true' : undefined}
              onClick={(e) => {
                e.preventDefault();
                onSelect(s.key);
              }}
            >
              <span className="conversation-title">{s.messageCount === undefined ? 'New conversation' : conversationTitle(s)}</span>
              <span className="muted small">
                {s.running ? 'answering…' : s.updatedAt ? formatAgo(s.updatedAt, now) : 'not started'}
              </span>
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}
