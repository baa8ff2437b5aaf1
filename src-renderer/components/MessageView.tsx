import { memo, useEffect, useState } from 'react';
import { Markdown } from './Markdown.js';

/** One transcript message: text blocks as text, tool calls and results folded. */
export interface TranscriptMessage {
  role: string;
  content: unknown[];
  timestamp: number;
  seq?: number;
}

type Block = {
  type?: unknown;
  text?: unknown;
  name?: unknown;
  id?: unknown;
  input?: unknown;
  content?: unknown;
  isError?: unknown;
  toolUseId?: unknown;
  mediaId?: unknown;
  mimeType?: unknown;
  sizeBytes?: unknown;
  previewUrl?: unknown;
};

/** Fetches a stored image by its id as a data: URL (`chat.media`); pages without it show the image's name only. */
export type LoadImage = (mediaId: string) => Promise<string>;

const size = (n: unknown) =>
  typeof n !== 'number' ? '' : ` · ${n < 1024 ? `${n} B` : n < 1024 * 1024 ? `${Math.round(n / 1024)} KB` : `${(n / 1024 / 1024).toFixed(1)} MB`}`;

/** An attached image: the just-sent preview, or the stored picture fetched by reference, else its name. */
function ImageBlock({ block, loadImage }: { block: Block; loadImage?: LoadImage }) {
  const name = typeof block.name === 'string' ? block.name : 'image';
  const preview = typeof block.previewUrl === 'string' ? block.previewUrl : undefined;
  const mediaId = typeof block.mediaId === 'string' ? block.mediaId : undefined;
  const [src, setSrc] = useState(preview);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    if (preview || !mediaId || !loadImage) return;
    let live = true;
    loadImage(mediaId).then(
      (url) => live && setSrc(url),
      () => live && setFailed(true),
    );
    return () => {
      live = false;
    };
  }, [preview, mediaId, loadImage]);
  return (
    <figure className="msg-image" data-testid="message-image" data-media={mediaId ?? ''}>
      {src ? <img src={src} alt={name} /> : null}
      <figcaption className="muted small">
        {name}
        {size(block.sizeBytes)}
        {failed ? ' (no longer stored)' : ''}
      </figcaption>
    </figure>
  );
}

function asText(v: unknown): string {
  if (typeof v === 'string') return v;
  if (Array.isArray(v)) return v.map((b) => (b && typeof b === 'object' && typeof (b as Block).text === 'string' ? (b as Block).text : JSON.stringify(b))).join('\n');
  return JSON.stringify(v, null, 2);
}

function BlockView({ block, role, loadImage }: { block: Block; role: string; loadImage?: LoadImage }) {
  // A reply is Markdown; what a person typed is shown as typed.
  if (block.type === 'text') {
    // A message of images alone has an empty text block: nothing to show for it.
    if (!block.text) return null;
    return role === 'user' ? <p className="msg-text">{String(block.text)}</p> : <Markdown text={String(block.text)} />;
  }
  if (block.type === 'image') return <ImageBlock block={block} loadImage={loadImage} />;
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

export const MessageView = memo(function MessageView({ message, loadImage }: { message: TranscriptMessage; loadImage?: LoadImage }) {
  return (
    <article className={`msg msg-${message.role}`} data-testid="transcript-message" data-role={message.role}>
      <header className="msg-meta">
        <span className="msg-role">{message.role}</span>
        <time className="muted" dateTime={new Date(message.timestamp).toISOString()}>
          {new Date(message.timestamp).toLocaleString()}
        </time>
      </header>
      {message.content.map((b, i) => (
        <BlockView key={i} block={(b ?? {}) as Block} role={message.role} loadImage={loadImage} />
      ))}
    </article>
  );
});
