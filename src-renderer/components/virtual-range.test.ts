import { describe, expect, it } from 'vitest';
import { visibleRange } from './virtual-range.js';

describe('visibleRange', () => {
  it('renders only the rows in view plus overscan, whatever the count', () => {
    expect(visibleRange({ scrollTop: 0, viewportHeight: 400, rowHeight: 40, count: 10_000, overscan: 2 })).toEqual({ start: 0, end: 13 });
    expect(visibleRange({ scrollTop: 4000, viewportHeight: 400, rowHeight: 40, count: 10_000, overscan: 2 })).toEqual({ start: 98, end: 113 });
  });

  it('clamps at the end and handles empty lists', () => {
    expect(visibleRange({ scrollTop: 1e9, viewportHeight: 400, rowHeight: 40, count: 50, overscan: 2 })).toEqual({ start: 47, end: 50 });
    expect(visibleRange({ scrollTop: 0, viewportHeight: 400, rowHeight: 40, count: 0 })).toEqual({ start: 0, end: 0 });
  });
});
