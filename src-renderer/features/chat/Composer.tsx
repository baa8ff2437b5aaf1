import { useRef, useState } from 'react';
import { ACCEPTED_IMAGE_TYPES, imageFileProblem, type PendingImage } from './attachments.js';
import { sendsMessage } from './chat-model.js';

interface ComposerProps {
  sending: boolean;
  /** A reply is streaming: offer Stop. */
  streaming: boolean;
  /** Resolves true when the gateway accepted the message (the draft and the images are then cleared). */
  onSend(text: string, images: PendingImage[]): Promise<boolean>;
  onStop(): void;
}

let nextImageId = 0;

function readAsDataUrl(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const r = new FileReader();
    r.onload = () => resolve(String(r.result));
    r.onerror = () => reject(r.error ?? new Error(`could not read ${file.name}`));
    r.readAsDataURL(file);
  });
}

/** The message box: Enter sends, Shift+Enter breaks the line; images attach beside the text; Stop while a reply streams. */
export function Composer({ sending, streaming, onSend, onStop }: ComposerProps) {
  const [draft, setDraft] = useState('');
  const [images, setImages] = useState<PendingImage[]>([]);
  const [problem, setProblem] = useState<string>();
  const fileInput = useRef<HTMLInputElement>(null);

  const send = async () => {
    const text = draft.trim();
    if ((!text && !images.length) || sending) return;
    const sent = images;
    if (await onSend(text, sent)) {
      setDraft((d) => (d.trim() === text ? '' : d));
      setImages((now) => now.filter((i) => !sent.includes(i)));
      setProblem(undefined);
    }
  };

  const pick = async (files: FileList | null) => {
    const problems: string[] = [];
    const added: PendingImage[] = [];
    for (const file of Array.from(files ?? [])) {
      const why = imageFileProblem(file, images.length + added.length);
      if (why) {
        problems.push(why);
        continue;
      }
      try {
        added.push({ id: `img-${++nextImageId}`, name: file.name, mimeType: file.type, sizeBytes: file.size, dataUrl: await readAsDataUrl(file) });
      } catch (err) {
        problems.push(err instanceof Error ? err.message : String(err));
      }
    }
    setImages((now) => [...now, ...added]);
    setProblem(problems.length ? problems.join(' ') : undefined);
    if (fileInput.current) fileInput.current.value = '';
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
      {images.length ? (
        <ul className="composer-images" aria-label="Attached images" data-testid="composer-images">
          {images.map((img) => (
            <li key={img.id} data-testid="composer-image">
              <img src={img.dataUrl} alt={img.name} />
              <span className="composer-image-name" title={img.name}>
                {img.name}
              </span>
              <button type="button" className="secondary small-button" aria-label={`Remove ${img.name}`} onClick={() => setImages((now) => now.filter((i) => i !== img))}>
                ×
              </button>
            </li>
          ))}
        </ul>
      ) : null}
      {problem ? (
        <p role="alert" className="error small" data-testid="composer-problem">
          {problem}
        </p>
      ) : null}
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
        <input
          ref={fileInput}
          id="chat-attach"
          type="file"
          accept={ACCEPTED_IMAGE_TYPES.join(',')}
          multiple
          hidden
          data-testid="chat-attach-input"
          onChange={(e) => void pick(e.target.files)}
        />
        <button type="button" className="secondary" onClick={() => fileInput.current?.click()} disabled={sending} title="PNG, JPEG, GIF or WebP, up to 5 MB each">
          Attach image
        </button>
        {streaming ? (
          <button type="button" className="danger" onClick={onStop}>
            Stop
          </button>
        ) : null}
        <button type="submit" disabled={sending || (!draft.trim() && !images.length)}>
          {sending ? 'Sending…' : 'Send'}
        </button>
      </div>
    </form>
  );
}
