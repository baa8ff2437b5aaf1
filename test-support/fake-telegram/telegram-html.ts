/**
 * Telegram's `parse_mode: 'HTML'` as the Bot API applies it: the tags become
 * message entities and users see only the text. Unsupported or unbalanced
 * tags are refused the way Telegram refuses them ("can't parse entities"),
 * so a formatter bug in core shows up in tests instead of in production.
 */

/** One Bot API message entity (offsets and lengths in UTF-16 code units). */
export interface FakeEntity {
  type: string;
  offset: number;
  length: number;
  url?: string;
  language?: string;
  user?: { id: number };
  custom_emoji_id?: string;
}

/** What the HTML became. */
export interface ParsedHtml {
  text: string;
  entities: FakeEntity[];
}

/** The "Bad Request: can't parse entities: …" case. */
export class HtmlParseError extends Error {}

const SIMPLE: Record<string, string> = {
  b: 'bold',
  strong: 'bold',
  i: 'italic',
  em: 'italic',
  u: 'underline',
  ins: 'underline',
  s: 'strikethrough',
  strike: 'strikethrough',
  del: 'strikethrough',
  'tg-spoiler': 'spoiler',
  code: 'code',
  pre: 'pre',
  blockquote: 'blockquote',
};

const NAMED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"' };

function parseAttributes(raw: string): Record<string, string> {
  const attrs: Record<string, string> = {};
  for (const m of raw.matchAll(/([a-z-]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"']+)))?/gi)) {
    attrs[m[1].toLowerCase()] = decodeEntities(m[2] ?? m[3] ?? m[4] ?? '');
  }
  return attrs;
}

function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (all, name: string) => {
    if (name[0] === '#') {
      const code = name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
      return Number.isFinite(code) ? String.fromCodePoint(code) : all;
    }
    return NAMED[name.toLowerCase()] ?? all;
  });
}

interface Open {
  name: string;
  start: number;
  entity?: Omit<FakeEntity, 'offset' | 'length'>;
}

function entityFor(name: string, attrs: Record<string, string>, stack: Open[], at: number): Omit<FakeEntity, 'offset' | 'length'> {
  if (name === 'a') {
    const href = attrs.href ?? '';
    const userId = /^tg:\/\/user\?id=(\d+)$/.exec(href);
    return userId ? { type: 'text_mention', user: { id: Number(userId[1]) } } : { type: 'text_link', url: href };
  }
  if (name === 'span') {
    if (attrs.class !== 'tg-spoiler') throw new HtmlParseError(`Unsupported start tag "span" at byte offset ${at}`);
    return { type: 'spoiler' };
  }
  if (name === 'tg-emoji') return { type: 'custom_emoji', custom_emoji_id: attrs['emoji-id'] ?? '' };
  if (name === 'blockquote' && 'expandable' in attrs) return { type: 'expandable_blockquote' };
  if (name === 'code' && stack.at(-1)?.name === 'pre' && attrs.class?.startsWith('language-')) {
    // <pre><code class="language-x"> sets the language of the enclosing pre.
    const pre = stack.at(-1) as Open;
    pre.entity = { type: 'pre', language: attrs.class.slice('language-'.length) };
    return { type: 'code-in-pre' };
  }
  const type = SIMPLE[name];
  if (!type) throw new HtmlParseError(`Unsupported start tag "${name}" at byte offset ${at}`);
  return { type };
}

/** Parses Telegram HTML; throws `HtmlParseError` with Telegram's wording. */
export function parseTelegramHtml(html: string): ParsedHtml {
  let text = '';
  const entities: FakeEntity[] = [];
  const stack: Open[] = [];
  let i = 0;
  while (i < html.length) {
    const ch = html[i];
    if (ch === '<') {
      const end = html.indexOf('>', i);
      if (end < 0) throw new HtmlParseError(`Can't find end of the tag starting at byte offset ${i}`);
      const body = html.slice(i + 1, end).trim();
      if (body.startsWith('/')) {
        const name = body.slice(1).trim().toLowerCase();
        const open = stack.pop();
        if (!open) throw new HtmlParseError(`Unexpected end tag at byte offset ${i}`);
        if (open.name !== name) throw new HtmlParseError(`Unmatched end tag at byte offset ${i}, expected "</${open.name}>", found "</${name}>"`);
        const length = text.length - open.start;
        if (open.entity && open.entity.type !== 'code-in-pre' && length > 0) entities.push({ ...open.entity, offset: open.start, length });
      } else {
        const m = /^([a-z][a-z0-9-]*)\s*([\s\S]*)$/i.exec(body);
        if (!m) throw new HtmlParseError(`Unsupported start tag at byte offset ${i}`);
        const name = m[1].toLowerCase();
        stack.push({ name, start: text.length, entity: entityFor(name, parseAttributes(m[2]), stack, i) });
      }
      i = end + 1;
    } else if (ch === '&') {
      const m = /^&(#x[0-9a-f]+|#\d+|[a-z]+);/i.exec(html.slice(i, i + 12));
      text += m ? decodeEntities(m[0]) : '&';
      i += m ? m[0].length : 1;
    } else {
      text += ch;
      i++;
    }
  }
  if (stack.length > 0) throw new HtmlParseError(`Can't find end tag corresponding to start tag "${stack.at(-1)?.name}"`);
  entities.sort((a, b) => a.offset - b.offset || b.length - a.length);
  return { text, entities };
}
