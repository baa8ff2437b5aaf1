import { describe, expect, it } from 'vitest';
import { imageFileProblem, localEchoContent, MAX_IMAGES, toChatAttachment, type PendingImage } from './attachments.js';

const img: PendingImage = { id: '1', name: 'dot.png', mimeType: 'image/png', sizeBytes: 3, dataUrl: 'data:image/png;base64,iVBO' };

describe('composer images', () => {
  it('takes PNG, JPEG, GIF and WebP up to 5 MB, a few per message', () => {
    expect(imageFileProblem({ name: 'a.png', type: 'image/png', size: 1000 }, 0)).toBeUndefined();
    expect(imageFileProblem({ name: 'a.pdf', type: 'application/pdf', size: 1000 }, 0)).toBe('a.pdf is not a PNG, JPEG, GIF or WebP image.');
    expect(imageFileProblem({ name: 'a.svg', type: 'image/svg+xml', size: 1000 }, 0)).toBe('a.svg is not a PNG, JPEG, GIF or WebP image.');
    expect(imageFileProblem({ name: 'big.jpg', type: 'image/jpeg', size: 6 * 1024 * 1024 }, 0)).toBe('big.jpg is 6.0 MB; an image may be at most 5.0 MB.');
    expect(imageFileProblem({ name: 'a.png', type: 'image/png', size: 1 }, MAX_IMAGES)).toBe(`At most ${MAX_IMAGES} images per message.`);
  });

  it('sends the base64 content with its type and name, and echoes a preview', () => {
    expect(toChatAttachment(img)).toEqual({ type: 'image', mimeType: 'image/png', content: 'iVBO', fileName: 'dot.png' });
    expect(localEchoContent('hi', [img])).toEqual([
      { type: 'text', text: 'hi' },
      { type: 'image', mimeType: 'image/png', name: 'dot.png', sizeBytes: 3, previewUrl: 'data:image/png;base64,iVBO' },
    ]);
  });
});
