import { useLayoutEffect, useRef, type ReactNode } from 'react';

/**
 * Gives every body cell the text of its column header as `data-label`, so a table too wide for
 * its box can be shown as one labelled block per row (see `.table-wrap` in styles.css). Cells that
 * span columns (notes under a row) get none.
 */
export function labelCells(table: HTMLTableElement): void {
  const headers = [...(table.tHead?.rows[0]?.cells ?? [])].map((c) => c.textContent?.trim() ?? '');
  for (const body of table.tBodies) {
    for (const row of body.rows) {
      let column = 0;
      for (const cell of row.cells) {
        const label = cell.colSpan === 1 && cell.tagName === 'TD' ? headers[column] : undefined;
        if (label) cell.setAttribute('data-label', label);
        else cell.removeAttribute('data-label');
        column += cell.colSpan;
      }
    }
  }
}

/** Show the box's tables as labelled rows when one of them is wider than the box. */
function fitTables(box: HTMLElement): void {
  box.classList.remove('table-stacked');
  const tooWide = [...box.querySelectorAll('table')].some((t) => t.scrollWidth > box.clientWidth + 1);
  box.classList.toggle('table-stacked', tooWide);
}

/**
 * The box around a data table. When the table does not fit (a small window, or half of one) it
 * turns into one labelled block per row instead of scrolling sideways or being cut off.
 */
export function TableWrap({ children }: { children: ReactNode }) {
  const ref = useRef<HTMLDivElement>(null);
  useLayoutEffect(() => {
    const box = ref.current;
    if (!box) return;
    const refit = () => {
      box.querySelectorAll('table').forEach(labelCells);
      fitTables(box);
    };
    refit();
    // New rows or text may need the other layout; so may a new width (stacking changes only the height).
    const mutations = new MutationObserver(refit);
    mutations.observe(box, { childList: true, subtree: true, characterData: true });
    let width = box.clientWidth;
    const resizes = new ResizeObserver(() => {
      if (box.clientWidth === width) return;
      width = box.clientWidth;
      fitTables(box);
    });
    resizes.observe(box);
    return () => {
      mutations.disconnect();
      resizes.disconnect();
    };
  }, []);
  return (
    <div className="table-wrap" ref={ref}>
      {children}
    </div>
  );
}
