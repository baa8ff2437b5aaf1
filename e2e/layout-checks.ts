import type { Page } from '@playwright/test';

/** The sizes every page must work at: the desktop window's default, and a narrow window or tablet. */
export const VIEWPORTS = [
  { name: 'default', width: 1100, height: 760 },
  { name: 'narrow', width: 640, height: 760 },
] as const;

/**
 * What is wrong with the page's layout as a person would see it, in words (empty when nothing is):
 * the page scrolls sideways, an element sticks out past the window, a table is cut off by its box,
 * text is squeezed to a character or two per line, or chart labels overlap.
 * Runs in the page; e2e is typechecked without the DOM lib, so the page's globals are `any` here.
 */
export async function layoutProblems(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const g = globalThis as any;
    const doc = g.document;
    const problems: string[] = [];
    const viewportWidth: number = doc.documentElement.clientWidth;
    const describe = (el: any): string => {
      const id = el.getAttribute('data-testid') ?? el.id ?? '';
      const cls = typeof el.className === 'string' ? el.className.split(' ').filter(Boolean).join('.') : '';
      return `${el.tagName.toLowerCase()}${id ? `#${id}` : ''}${cls ? `.${cls}` : ''} "${String(el.textContent ?? '').trim().slice(0, 40)}"`;
    };
    const visible = (el: any): boolean => {
      const r = el.getBoundingClientRect();
      return r.width > 0 && r.height > 0 && g.getComputedStyle(el).visibility !== 'hidden';
    };
    /** Whether an ancestor (below the body) clips or scrolls this element horizontally. */
    const insideHorizontalScroller = (el: any): boolean => {
      for (let p = el.parentElement; p && p !== doc.body; p = p.parentElement) {
        const ox = g.getComputedStyle(p).overflowX;
        if (ox === 'auto' || ox === 'scroll' || ox === 'hidden' || ox === 'clip') return true;
      }
      return false;
    };

    if (doc.documentElement.scrollWidth > viewportWidth + 1) {
      problems.push(`the page scrolls sideways: ${doc.documentElement.scrollWidth}px of content in a ${viewportWidth}px window`);
    }

    for (const el of doc.querySelectorAll('body *')) {
      if (!visible(el) || el.closest('.skip-link, .visually-hidden')) continue;
      const r = el.getBoundingClientRect();
      if ((r.right > viewportWidth + 1 || r.left < -1) && !insideHorizontalScroller(el)) {
        problems.push(`${describe(el)} reaches past the window (${Math.round(r.left)}..${Math.round(r.right)} of ${viewportWidth}px)`);
      }
    }

    for (const table of doc.querySelectorAll('main table')) {
      if (!visible(table)) continue;
      const box = table.parentElement;
      if (table.scrollWidth > box.clientWidth + 1) {
        problems.push(`table ${describe(table)} is cut off: ${table.scrollWidth}px wide in a ${box.clientWidth}px box`);
      }
    }

    // Text squeezed into a column too narrow for it: a short word (a time, a level, a name) broken
    // across lines. Long tokens (paths, URLs, codes) may break; short words never should.
    const walker = doc.createTreeWalker(doc.querySelector('main') ?? doc.body, 4 /* NodeFilter.SHOW_TEXT */);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const text = String(node.textContent ?? '');
      if (!node.parentElement || !visible(node.parentElement) || node.parentElement.closest('textarea, pre')) continue;
      for (const m of text.matchAll(/(?<!\S)\S{4,16}(?!\S)/g)) {
        const range = doc.createRange();
        range.setStart(node, m.index);
        range.setEnd(node, m.index + m[0].length);
        const lines = new Set([...range.getClientRects()].filter((rect: any) => rect.width > 0).map((rect: any) => Math.round(rect.top))).size;
        if (lines > 1) {
          problems.push(`"${m[0]}" is broken across ${lines} lines in ${describe(node.parentElement)}`);
          break;
        }
      }
    }

    // Chart labels must not overlap each other.
    for (const svg of doc.querySelectorAll('main svg')) {
      const boxes = [...svg.querySelectorAll('text')].filter(visible).map((t: any) => ({ text: t.textContent, r: t.getBoundingClientRect() }));
      for (let i = 0; i < boxes.length; i++) {
        for (let j = i + 1; j < boxes.length; j++) {
          const a = boxes[i].r;
          const b = boxes[j].r;
          if (a.left < b.right - 0.5 && b.left < a.right - 0.5 && a.top < b.bottom - 0.5 && b.top < a.bottom - 0.5) {
            problems.push(`chart labels "${boxes[i].text}" and "${boxes[j].text}" overlap`);
          }
        }
      }
    }
    return [...new Set(problems)].slice(0, 20);
  });
}
