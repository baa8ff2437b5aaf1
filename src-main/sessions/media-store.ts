/**
 * Images attached to chat messages, kept as files beside the database: the transcript and the
 * queue hold only a reference (`mediaId`, the SHA-256 of the bytes), so history pages stay small
 * and the same picture sent twice is stored once.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';

/** Per image, what the strictest provider (Anthropic) accepts. */
export const MAX_IMAGE_BYTES = 5 * 1024 * 1024;

/** Image types every provider with image input takes, told apart by their first bytes. */
const SIGNATURES: { mimeType: string; test: (b: Buffer) => boolean }[] = [
  { mimeType: 'image/png', test: (b) => b.length > 8 && b.readUInt32BE(0) === 0x89504e47 && b.readUInt32BE(4) === 0x0d0a1a0a },
  { mimeType: 'image/jpeg', test: (b) => b.length > 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff },
  { mimeType: 'image/gif', test: (b) => b.length > 6 && (b.subarray(0, 6).toString('latin1') === 'GIF87a' || b.subarray(0, 6).toString('latin1') === 'GIF89a') },
  { mimeType: 'image/webp', test: (b) => b.length > 12 && b.subarray(0, 4).toString('latin1') === 'RIFF' && b.subarray(8, 12).toString('latin1') === 'WEBP' },
];

/** The image type of these bytes, or undefined when they are not a PNG, JPEG, GIF or WebP image. */
export function sniffImageType(bytes: Buffer): string | undefined {
  return SIGNATURES.find((s) => s.test(bytes))?.mimeType;
}

const MEDIA_ID = /^[0-9a-f]{64}$/;

export class MediaStore {
  constructor(private readonly dir: string) {}

  /** Store the bytes (once per content) and return their id. */
  put(bytes: Buffer): { mediaId: string; sizeBytes: number } {
    const mediaId = createHash('sha256').update(bytes).digest('hex');
    const file = join(this.dir, mediaId);
    if (!existsSync(file)) {
      mkdirSync(this.dir, { recursive: true, mode: 0o700 });
      // Written aside and renamed, so a crash never leaves half an image under its id.
      const tmp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
      writeFileSync(tmp, bytes, { mode: 0o600 });
      renameSync(tmp, file);
    }
    return { mediaId, sizeBytes: bytes.length };
  }

  /** The bytes of a stored image; undefined for an unknown or malformed id. */
  read(mediaId: string): Buffer | undefined {
    if (!MEDIA_ID.test(mediaId)) return undefined;
    try {
      return readFileSync(join(this.dir, mediaId));
    } catch {
      return undefined;
    }
  }
}
