import { useState } from 'react';
import { sendsMessage } from './chat-model.js';

interface ComposerProps {
  sending: boolean;
  /** A reply is streaming: offer Stop. */
  streaming: boolean;
  /** Resolves true when the gateway accepted the message (the draft is then cleared). */
  onSend(text: string): Promise<boolean>;
  onStop(): void;
}

/** The message box: Enter sends, Shift+Enter breaks the line; Stop while a reply streams. */
export function Composer({ sending, streaming, onSend, onStop }: ComposerProps) {
  const [draft, setDraft] = useState('');
  const send = async () => {
    const text = draft.trim();
    if (!text || sending) return;
    if (await onSend(text)) setDraft((d) => (d.trim() === text ? '' : d));
  };
  return (
    <form
      className="composer"
      onSubmit={(e) => {
        e.preventDefault();
        void send();
      }}
    >
      <label htmlFor="chat-input" className="visually-hidden">
        Message
      </label>
      <textarea
        id="chat-input"
        rows={2}
        value={draft}
        placeholder="Message the agent… (Enter sends, Shift+Enter for a new line)"
        onChange={(e) => setDraft(e.target.value)}
        onKeyDown={(e) => {
          if (!sendsMessage({ key: e.key, shiftKey: e.shiftKey, altKey: e.altKey, isComposing: e.nativeEvent.isComposing })) return;
          e.preventDefault();
          void send();
        }}
      />
      <div className="composer-actions">
        {streaming ? (
          <button type="button" className="danger" onClick={onStop}>
            Stop
          </button>
        ) : null}
        <button type="submit" disabled={sending || !draft.trim()}>
          {sending ? 'Sending…' : 'Send'}
        </button>
      </div>
    </form>
  );
}
