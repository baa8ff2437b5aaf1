import { describe, expect, it } from 'vitest';
import { formatCompact, formatUsd, labelledColumns, layoutBars, niceCeil, shortDate } from './usage-chart.js';

describe('niceCeil', () => {
  it.each([
    [0, 1],
    [0.3, 0.5],
    [1, 1],
    [3, 5],
    [7, 10],
    [11, 20],
    [1234, 2000],
    [50_001, 100_000],
  ])('%d → %d', (v, want) => expect(niceCeil(v)).toBeCloseTo(want));
});

describe('layoutBars', () => {
  it('stacks series bottom-up on a round scale and keeps a tiny value visible', () => {
    const l = layoutBars([[60, 20], [0, 0], [1, 0]], 300, 100);
    expect(l.max).toBe(100);
    expect(l.ticks).toEqual([0, 50, 100]);
    expect(l.columns).toHaveLength(3);
    const [a, b, c] = l.columns;
    expect(a!.segments).toEqual([
      { series: 0, x: 12.5, y: 40, width: 75, height: 60 },
      { series: 1, x: 12.5, y: 20, width: 75, height: 20 },
    ]);
    expect(b!.segments).toEqual([]);
    expect(c!.segments[0]!.height).toBe(1);
    expect(c!.x).toBeCloseTo(212.5);
  });

  it('draws an all-zero window as empty columns on a 0..1 axis', () => {
    const l = layoutBars([[0], [0]], 100, 50);
    expect(l.max).toBe(1);
    expect(l.columns.every((c) => c.segments.length === 0)).toBe(true);
  });
});

describe('formats', () => {
  it('prints counts, dollars and dates for people', () => {
    expect(formatCompact(950)).toBe('950');
    expect(formatCompact(12_300)).toBe('12.3K');
    expect(formatUsd(0)).toBe('$0.00');
    expect(formatUsd(12.345)).toBe('$12.35');
    expect(formatUsd(0.00042)).toBe('$0.00042');
    expect(shortDate('2026-05-01')).toBe('May 1');
    expect([...labelledColumns(30, 10)].sort((a, b) => a - b)).toEqual([2, 5, 8, 11, 14, 17, 20, 23, 26, 29]);
    expect(labelledColumns(7, 10).size).toBe(7);
    // 30 days and 8 labels: every 4th back from today, so the last two labels are 4 columns apart.
    const shown = [...labelledColumns(30, 8)].sort((a, b) => a - b);
    expect(shown.at(-1)).toBe(29);
    expect(shown.every((c, i) => i === 0 || c - shown[i - 1]! === 4)).toBe(true);
  });
});
