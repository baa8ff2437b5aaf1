import { marked, type Token, type Tokens } from 'marked';
import type { TextFormat } from '../../src-shared/domain/channel.js';

/**
 * Converts the model's Markdown into what each platform renders. Parsing is
 * marked's (a maintained CommonMark + GFM lexer); only the small per-platform
 * renderers live here.
 */
export function formatForChannel(markdown: string, format: TextFormat): string {
  if (format === 'markdown') return markdown.trim();
  const r = RENDERERS[format];
  return renderBlocks(marked.lexer(markdown), r).replace(/\n{3,}/g, '\n\n').trim();
}

interface InlineStyle {
  escape(s: string): string;
  bold(s: string): string;
  italic(s: string): string;
  strike(s: string): string;
  code(s: string): string;
  pre(code: string, lang?: string): string;
  link(text: string, href: string): string;
  quote(s: string): string;
}

const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const linkAsText = (text: string, href: string) => (text && text !== href ? `${text} (${href})` : href);

const RENDERERS: Record<Exclude<TextFormat, 'markdown'>, InlineStyle> = {
  plain: {
    escape: (s) => s,
    bold: (s) => s,
    italic: (s) => s,
    strike: (s) => s,
    code: (s) => s,
    pre: (s) => s,
    link: linkAsText,
    quote: (s) => s.replace(/^/gm, '> '),
  },
  'telegram-html': {
    escape: escapeHtml,
    bold: (s) => `<b>${s}</b>`,
    italic: (s) => `<i>${s}</i>`,
    strike: (s) => `<s>${s}</s>`,
    code: (s) => `<code>${escapeHtml(s)}</code>`,
    pre: (s, lang) => (lang ? `<pre><code class="language-${escapeHtml(lang)}">${escapeHtml(s)}</code></pre>` : `<pre>${escapeHtml(s)}</pre>`),
    link: (text, href) => `<a href="${escapeHtml(href).replace(/"/g, '&quot;')}">${text}</a>`,
    quote: (s) => `<blockquote>${s}</blockquote>`,
  },
  'slack-mrkdwn': {
    // Slack needs only &, < and > escaped; its own markup uses them.
    escape: escapeHtml,
    bold: (s) => `*${s}*`,
    italic: (s) => `_${s}_`,
    strike: (s) => `~${s}~`,
    code: (s) => `\`${escapeHtml(s)}\``,
    pre: (s) => `\`\`\`\n${escapeHtml(s)}\n\`\`\``,
    link: (text, href) => (text && text !== href ? `<${href}|${text}>` : `<${href}>`),
    quote: (s) => s.replace(/^/gm, '> '),
  },
  whatsapp: {
    escape: (s) => s,
    bold: (s) => `*${s}*`,
    italic: (s) => `_${s}_`,
    strike: (s) => `~${s}~`,
    code: (s) => `\`${s}\``,
    pre: (s) => `\`\`\`${s}\`\`\``,
    link: linkAsText,
    quote: (s) => s.replace(/^/gm, '> '),
  },
};

function renderInline(tokens: Token[] | undefined, r: InlineStyle): string {
  if (!tokens) return '';
  let out = '';
  for (const t of tokens) {
    switch (t.type) {
      case 'strong':
        out += r.bold(renderInline((t as Tokens.Strong).tokens, r));
        break;
      case 'em':
        out += r.italic(renderInline((t as Tokens.Em).tokens, r));
        break;
      case 'del':
        out += r.strike(renderInline((t as Tokens.Del).tokens, r));
        break;
      case 'codespan':
        out += r.code(decodeEntities((t as Tokens.Codespan).text));
        break;
      case 'link':
        out += r.link(renderInline((t as Tokens.Link).tokens, r), (t as Tokens.Link).href);
        break;
      case 'image':
        out += r.link((t as Tokens.Image).text || 'image', (t as Tokens.Image).href);
        break;
      case 'br':
        out += '\n';
        break;
      case 'text': {
        const tt = t as Tokens.Text;
        out += tt.tokens ? renderInline(tt.tokens, r) : r.escape(decodeEntities(tt.text));
        break;
      }
      case 'escape':
        out += r.escape((t as Tokens.Escape).text);
        break;
      default:
        out += r.escape('raw' in t ? String(t.raw) : '');
    }
  }
  return out;
}

function renderBlocks(tokens: Token[], r: InlineStyle): string {
  const parts: string[] = [];
  for (const t of tokens) {
    switch (t.type) {
      case 'space':
        break;
      case 'heading':
        parts.push(r.bold(renderInline((t as Tokens.Heading).tokens, r)));
        break;
      case 'paragraph':
        parts.push(renderInline((t as Tokens.Paragraph).tokens, r));
        break;
      case 'code':
        parts.push(r.pre((t as Tokens.Code).text, (t as Tokens.Code).lang || undefined));
        break;
      case 'blockquote':
        parts.push(r.quote(renderBlocks((t as Tokens.Blockquote).tokens, r)));
        break;
      case 'list': {
        const list = t as Tokens.List;
        const start = typeof list.start === 'number' ? list.start : 1;
        parts.push(
          list.items
            .map((item, i) => {
              const bullet = list.ordered ? `${start + i}.` : '•';
              const box = item.task ? (item.checked ? '☑ ' : '☐ ') : '';
              return `${bullet} ${box}${renderBlocks(item.tokens, r).replace(/\n/g, '\n   ')}`;
            })
            .join('\n'),
        );
        break;
      }
      case 'hr':
        parts.push('———');
        break;
      case 'table': {
        // Platforms without tables get one line per row.
        const table = t as Tokens.Table;
        const row = (cells: Tokens.TableCell[]) => cells.map((c) => renderInline(c.tokens, r)).join(' | ');
        parts.push([row(table.header), ...table.rows.map(row)].join('\n'));
        break;
      }
      case 'text': {
        const tt = t as Tokens.Text;
        parts.push(tt.tokens ? renderInline(tt.tokens, r) : r.escape(decodeEntities(tt.text)));
        break;
      }
      case 'html':
        parts.push(r.escape((t as Tokens.HTML).text));
        break;
      default:
        parts.push(r.escape('raw' in t ? String(t.raw) : ''));
    }
  }
  // List items render their paragraphs without blank lines between them.
  return parts.join('\n\n');
}

function decodeEntities(s: string): string {
  return s.replace(/&(amp|lt|gt|quot|#39);/g, (_, e: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'" })[e]!);
}
