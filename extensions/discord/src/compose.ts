/**
 * Media by URL on Discord: the bot posts the links and Discord unfurls them
 * into previews, so nothing is downloaded or re-uploaded here (no fetching
 * of arbitrary URLs from the gateway host). The links ride in the same
 * message when they fit, otherwise in follow-up messages.
 */

/** The message contents for one send, each within `limit` characters. */
export function composeContents(text: string, mediaUrls: readonly string[], limit: number): string[] {
  const urls = mediaUrls.map((u) => u.trim()).filter(Boolean);
  if (urls.length === 0) return text ? [text] : [];
  const together = [text, ...urls].filter(Boolean).join('\n');
  if (together.length <= limit) return [together];
  const out = text ? [text] : [];
  let current = '';
  for (const url of urls) {
    const next = current ? `${current}\n${url}` : url;
    if (next.length <= limit) {
      current = next;
      continue;
    }
    if (current) out.push(current);
    current = url;
  }
  if (current) out.push(current);
  return out;
}
