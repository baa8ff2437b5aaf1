/** Pure helpers for the Usage page: axis scale, bar geometry and number formats. No DOM. */

/** The smallest 1·2·5×10ⁿ at or above `v` (at least 1), so axis labels are round numbers. */
export function niceCeil(v: number): number {
  if (!(v > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 5, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

export interface BarSegment {
  series: number;
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface BarLayout {
  /** Top of the value axis (a round number). */
  max: number;
  /** Gridline values from 0 to max. */
  ticks: number[];
  /** Per column, its stacked segments bottom-up (zero-height segments left out). */
  columns: { x: number; width: number; segments: BarSegment[] }[];
}

/**
 * Stacked columns for `rows` (one array of series values per column) in a `width`×`height` plot
 * area. Columns share the width with a gap of a quarter column; a value is never drawn taller
 * than the plot and a non-zero value is at least one pixel, so a small day is still visible.
 */
export function layoutBars(rows: readonly (readonly number[])[], width: number, height: number): BarLayout {
  const totals = rows.map((r) => r.reduce((a, b) => a + Math.max(0, b), 0));
  const max = niceCeil(Math.max(0, ...totals));
  const slot = rows.length ? width / rows.length : width;
  const barWidth = Math.max(1, slot * 0.75);
  const columns = rows.map((values, i) => {
    const x = i * slot + (slot - barWidth) / 2;
    let base = height;
    const segments: BarSegment[] = [];
    values.forEach((v, series) => {
      if (!(v > 0)) return;
      const h = Math.min(base, Math.max(1, (v / max) * height));
      base -= h;
      segments.push({ series, x, y: base, width: barWidth, height: h });
    });
    return { x, width: barWidth, segments };
  });
  return { max, ticks: [0, max / 2, max], columns };
}

const compact = new Intl.NumberFormat('en', { notation: 'compact', maximumFractionDigits: 1 });
const whole = new Intl.NumberFormat('en');

/** `950`, `12.3K`, `4.5M`. */
export const formatCompact = (n: number): string => compact.format(n);

/** `1,234,567`. */
export const formatCount = (n: number): string => whole.format(n);

/** Dollars with cents, or with enough digits that a small cost does not read as zero. */
export function formatUsd(n: number): string {
  if (n === 0) return '$0.00';
  if (Math.abs(n) >= 0.01) return `$${n.toFixed(2)}`;
  return `$${n.toPrecision(2)}`;
}

/** `2026-05-01` → `May 1` (UTC, as the gateway already cut days in the reader's clock). */
export function shortDate(date: string): string {
  const d = new Date(`${date}T00:00:00Z`);
  return Number.isNaN(d.getTime()) ? date : d.toLocaleDateString('en', { month: 'short', day: 'numeric', timeZone: 'UTC' });
}

/**
 * Which columns get a date label so labels never collide: at most `maxLabels`, evenly spaced and
 * counted back from the last column (today is always labelled, and never crowds its neighbour).
 */
export function labelledColumns(count: number, maxLabels: number): Set<number> {
  const every = Math.max(1, Math.ceil(count / Math.max(1, maxLabels)));
  const shown = new Set<number>();
  for (let i = count - 1; i >= 0; i -= every) shown.add(i);
  return shown;
}
