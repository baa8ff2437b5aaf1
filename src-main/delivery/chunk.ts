import { marked } from 'marked';
import type { TextFormat } from '../../src-shared/domain/channel.js';
import { formatForChannel } from './format.js';

/**
 * Splits a Markdown reply into platform messages no longer than `limit`
 * once formatted. Cuts fall between blocks where possible, then between
 * lines, then between words; a code block cut in two is closed and reopened
 * so both halves still render as code.
 */
export function chunkForChannel(markdown: string, format: TextFormat, limit: number): string[] {
  const whole = formatForChannel(markdown, format);
  if (whole.length <= limit) return whole ? [whole] : [];
  const fits = (md: string) => formatForChannel(md, format).length <= limit;
  const pieces: string[] = [];
  let current = '';
  for (const block of splitBlocks(markdown)) {
    const joined = current ? `${current}\n\n${block}` : block;
    if (fits(joined)) {
      current = joined;
      continue;
    }
    if (current) pieces.push(current);
    current = '';
    if (fits(block)) {
      current = block;
      continue;
    }
    for (const part of splitOversized(block, fits)) {
      const j = current ? `${current}\n${part}` : part;
      if (fits(j)) current = j;
      else {
        if (current) pieces.push(current);
        current = part;
      }
    }
  }
  if (current) pieces.push(current);
  return pieces.map((p) => formatForChannel(p, format)).flatMap((p) => (p.length <= limit ? [p] : hardSplit(p, limit))).filter(Boolean);
}

/** Top-level Markdown blocks as written (code fences kept whole). */
function splitBlocks(markdown: string): string[] {
  return marked
    .lexer(markdown)
    .filter((t) => t.type !== 'space')
    .map((t) => t.raw.replace(/\n+$/, ''))
    .filter(Boolean);
}

/** One block too long for a message: by lines (re-fencing code), then by words. */
function splitOversized(block: string, fits: (md: string) => boolean): string[] {
  const fence = /^(```|~~~)([^\n]*)\n([\s\S]*?)\n?\1\s*$/.exec(block);
  const wrap = fence ? (body: string) => `${fence[1]}${fence[2]}\n${body}\n${fence[1]}` : (body: string) => body;
  const lines = (fence ? fence[3]! : block).split('\n');
  const out: string[] = [];
  let cur: string[] = [];
  for (const line of lines) {
    const next = [...cur, line];
    if (fits(wrap(next.join('\n')))) {
      cur = next;
      continue;
    }
    if (cur.length) out.push(wrap(cur.join('\n')));
    cur = [];
    if (fits(wrap(line))) cur = [line];
    else out.push(...splitWords(line, (s) => fits(wrap(s))).map(wrap));
  }
  if (cur.length) out.push(wrap(cur.join('\n')));
  return out;
}

function splitWords(line: string, fits: (s: string) => boolean): string[] {
  const out: string[] = [];
  let cur = '';
  for (const word of line.split(/(?<=\s)/)) {
    if (fits(cur + word)) cur += word;
    else {
      if (cur) out.push(cur.trimEnd());
      cur = word;
      // A single "word" longer than a message (a URL, a hash) is cut by characters.
      while (!fits(cur) && cur.length > 1) {
        let n = cur.length;
        while (n > 1 && !fits(cur.slice(0, n))) n = Math.floor(n * 0.9);
        out.push(cur.slice(0, n));
        cur = cur.slice(n);
      }
    }
  }
  if (cur.trim()) out.push(cur.trimEnd());
  return out;
}

function hardSplit(text: string, limit: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; i += limit) out.push(text.slice(i, i + limit));
  return out;
}
