import { describe, expect, it } from 'vitest';
import { nextNavIndex, pageFromHash } from './pages.js';

describe('pages', () => {
  it('reads a page id from the hash and nothing else', () => {
    expect(pageFromHash('#/sessions')).toBe('sessions');
    expect(pageFromHash('#config')).toBe('config');
    expect(pageFromHash('#gatewayUrl=ws://evil')).toBe('overview');
    expect(pageFromHash('')).toBe('overview');
  });

  it('moves through the sidebar with arrows, wrapping, and Home/End', () => {
    expect(nextNavIndex('ArrowDown', 8, 9)).toBe(0);
    expect(nextNavIndex('ArrowUp', 0, 9)).toBe(8);
    expect(nextNavIndex('End', 2, 9)).toBe(8);
    expect(nextNavIndex('Home', 2, 9)).toBe(0);
    expect(nextNavIndex('a', 2, 9)).toBeUndefined();
  });
});
