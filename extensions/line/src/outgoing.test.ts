import { describe, expect, it } from 'vitest';
import { isLineImageUrl, lineMessages } from './outgoing.js';

const img = (url: string) => ({ type: 'image', originalContentUrl: url, previewImageUrl: url });

describe('lineMessages', () => {
  it.each([
    ['text only', 'hi', [], [{ type: 'text', text: 'hi' }]],
    ['a picture with text', 'look', ['https://x.test/a.jpg'], [{ type: 'text', text: 'look' }, img('https://x.test/a.jpg')]],
    ['a picture alone', '', ['https://x.test/a.png'], [img('https://x.test/a.png')]],
    ['a file becomes a link', 'doc', ['https://x.test/a.pdf'], [{ type: 'text', text: 'doc\nhttps://x.test/a.pdf' }]],
    ['plain http is a link', '', ['http://x.test/a.jpg'], [{ type: 'text', text: 'http://x.test/a.jpg' }]],
    ['nothing at all', ' ', [], []],
  ])('%s', (_n, text, urls, expected) => {
    expect(lineMessages(text, urls)).toEqual(expected);
  });

  it('keeps to five message objects: pictures past that are links in the text', () => {
    const urls = Array.from({ length: 6 }, (_, i) => `https://x.test/${i}.jpg`);
    const out = lineMessages('six', urls);
    expect(out).toHaveLength(5);
    expect(out[0]).toEqual({ type: 'text', text: 'six\nhttps://x.test/4.jpg\nhttps://x.test/5.jpg' });
    expect(out.slice(1)).toEqual(urls.slice(0, 4).map(img));
  });

  it('knows what LINE shows as an image', () => {
    expect(isLineImageUrl('https://x.test/p.JPEG?v=1')).toBe(true);
    expect(isLineImageUrl('https://x.test/p.gif')).toBe(false);
    expect(isLineImageUrl(`https://x.test/${'a'.repeat(2000)}.jpg`)).toBe(false);
    expect(isLineImageUrl('not a url')).toBe(false);
  });
});
