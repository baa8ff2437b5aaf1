/**
 * Images in a turn: which models take them, the user's content with image references, and the
 * bytes filled in only for the model call (the transcript keeps the references).
 */
import type { InboundMessage } from '../../src-shared/domain/inbound.js';
import type { ResolvedConfig } from '../config/resolve.js';
import { imagePlaceholder } from './providers/image-content.js';
import type { ImageContent, ModelContent, ModelMessage } from './providers/types.js';

/** Reads stored image bytes by id (the media folder). */
export interface ImageSource {
  read(mediaId: string): Buffer | undefined;
}

/**
 * Whether a model takes images: its `models[].input` when the config lists it (`["text", "image"]`);
 * otherwise Anthropic and the OpenAI Responses API do, and an OpenAI-compatible chat server (often
 * a local text model) is assumed not to until its entry says so.
 */
export function modelAcceptsImages(cfg: ResolvedConfig, ref: string): boolean {
  const slash = ref.indexOf('/');
  const provider = cfg.models?.providers?.[slash > 0 ? ref.slice(0, slash) : ref];
  const input = provider?.models?.find((m) => m.id === ref.slice(slash + 1))?.input;
  if (input) return input.includes('image');
  return provider?.api === 'anthropic-messages' || provider?.api === 'openai-responses';
}

/** The refusal when no model of the turn takes images, with the way out. */
export function imagesRefusal(refs: readonly string[]): string {
  const first = refs[0] ?? 'the model';
  const provider = first.includes('/') ? first.slice(0, first.indexOf('/')) : first;
  return (
    `${first} cannot take images, so the message was not sent. Pick a model that can (Chat page model picker), send the text without the image, ` +
    `or, if this model does take images, list it in models.providers.${provider}.models with input ["text", "image"].`
  );
}

export const hasImages = (m: InboundMessage): boolean => (m.attachments ?? []).some((a) => a.kind === 'image' && a.mediaId);

/** The user's message as stored and sent: its text, then a reference per attached image. */
export function userContent(text: string, m: InboundMessage): ModelContent[] {
  const images: ImageContent[] = (m.attachments ?? []).flatMap((a) =>
    a.kind === 'image' && a.mediaId && a.mimeType
      ? [{ type: 'image' as const, mimeType: a.mimeType, mediaId: a.mediaId, ...(a.name ? { name: a.name } : {}), ...(a.sizeBytes !== undefined ? { sizeBytes: a.sizeBytes } : {}) }]
      : [],
  );
  return [{ type: 'text', text }, ...images];
}

/**
 * Messages for one model call: image references get their bytes when the models take images,
 * and become a short note otherwise (or when the file is gone). Messages without images are
 * passed through as they are (their remembered sizes stay valid).
 */
export function withImageData(messages: ModelMessage[], source: ImageSource | undefined, accept: boolean): ModelMessage[] {
  return messages.map((m) => {
    if (!m.content.some((b) => b.type === 'image')) return m;
    return {
      ...m,
      content: m.content.map((b): ModelContent => {
        if (b.type !== 'image') return b;
        const bytes = accept ? source?.read(b.mediaId) : undefined;
        return bytes ? { ...b, data: bytes.toString('base64') } : { type: 'text', text: imagePlaceholder(b) };
      }),
    };
  });
}
