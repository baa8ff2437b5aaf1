import { memo } from 'react';
import { Markdown } from './Markdown.js';

/** One transcript message: text blocks as text, tool calls and results folded. */
export interface TranscriptMessage {
  role: string;
  content: unknown[];
  timestamp: number;
  seq?: number;
}

type Block = { type?: unknown; text?: unknown; name?: unknown; id?: unknown; input?: unknown; content?: unknown; isError?: unknown; toolUseId?: unknown };

function asText(v: unknown): string {
  if (typeof v === 'string') return v;
  if (Array.isArray(v)) return v.map((b) => (b && typeof b === 'object' && typeof (b as Block).text === 'string' ? (b as Block).text : JSON.stringify(b))).join('\n');
  return JSON.stringify(v, null, 2);
}

function BlockView({ block, role }: { block: Block; role: string }) {
  // A reply is Markdown; what a person typed is shown as typed.
  if (block.type === 'text') return role === 'user' ? <p className="msg-text">{String(block.text ?? '')}</p> : <Markdown text={String(block.text ?? '')} />;
  if (block.type === 'tool_use') {
    return (
      <details className="tool" data-testid="tool-call">
        <summary>
          Tool call: <code>{String(block.name ?? '?')}</code>
        </summary>
        <pre>{JSON.stringify(block.input ?? {}, null, 2)}</pre>
      </details>
    );
  }
  if (block.type === 'tool_result') {
    return (
      <details className={block.isError ? 'tool tool-error' : 'tool'} data-testid="tool-result">
        <summary>{block.isError ? 'Tool error' : 'Tool result'}</summary>
        <pre>{asText(block.content)}</pre>
      </details>
    );
  }
  return <pre className="msg-unknown">{JSON.stringify(block, null, 2)}</pre>;
}

export const MessageView = memo(function MessageView({ message }: { message: TranscriptMessage }) {
  return (
    <article className={`msg msg-${message.role}`} data-testid="transcript-message" data-role={message.role}>
      <header className="msg-meta">
        <span className="msg-role">{message.role}</span>
        <time className="muted" dateTime={new Date(message.timestamp).toISOString()}>
          {new Date(message.timestamp).toLocaleString()}
        </time>
      </header>
      {message.content.map((b, i) => (
        <BlockView key={i} block={(b ?? {}) as Block} role={message.role} />
      ))}
    </article>
  );
});
