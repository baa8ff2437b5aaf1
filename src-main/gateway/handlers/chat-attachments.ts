/**
 * `chat.send` attachments: images sent inline (base64 `content`, as upstream clients send them, or
 * a `data:` URL) are checked, stored once in the media folder and passed on as references.
 */
import type { InboundAttachment } from '../../../src-shared/domain/inbound.js';
import type { MethodParams } from '../../../src-shared/protocol/index.js';
import { MAX_IMAGE_BYTES, sniffImageType, type MediaStore } from '../../sessions/media-store.js';
import { InvalidRequestError } from '../errors.js';

type AttachmentParam = NonNullable<MethodParams<'chat.send'>['attachments']>[number];

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const DATA_URL = /^data:([^;,]*)(;[^,]*)?;base64,(.*)$/s;

function refuse(message: string): never {
  throw new InvalidRequestError(message, { code: 'INVALID_ATTACHMENT' });
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

/** Check and store every attachment; refuses the whole message on the first bad one, saying which and why. */
export function storeChatAttachments(raw: readonly AttachmentParam[] | undefined, media: MediaStore): InboundAttachment[] {
  return (raw ?? []).map((a, i) => {
    const name = a.name ?? a.fileName;
    const which = `attachment ${i + 1}${name ? ` (${name})` : ''}`;
    const declared = a.mimeType ?? (a.type && a.type.includes('/') ? a.type : undefined);
    if ((a.type && a.type !== 'image' && !a.type.startsWith('image/')) || (declared && !declared.startsWith('image/'))) {
      refuse(`only images can be attached; ${which} is ${declared ?? a.type}`);
    }
    let b64 = a.content;
    if (b64 === undefined && a.url !== undefined) {
      const m = DATA_URL.exec(a.url);
      if (!m) refuse(`${which} is a link; send the image itself (base64 content or a data: URL), the gateway does not fetch links`);
      if (m[1] && !m[1].startsWith('image/')) refuse(`only images can be attached; ${which} is ${m[1]}`);
      b64 = m[3];
    }
    if (b64 === undefined) refuse(`${which} has no image data: send it as base64 content or a data: URL`);
    b64 = b64.replace(/\s+/g, '');
    if (Math.floor((b64.length * 3) / 4) > MAX_IMAGE_BYTES + 2) refuse(`${which} is about ${mb((b64.length * 3) / 4)}; an image may be at most ${mb(MAX_IMAGE_BYTES)}`);
    if (!BASE64.test(b64) || b64.length % 4 === 1) refuse(`${which} is not valid base64`);
    const bytes = Buffer.from(b64, 'base64');
    if (bytes.length > MAX_IMAGE_BYTES) refuse(`${which} is ${mb(bytes.length)}; an image may be at most ${mb(MAX_IMAGE_BYTES)}`);
    const mimeType = sniffImageType(bytes);
    if (!mimeType) refuse(`${which} is not a PNG, JPEG, GIF or WebP image`);
    const { mediaId, sizeBytes } = media.put(bytes);
    return { kind: 'image' as const, mimeType, mediaId, sizeBytes, ...(name ? { name } : {}) };
  });
}
