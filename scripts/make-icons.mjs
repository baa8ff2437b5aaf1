#!/usr/bin/env node
// Draws the app icon (three claw marks on a rounded square) and writes every format packaging needs:
// resources/icon.png (1024), resources/icons/<n>x<n>.png (Linux), resources/icon.ico (Windows, PNG entries)
// and resources/icon.icns (macOS, PNG entries). Plain Node (zlib), no image library; run it again after
// changing the drawing. The output is committed, so packaging never needs this script.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = join(root, 'resources');

const ACCENT = [0xd2, 0x45, 0x2f];
const WHITE = [0xff, 0xff, 0xff];

/** Coverage of the shapes at a point in unit coordinates: 0 outside, 1 inside. */
function roundedSquare(x, y) {
  const r = 0.22;
  const m = 0.04; // margin, as the platform guidelines leave around the tile
  const cx = Math.min(Math.max(x, m + r), 1 - m - r);
  const cy = Math.min(Math.max(y, m + r), 1 - m - r);
  return (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
}

function distToSegment(px, py, ax, ay, bx, by) {
  const dx = bx - ax;
  const dy = by - ay;
  const t = Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)));
  return Math.hypot(px - (ax + t * dx), py - (ay + t * dy));
}

const CLAWS = [
  [0.3, 0.3, 0.42, 0.72],
  [0.46, 0.26, 0.58, 0.74],
  [0.62, 0.3, 0.74, 0.72],
];
const claw = (x, y) => CLAWS.some(([ax, ay, bx, by]) => distToSegment(x, y, ax, ay, bx, by) <= 0.045);

/** RGBA pixels of the icon at `size`×`size`, 4×4 supersampled. */
function render(size) {
  const px = Buffer.alloc(size * size * 4);
  const S = 4;
  for (let j = 0; j < size; j++) {
    for (let i = 0; i < size; i++) {
      let bg = 0;
      let fg = 0;
      for (let sj = 0; sj < S; sj++) {
        for (let si = 0; si < S; si++) {
          const x = (i + (si + 0.5) / S) / size;
          const y = (j + (sj + 0.5) / S) / size;
          if (roundedSquare(x, y)) {
            bg++;
            if (claw(x, y)) fg++;
          }
        }
      }
      const o = (j * size + i) * 4;
      const a = bg / (S * S);
      const f = bg ? fg / bg : 0;
      for (let c = 0; c < 3; c++) px[o + c] = Math.round(ACCENT[c] * (1 - f) + WHITE[c] * f);
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

/** ICO with PNG-compressed entries (Windows Vista and later). */
function encodeIco(pngs) {
  const header = Buffer.alloc(6);
  header.writeUInt16LE(0, 0);
  header.writeUInt16LE(1, 2);
  header.writeUInt16LE(pngs.length, 4);
  let offset = 6 + 16 * pngs.length;
  const entries = pngs.map(({ size, png }) => {
    const e = Buffer.alloc(16);
    e[0] = size >= 256 ? 0 : size;
    e[1] = size >= 256 ? 0 : size;
    e.writeUInt16LE(1, 4); // planes
    e.writeUInt16LE(32, 6); // bits per pixel
    e.writeUInt32LE(png.length, 8);
    e.writeUInt32LE(offset, 12);
    offset += png.length;
    return e;
  });
  return Buffer.concat([header, ...entries, ...pngs.map((p) => p.png)]);
}

/** ICNS with PNG entries, by OSType. */
const ICNS_TYPES = { 16: 'icp4', 32: 'icp5', 64: 'icp6', 128: 'ic07', 256: 'ic08', 512: 'ic09', 1024: 'ic10' };
function encodeIcns(pngs) {
  const parts = pngs.map(({ size, png }) => {
    const h = Buffer.alloc(8);
    h.write(ICNS_TYPES[size], 0, 'ascii');
    h.writeUInt32BE(png.length + 8, 4);
    return Buffer.concat([h, png]);
  });
  const body = Buffer.concat(parts);
  const h = Buffer.alloc(8);
  h.write('icns', 0, 'ascii');
  h.writeUInt32BE(body.length + 8, 4);
  return Buffer.concat([h, body]);
}

const SIZES = [16, 32, 48, 64, 128, 256, 512, 1024];
const pngs = new Map(SIZES.map((s) => [s, encodePng(s, render(s))]));
mkdirSync(join(out, 'icons'), { recursive: true });
writeFileSync(join(out, 'icon.png'), pngs.get(1024));
for (const s of [16, 32, 48, 64, 128, 256, 512]) writeFileSync(join(out, 'icons', `${s}x${s}.png`), pngs.get(s));
writeFileSync(join(out, 'icon.ico'), encodeIco([16, 32, 48, 64, 128, 256].map((size) => ({ size, png: pngs.get(size) }))));
writeFileSync(join(out, 'icon.icns'), encodeIcns([16, 32, 64, 128, 256, 512, 1024].map((size) => ({ size, png: pngs.get(size) }))));
console.log(`make-icons: wrote icon.png, icon.ico, icon.icns and ${SIZES.length - 1} sizes in resources/icons`);
