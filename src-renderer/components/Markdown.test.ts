import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { decodeEntities, Markdown, safeHref } from './Markdown.js';

const html = (text: string) => renderToStaticMarkup(createElement(Markdown, { text }));

describe('Markdown', () => {
  it('renders the usual Markdown: emphasis, code, lists, tables, quotes', () => {
    const out = html('# Plan\n\n**bold** _it_ ~~gone~~ `x<y>`\n\n- one\n- two\n\n1. first\n\n> quoted\n\n| a | b |\n| - | - |\n| 1 | 2 |');
    expect(out).toContain('<strong>bold</strong>');
    expect(out).toContain('<em>it</em>');
    expect(out).toContain('<del>gone</del>');
    expect(out).toContain('<code>x&lt;y&gt;</code>');
    expect(out).toMatch(/<ul><li>.*one.*<\/li><li>.*two.*<\/li><\/ul>/);
    expect(out).toContain('<ol>');
    expect(out).toContain('<blockquote>');
    expect(out).toMatch(/<table>.*<th>.*a.*<\/th>.*<td>.*2.*<\/td>/);
  });

  it('shows raw HTML as text: no element, attribute or script from the reply reaches the page', () => {
    const out = html('hi <img src=x onerror="alert(1)"> <script>alert(2)</script>\n\n<iframe src="https://evil.example"></iframe>');
    expect(out).not.toMatch(/<img|<script|<iframe/);
    expect(out).toContain('&lt;img src=x onerror=&quot;alert(1)&quot;&gt;');
    expect(out).toContain('&lt;script&gt;');
    expect(out).toContain('&lt;iframe');
  });

  it('links only to http(s) and mailto, opening outside the app; images become links', () => {
    const out = html('[ok](https://example.com/a?b=1) [bad](javascript:alert(1)) [data](data:text/html,x) <https://auto.example> ![cat](https://img.example/cat.png)');
    expect(out).toContain('<a href="https://example.com/a?b=1" target="_blank" rel="noopener noreferrer"');
    expect(out).toContain('href="https://auto.example/"');
    expect(out).not.toContain('javascript:');
    expect(out).not.toContain('href="data:');
    expect(out).toContain('<span>bad</span>');
    expect(out).not.toContain('<img');
    expect(out).toContain('image: cat');
  });

  it('gives fenced code a language label and a Copy button, and keeps its text exact', () => {
    const out = html('```sh\nls -la && echo "<done>"\n```');
    expect(out).toContain('data-testid="code-block"');
    expect(out).toContain('>sh<');
    expect(out).toContain('>Copy</button>');
    expect(out).toContain('<code>ls -la &amp;&amp; echo &quot;&lt;done&gt;&quot;</code>');
  });

  it('keeps single line breaks of a chat message', () => {
    expect(html('line one\nline two')).toContain('line one<br/>');
  });
});

describe('decodeEntities and safeHref', () => {
  it('decodes character references and leaves unknown ones alone', () => {
    expect(decodeEntities('a &amp; b &lt;c&gt; &#39;d&#x27; &bogus; &#0;')).toBe("a & b <c> 'd' &bogus; &#0;");
  });
  it('accepts only web and mail addresses', () => {
    expect(safeHref('https://x.example/p')).toBe('https://x.example/p');
    expect(safeHref('mailto:me@x.example')).toBe('mailto:me@x.example');
    expect(safeHref('javascript:alert(1)')).toBeUndefined();
    expect(safeHref('  JaVaScRiPt:alert(1)')).toBeUndefined();
    expect(safeHref('/relative')).toBeUndefined();
    expect(safeHref('file:///etc/passwd')).toBeUndefined();
  });
});
