/**
 * The pending-approvals badge on the tray icon: a red dot drawn into the icon's pixels (Windows and Linux;
 * macOS shows the count as the tray title instead, beside a template image). scripts/make-tray-icons.mjs
 * draws resources/tray/trayBadge*.png with it; pure pixel work on a raw buffer, so it is tested without Electron.
 */

export interface BitmapSize {
  width: number;
  height: number;
}

/** Channel order of the buffer: Electron's bitmaps are BGRA. */
export type PixelOrder = 'bgra' | 'rgba';

/** The dot's colour, opaque red (#E5393B). */
const DOT = { r: 0xe5, g: 0x39, b: 0x3b };

/**
 * A copy of `bitmap` with a filled red dot in its top-right corner, ringed by one transparent pixel so it
 * stays visible on an icon of the same colour. The dot's diameter is half the icon's width.
 * @throws {RangeError} when the buffer's length does not match `size`
 */
export function drawBadgeDot(bitmap: Buffer, size: BitmapSize, order: PixelOrder = 'bgra'): Buffer {
  const { width, height } = size;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0 || bitmap.length !== width * height * 4) {
    throw new RangeError(`a ${width}×${height} bitmap has ${width * height * 4} bytes, not ${bitmap.length}`);
  }
  const out = Buffer.from(bitmap);
  const radius = width / 4;
  const ring = Math.max(1, width / 16);
  const cx = width - radius;
  const cy = radius;
  const [first, third] = order === 'bgra' ? [DOT.b, DOT.r] : [DOT.r, DOT.b];
  for (let y = 0; y < Math.min(height, Math.ceil(cy + radius + ring)); y++) {
    for (let x = Math.floor(cx - radius - ring); x < width; x++) {
      // Distance from the pixel's centre to the dot's centre.
      const d = Math.hypot(x + 0.5 - cx, y + 0.5 - cy);
      const i = (y * width + x) * 4;
      if (d <= radius) {
        out[i] = first;
        out[i + 1] = DOT.g;
        out[i + 2] = third;
        out[i + 3] = 255;
      } else if (d <= radius + ring) {
        out[i + 3] = 0;
      }
    }
  }
  return out;
}
