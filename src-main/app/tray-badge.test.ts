import { describe, expect, it } from 'vitest';
import { drawBadgeDot } from './tray-badge.js';

/** A solid opaque grey icon. */
function solid(width: number, height: number): Buffer {
  const b = Buffer.alloc(width * height * 4);
  for (let i = 0; i < b.length; i += 4) b.set([0x80, 0x80, 0x80, 0xff], i);
  return b;
}
const px = (b: Buffer, width: number, x: number, y: number) => [...b.subarray((y * width + x) * 4, (y * width + x) * 4 + 4)];

describe('tray badge dot', () => {
  it('paints a red dot in the top-right corner of a BGRA bitmap and leaves the rest', () => {
    const icon = solid(16, 16);
    const out = drawBadgeDot(icon, { width: 16, height: 16 });
    expect(px(out, 16, 12, 3)).toEqual([0x3b, 0x39, 0xe5, 0xff]);
    expect(px(out, 16, 2, 13)).toEqual([0x80, 0x80, 0x80, 0xff]);
    expect(px(out, 16, 0, 0)).toEqual([0x80, 0x80, 0x80, 0xff]);
    // The input is not changed.
    expect(icon.equals(solid(16, 16))).toBe(true);
  });

  it('rings the dot with transparent pixels', () => {
    const out = drawBadgeDot(solid(32, 32), { width: 32, height: 32 });
    // Centre (24, 8), radius 8, ring 2: the pixel just left of the dot is cleared.
    expect(px(out, 32, 14, 8)[3]).toBe(0);
    expect(px(out, 32, 24, 8)).toEqual([0x3b, 0x39, 0xe5, 0xff]);
  });

  it('writes RGBA when asked, for HiDPI sizes too', () => {
    const out = drawBadgeDot(solid(64, 64), { width: 64, height: 64 }, 'rgba');
    expect(px(out, 64, 48, 16)).toEqual([0xe5, 0x39, 0x3b, 0xff]);
  });

  it('refuses a buffer that does not match the size', () => {
    expect(() => drawBadgeDot(Buffer.alloc(10), { width: 16, height: 16 })).toThrow(/16×16 bitmap has 1024 bytes, not 10/);
  });
});
