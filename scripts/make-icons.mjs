#!/usr/bin/env node
// Draws the app icon (three claw marks on a rounded square) and writes every format packaging needs:
// resources/icon.png (1024), resources/icons/<n>x<n>.png (Linux), resources/icon.ico (Windows, PNG entries)
// and resources/icon.icns (macOS, PNG entries). Plain Node (zlib), no image library; run it again after
// changing the drawing. The output is committed, so packaging never needs this script.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ACCENT, WHITE, claw, encodePng, roundedSquare } from './icon-art.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = join(root, 'resources');

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
