/**
 * One reply as LINE message objects: the text, then an image message per
 * picture. LINE fetches images itself from the URL (HTTPS, JPEG or PNG, at
 * most 2,000 characters), so the gateway never downloads anything; a URL
 * LINE cannot show as an image (another type, plain http, too long) goes in
 * the text as a link instead. LINE takes at most five message objects per
 * request; pictures beyond that are links too.
 */

/** A LINE message object this channel sends. */
export type LineOutMessage = { type: 'text'; text: string } | { type: 'image'; originalContentUrl: string; previewImageUrl: string };

const MAX_MESSAGES = 5;
const MAX_URL = 2000;

/** Whether LINE can show this URL as an image message. */
export function isLineImageUrl(url: string): boolean {
  if (url.length > MAX_URL || !URL.canParse(url)) return false;
  const u = new URL(url);
  return u.protocol === 'https:' && /\.(jpe?g|png)$/i.test(u.pathname);
}

export function lineMessages(text: string, mediaUrls: readonly string[]): LineOutMessage[] {
  const urls = mediaUrls.map((u) => u.trim()).filter(Boolean);
  const images = urls.filter(isLineImageUrl);
  const links = urls.filter((u) => !isLineImageUrl(u));
  const hasText = text.trim() !== '' || links.length > 0;
  const room = MAX_MESSAGES - (hasText ? 1 : 0);
  const shown = images.slice(0, room);
  links.push(...images.slice(room));
  const body = [text, ...links].filter((s) => s.trim() !== '').join('\n');
  return [
    ...(body ? [{ type: 'text' as const, text: body }] : []),
    // The preview is the same picture: LINE asks for at most 1 MB there, and scales it for the chat list.
    ...shown.map((url) => ({ type: 'image' as const, originalContentUrl: url, previewImageUrl: url })),
  ];
}
