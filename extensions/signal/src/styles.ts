/**
 * Markdown → Signal's plain text plus style ranges. Signal renders bold,
 * italic, strikethrough, monospace and spoilers from ranges sent beside the
 * text (`textStyle: ["start:length:STYLE"]`, UTF-16 offsets as in JS), not
 * from markup, so the markup is removed and its spans become ranges.
 */

export type SignalStyle = 'BOLD' | 'ITALIC' | 'STRIKETHROUGH' | 'MONOSPACE' | 'SPOILER';

export interface StyledText {
  text: string;
  styles: { start: number; length: number; style: SignalStyle }[];
}

const TOKEN =
  /```[^\n`]*\n?([\s\S]*?)```|`([^`\n]+)`|\*\*(?=\S)([\s\S]*?\S)\*\*|__(?=\S)([\s\S]*?\S)__|~~(?=\S)([\s\S]*?\S)~~|\|\|(?=\S)([\s\S]*?\S)\|\||(?<![\w*])\*(?=[^\s*])([^*\n]*?[^\s*])\*(?![\w*])|(?<![\w_])_(?=[^\s_])([^_\n]*?[^\s_])_(?![\w_])|\[([^\]\n]+)\]\((\S+?)\)/g;

function render(md: string): StyledText {
  const out: StyledText = { text: '', styles: [] };
  let last = 0;
  const add = (inner: StyledText, style?: SignalStyle) => {
    const start = out.text.length;
    for (const s of inner.styles) out.styles.push({ ...s, start: s.start + start });
    out.text += inner.text;
    if (style && inner.text.length) out.styles.push({ start, length: inner.text.length, style });
  };
  for (const m of md.matchAll(TOKEN)) {
    out.text += md.slice(last, m.index);
    last = m.index + m[0].length;
    const [, block, code, bold1, bold2, strike, spoiler, italic1, italic2, linkText, linkUrl] = m;
    if (block !== undefined) add({ text: block.replace(/\n$/, ''), styles: [] }, 'MONOSPACE');
    else if (code !== undefined) add({ text: code, styles: [] }, 'MONOSPACE');
    else if (bold1 ?? bold2) add(render((bold1 ?? bold2)!), 'BOLD');
    else if (strike !== undefined) add(render(strike), 'STRIKETHROUGH');
    else if (spoiler !== undefined) add(render(spoiler), 'SPOILER');
    else if (italic1 ?? italic2) add(render((italic1 ?? italic2)!), 'ITALIC');
    else if (linkText !== undefined) add(render(linkText === linkUrl ? linkText : `${linkText} (${linkUrl})`));
  }
  out.text += md.slice(last);
  return out;
}

/** Converts Markdown (what core sends for `format: markdown`) into Signal text and styles. */
export function markdownToSignal(markdown: string): StyledText {
  // Headings have no Signal style of their own: bold lines read the same.
  const flattened = markdown.replace(/^#{1,6}[ \t]+(.+?)[ \t]*#*$/gm, '**$1**');
  return render(flattened);
}

/** Ranges in signal-cli's `textStyle` form. */
export function textStyleParam(styles: StyledText['styles']): string[] {
  return styles.map((s) => `${s.start}:${s.length}:${s.style}`);
}
