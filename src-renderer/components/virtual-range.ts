/** Which rows of a fixed-height list to render: the visible ones plus `overscan` either side. */
export function visibleRange(p: { scrollTop: number; viewportHeight: number; rowHeight: number; count: number; overscan?: number }): { start: number; end: number } {
  const overscan = p.overscan ?? 6;
  if (p.count === 0 || p.rowHeight <= 0) return { start: 0, end: 0 };
  const first = Math.floor(Math.max(0, p.scrollTop) / p.rowHeight);
  const shown = Math.ceil(Math.max(0, p.viewportHeight) / p.rowHeight) + 1;
  const start = Math.max(0, Math.min(p.count - 1, first) - overscan);
  const end = Math.min(p.count, first + shown + overscan);
  return { start, end };
}
