import type { ImageContent } from './types.js';

/** `data:<mime>;base64,…`, how both OpenAI APIs take an inline image. */
export const imageDataUrl = (c: ImageContent): string => `data:${c.mimeType};base64,${c.data ?? ''}`;

/** What the model reads instead of an image it is not sent (its file is gone, or the model takes no images). */
export const imagePlaceholder = (c: Pick<ImageContent, 'name' | 'mimeType'>): string => `[image${c.name ? ` ${c.name}` : ''} (${c.mimeType}) not shown to this model]`;
