/**
 * Outbound text: core formats replies as Telegram-style HTML (b, i, s, code,
 * pre, a, blockquote), which is a subset of Matrix's
 * `org.matrix.custom.html`. Here it becomes `formatted_body`, with a plain
 * `body` for clients and notifications that show no HTML.
 */

/** The `m.room.message` content for one chunk of core-formatted text. */
export function toMatrixContent(html: string): { msgtype: 'm.text'; body: string; format?: 'org.matrix.custom.html'; formatted_body?: string } {
  const body = htmlToPlain(html);
  if (!/[<&]/.test(html)) return { msgtype: 'm.text', body };
  return { msgtype: 'm.text', body, format: 'org.matrix.custom.html', formatted_body: toMatrixHtml(html) };
}

/** Line breaks become `<br>` outside `<pre>` (HTML collapses them); `<s>` becomes `<del>`, which every client knows. */
export function toMatrixHtml(html: string): string {
  return html
    .split(/(<pre>[\s\S]*?<\/pre>)/)
    .map((part) => (part.startsWith('<pre>') ? part : part.replace(/\n/g, '<br>')))
    .join('')
    .replace(/<s>/g, '<del>')
    .replace(/<\/s>/g, '</del>');
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", apos: "'", nbsp: ' ' };

/** The text a reader sees, without markup: links as `text (url)`, quotes as `> ` lines. */
export function htmlToPlain(html: string): string {
  return decodeEntities(
    html
      .replace(/<a href="([^"]*)">([\s\S]*?)<\/a>/g, (_m, href: string, text: string) => {
        const url = decodeEntities(href);
        const shown = decodeEntities(text.replace(/<[^>]+>/g, ''));
        return shown && shown !== url ? `${text} (${href})` : href;
      })
      .replace(/<blockquote>([\s\S]*?)<\/blockquote>/g, (_m, inner: string) => inner.replace(/^/gm, '> '))
      .replace(/<br\s*\/?>/g, '\n')
      .replace(/<[^>]+>/g, ''),
  );
}

function decodeEntities(s: string): string {
  return s.replace(/&(#\d+|#x[0-9a-f]+|[a-z]+\d*);/gi, (m, name: string) => {
    if (name.startsWith('#x') || name.startsWith('#X')) return String.fromCodePoint(parseInt(name.slice(2), 16));
    if (name.startsWith('#') && name !== '#39') return String.fromCodePoint(Number(name.slice(1)));
    return ENTITIES[name.toLowerCase()] ?? m;
  });
}
