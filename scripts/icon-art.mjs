// The app's artwork, shared by the icon generators (make-icons.mjs for the app icon, make-tray-icons.mjs
// for the tray): the shapes in unit coordinates (0..1 across the icon) and a PNG encoder. Plain Node (zlib).
import { deflateSync } from 'node:zlib';

export const ACCENT = [0xd2, 0x45, 0x2f];
export const WHITE = [0xff, 0xff, 0xff];

/** Coverage of the shapes at a point in unit coordinates: 0 outside, 1 inside. */
export function roundedSquare(x, y) {
  const r = 0.22;
  const m = 0.04; // margin, as the platform guidelines leave around the tile
  const cx = Math.min(Math.max(x, m + r), 1 - m - r);
  const cy = Math.min(Math.max(y, m + r), 1 - m - r);
  return (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
}

export function distToSegment(px, py, ax, ay, bx, by) {
  const dx = bx - ax;
  const dy = by - ay;
  const t = Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)));
  return Math.hypot(px - (ax + t * dx), py - (ay + t * dy));
}

export const CLAWS = [
  [0.3, 0.3, 0.42, 0.72],
  [0.46, 0.26, 0.58, 0.74],
  [0.62, 0.3, 0.74, 0.72],
];
/** Inside a claw mark; `halfWidth` is the stroke's half width (the app icon's by default). */
export const claw = (x, y, halfWidth = 0.045) => CLAWS.some(([ax, ay, bx, by]) => distToSegment(x, y, ax, ay, bx, by) <= halfWidth);

/** Scales a shape about the claws' centre: `scaled(claw, 1.5)` draws the marks 1.5 times as large. */
export function scaled(shape, factor, cx = 0.52, cy = 0.5) {
  return (x, y, ...rest) => shape(cx + (x - cx) / factor, cy + (y - cy) / factor, ...rest);
}

/**
 * RGBA pixels at `size`×`size`, 4×4 supersampled: `paint(x, y)` gives the colour and opacity
 * (`[r, g, b, a]`, a in 0..1) at a point in unit coordinates, or undefined for nothing there.
 */
export function rasterize(size, paint) {
  const px = Buffer.alloc(size * size * 4);
  const S = 4;
  for (let j = 0; j < size; j++) {
    for (let i = 0; i < size; i++) {
      const sum = [0, 0, 0, 0];
      for (let sj = 0; sj < S; sj++) {
        for (let si = 0; si < S; si++) {
          const c = paint((i + (si + 0.5) / S) / size, (j + (sj + 0.5) / S) / size);
          if (!c) continue;
          for (let k = 0; k < 3; k++) sum[k] += c[k] * c[3];
          sum[3] += c[3];
        }
      }
      const o = (j * size + i) * 4;
      const a = sum[3] / (S * S);
      for (let k = 0; k < 3; k++) px[o + k] = sum[3] ? Math.round(sum[k] / sum[3]) : 0;
      px[o + 3] = Math.round(a * 255);
    }
  }
  return px;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

/** An 8-bit RGBA PNG of `size`×`size` pixels. */
export function encodePng(size, rgba) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // RGBA
  const raw = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) rgba.copy(raw, y * (size * 4 + 1) + 1, y * size * 4, (y + 1) * size * 4);
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw, { level: 9 })), chunk('IEND', Buffer.alloc(0))]);
}
