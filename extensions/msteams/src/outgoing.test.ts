import { describe, expect, it } from 'vitest';
import { teamsImageType, teamsMessage } from './outgoing.js';

describe('teamsMessage', () => {
  it.each([
    ['https://x.test/a.png', 'image/png'],
    ['https://x.test/a.JPEG?w=1', 'image/jpeg'],
    ['https://x.test/a.gif', 'image/gif'],
    ['http://x.test/a.png', undefined],
    ['https://x.test/a.pdf', undefined],
    ['not a url', undefined],
  ])('%s → %s', (url, type) => {
    expect(teamsImageType(url)).toBe(type);
  });

  it('keeps the text, adds links for files and attachments for pictures', () => {
    expect(teamsMessage('hi', [' https://x.test/a.png ', 'https://x.test/b.zip', ''])).toEqual({
      text: 'hi\n\nhttps://x.test/b.zip',
      attachments: [{ contentType: 'image/png', contentUrl: 'https://x.test/a.png', name: 'a.png' }],
    });
    expect(teamsMessage('only text', [])).toEqual({ text: 'only text', attachments: [] });
  });
});
