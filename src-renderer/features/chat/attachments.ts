/** Images picked in the composer, checked before they are read and sent with `chat.send`. */

/** What the gateway and every image-taking model accept. */
export const ACCEPTED_IMAGE_TYPES = ['image/png', 'image/jpeg', 'image/gif', 'image/webp'] as const;
export const MAX_IMAGE_BYTES = 5 * 1024 * 1024;
/** Images per message (the gateway takes up to 16; more rarely helps a model and makes big frames). */
export const MAX_IMAGES = 4;

export interface PendingImage {
  id: string;
  name: string;
  mimeType: string;
  sizeBytes: number;
  /** `data:<mime>;base64,…`, shown as the thumbnail and sent as the content. */
  dataUrl: string;
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

/** Why a picked file cannot be attached, or undefined when it can. */
export function imageFileProblem(file: { name: string; type: string; size: number }, alreadyPicked: number): string | undefined {
  if (alreadyPicked >= MAX_IMAGES) return `At most ${MAX_IMAGES} images per message.`;
  if (!(ACCEPTED_IMAGE_TYPES as readonly string[]).includes(file.type)) return `${file.name} is not a PNG, JPEG, GIF or WebP image.`;
  if (file.size > MAX_IMAGE_BYTES) return `${file.name} is ${mb(file.size)}; an image may be at most ${mb(MAX_IMAGE_BYTES)}.`;
  return undefined;
}

/** The `chat.send` attachment for a picked image. */
export function toChatAttachment(img: PendingImage): { type: 'image'; mimeType: string; content: string; fileName: string } {
  return { type: 'image', mimeType: img.mimeType, content: img.dataUrl.slice(img.dataUrl.indexOf(',') + 1), fileName: img.name };
}

/** The message as shown right after sending, until the transcript page replaces it. */
export function localEchoContent(text: string, images: readonly PendingImage[]): unknown[] {
  return [{ type: 'text', text }, ...images.map((i) => ({ type: 'image', mimeType: i.mimeType, name: i.name, sizeBytes: i.sizeBytes, previewUrl: i.dataUrl }))];
}
