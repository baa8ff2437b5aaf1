/**
 * A reply's pictures as Bot Framework attachments: an image by `contentUrl`
 * is fetched and shown by Teams itself, so the gateway never downloads
 * anything. Teams shows bots' images this way (HTTPS; PNG, JPEG or GIF);
 * other files would need Teams' file-consent upload flow, so they go in the
 * text as links instead.
 */
import type { Attachment } from '@microsoft/agents-activity';

const IMAGE_TYPES: Record<string, string> = { png: 'image/png', jpg: 'image/jpeg', jpeg: 'image/jpeg', gif: 'image/gif' };

/** The image type Teams can show for this URL, if any. */
export function teamsImageType(url: string): string | undefined {
  if (!URL.canParse(url)) return undefined;
  const u = new URL(url);
  if (u.protocol !== 'https:') return undefined;
  return IMAGE_TYPES[/\.([a-z0-9]+)$/i.exec(u.pathname)?.[1]?.toLowerCase() ?? ''];
}

/** The text (with links for what cannot be shown) and the image attachments of one message. */
export function teamsMessage(text: string, mediaUrls: readonly string[]): { text: string; attachments: Attachment[] } {
  const attachments: Attachment[] = [];
  const links: string[] = [];
  for (const url of mediaUrls.map((u) => u.trim()).filter(Boolean)) {
    const contentType = teamsImageType(url);
    if (!contentType) {
      links.push(url);
      continue;
    }
    const name = decodeURIComponent(new URL(url).pathname.split('/').pop() ?? '') || 'image';
    attachments.push({ contentType, contentUrl: url, name });
  }
  return { text: [text, ...links].filter((s) => s.trim() !== '').join('\n\n'), attachments };
}
