import { useState, type ReactNode } from 'react';
import { visibleRange } from './virtual-range.js';

interface VirtualListProps<T> {
  items: readonly T[];
  rowHeight: number;
  /** Height of the scrolling viewport in px. */
  height: number;
  renderRow(item: T, index: number): ReactNode;
  rowKey(item: T): string;
  label: string;
  testId?: string;
}

/**
 * A fixed-row-height windowed list: only the rows in view (plus a few) are in the DOM, so 10,000
 * rows cost the same as 30. Written here instead of pulling in a virtualisation library.
 */
export function VirtualList<T>({ items, rowHeight, height, renderRow, rowKey, label, testId }: VirtualListProps<T>) {
  const [scrollTop, setScrollTop] = useState(0);
  const { start, end } = visibleRange({ scrollTop, viewportHeight: height, rowHeight, count: items.length });
  const rows: ReactNode[] = [];
  for (let i = start; i < end; i++) {
    const item = items[i];
    rows.push(
      <li key={rowKey(item)} style={{ position: 'absolute', top: i * rowHeight, height: rowHeight, left: 0, right: 0 }} aria-setsize={items.length} aria-posinset={i + 1}>
        {renderRow(item, i)}
      </li>,
    );
  }
  return (
    <div className="virtual-list" style={{ height }} onScroll={(e) => setScrollTop(e.currentTarget.scrollTop)} data-testid={testId}>
      <ul aria-label={label} style={{ position: 'relative', height: items.length * rowHeight, margin: 0, padding: 0, listStyle: 'none' }}>
        {rows}
      </ul>
    </div>
  );
}
