import { lexer, type Token, type Tokens } from 'marked';
import { Fragment, memo, useState, type ReactNode } from 'react';

/**
 * Markdown from a model, rendered as React elements straight from marked's tokens: nothing is ever
 * parsed as HTML (raw HTML shows as text), so there is nothing to sanitise afterwards. Links go
 * only to http(s) and mailto addresses and open outside the app; images are shown as links, so a
 * reply cannot make the page load anything.
 */
export const Markdown = memo(function Markdown({ text }: { text: string }) {
  return <div className="md">{blocks(lexer(text, { gfm: true, breaks: true }))}</div>;
});

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' };

/** `&amp;`, `&#39;` and `&#x27;` as characters (marked leaves character references in text). */
export function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-f]{1,6}|#[0-9]{1,7}|[a-z]{2,6});/gi, (whole, ref: string) => {
    if (ref[0] !== '#') return ENTITIES[ref.toLowerCase()] ?? whole;
    const code = ref[1] === 'x' || ref[1] === 'X' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
    return code > 0 && code <= 0x10ffff && (code < 0xd800 || code > 0xdfff) ? String.fromCodePoint(code) : whole;
  });
}

/** The address a link may open, or undefined for anything but http(s) and mailto. */
export function safeHref(href: string): string | undefined {
  try {
    const url = new URL(href);
    return url.protocol === 'http:' || url.protocol === 'https:' || url.protocol === 'mailto:' ? url.href : undefined;
  } catch {
    return undefined;
  }
}

function blocks(tokens: readonly Token[]): ReactNode[] {
  return tokens.map((t, i) => block(t, i));
}

function block(t: Token, key: number): ReactNode {
  switch (t.type) {
    case 'space':
      return null;
    case 'paragraph':
      return <p key={key}>{inline((t as Tokens.Paragraph).tokens)}</p>;
    case 'heading': {
      const h = t as Tokens.Heading;
      // Headings in a reply are emphasis inside a message, not page structure.
      return (
        <p key={key} className={`md-heading md-h${h.depth}`}>
          {inline(h.tokens)}
        </p>
      );
    }
    case 'code':
      return <CodeBlock key={key} code={(t as Tokens.Code).text} lang={(t as Tokens.Code).lang} />;
    case 'blockquote':
      return <blockquote key={key}>{blocks((t as Tokens.Blockquote).tokens)}</blockquote>;
    case 'hr':
      return <hr key={key} />;
    case 'list': {
      const l = t as Tokens.List;
      const items = l.items.map((item, j) => (
        <li key={j}>
          {item.task ? <input type="checkbox" checked={Boolean(item.checked)} readOnly disabled aria-label={item.checked ? 'done' : 'not done'} /> : null}
          {item.loose ? blocks(item.tokens) : item.tokens.map((c, k) => (c.type === 'text' ? <Fragment key={k}>{inlineOf(c)}</Fragment> : block(c, k)))}
        </li>
      ));
      return l.ordered ? (
        <ol key={key} start={typeof l.start === 'number' && l.start !== 1 ? l.start : undefined}>
          {items}
        </ol>
      ) : (
        <ul key={key}>{items}</ul>
      );
    }
    case 'table': {
      const tb = t as Tokens.Table;
      return (
        <div key={key} className="md-table">
          <table>
            <thead>
              <tr>
                {tb.header.map((c, j) => (
                  <th key={j} style={c.align ? { textAlign: c.align } : undefined}>
                    {inline(c.tokens)}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {tb.rows.map((row, r) => (
                <tr key={r}>
                  {row.map((c, j) => (
                    <td key={j} style={c.align ? { textAlign: c.align } : undefined}>
                      {inline(c.tokens)}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      );
    }
    case 'html':
      return (
        <p key={key} className="md-raw">
          {(t as Tokens.HTML).text}
        </p>
      );
    case 'text':
      return <p key={key}>{inlineOf(t as Tokens.Text)}</p>;
    default:
      return 'raw' in t ? <p key={key}>{String(t.raw)}</p> : null;
  }
}

/** A text token's own inline tokens, or its text. */
function inlineOf(t: Tokens.Text | Token): ReactNode {
  const tokens = (t as Tokens.Text).tokens;
  return tokens ? inline(tokens) : decodeEntities((t as Tokens.Text).text);
}

function inline(tokens: readonly Token[] | undefined): ReactNode[] {
  return (tokens ?? []).map((t, i) => {
    switch (t.type) {
      case 'text':
        return <Fragment key={i}>{inlineOf(t)}</Fragment>;
      case 'escape':
        return (t as Tokens.Escape).text;
      case 'strong':
        return <strong key={i}>{inline((t as Tokens.Strong).tokens)}</strong>;
      case 'em':
        return <em key={i}>{inline((t as Tokens.Em).tokens)}</em>;
      case 'del':
        return <del key={i}>{inline((t as Tokens.Del).tokens)}</del>;
      case 'codespan':
        return <code key={i}>{(t as Tokens.Codespan).text}</code>;
      case 'br':
        return <br key={i} />;
      case 'link':
      case 'image': {
        const l = t as Tokens.Link | Tokens.Image;
        const href = safeHref(l.href);
        const label = t.type === 'image' ? `image: ${l.text || l.href}` : inline(l.tokens);
        if (!href) return <span key={i}>{label}</span>;
        return (
          <a key={i} href={href} target="_blank" rel="noopener noreferrer" title={l.title ?? href}>
            {label}
          </a>
        );
      }
      case 'html':
        return <span key={i}>{(t as Tokens.Tag).text}</span>;
      default:
        return 'raw' in t ? String(t.raw) : null;
    }
  });
}

type CopyState = 'idle' | 'copied' | 'failed';

/** A fenced code block with its language and a Copy button. */
function CodeBlock({ code, lang }: { code: string; lang?: string }) {
  const [copy, setCopy] = useState<CopyState>('idle');
  const onCopy = () => {
    const done = (state: CopyState) => {
      setCopy(state);
      setTimeout(() => setCopy('idle'), 2000);
    };
    if (!navigator.clipboard) return done('failed');
    navigator.clipboard.writeText(code).then(
      () => done('copied'),
      () => done('failed'),
    );
  };
  return (
    <figure className="md-code" data-testid="code-block">
      <figcaption>
        <span className="muted">{lang || 'code'}</span>
        <button type="button" className="secondary small-button" onClick={onCopy} title="Copy the code">
          {copy === 'copied' ? 'Copied' : copy === 'failed' ? 'Copy failed' : 'Copy'}
        </button>
      </figcaption>
      <pre>
        <code>{code}</code>
      </pre>
    </figure>
  );
}
