#!/usr/bin/env node
// Draws the tray icons from the app icon's artwork (scripts/icon-art.mjs) into resources/tray/:
//   trayTemplate.png, trayTemplate@2x.png   macOS: black claw marks on transparent (a template image:
//                                           macOS tints it for light and dark menu bars)
//   tray.png, tray@2x.png                   Windows and Linux: the coloured tile
//   trayBadge.png, trayBadge@2x.png         the same with the pending-approvals dot (src-main/app/tray-badge.ts)
// 16 px at 1×, 32 px at 2×: Electron's nativeImage loads `name.png` and picks `name@2x.png` on HiDPI
// screens itself. Plain Node (zlib) and esbuild; run it again after changing the drawing. The output is
// committed, so packaging never needs this script.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { ACCENT, WHITE, claw, encodePng, roundedSquare, rasterize, scaled } from './icon-art.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = join(root, 'resources', 'tray');

// The badge dot is drawn by the same code the app once drew it with at run time: one dot, one place.
const bundled = await build({ entryPoints: [join(root, 'src-main/app/tray-badge.ts')], bundle: true, format: 'esm', platform: 'node', write: false, logLevel: 'silent' });
const { drawBadgeDot } = await import(`data:text/javascript;base64,${Buffer.from(bundled.outputFiles[0].text).toString('base64')}`);

// Small sizes want bolder marks than the app icon: larger, with thicker strokes.
const templateClaw = scaled(claw, 1.6);
const tileClaw = scaled(claw, 1.2);
const BLACK = [0, 0, 0];

const template = (size) => rasterize(size, (x, y) => (templateClaw(x, y, 0.045 * 1.35) ? [...BLACK, 1] : undefined));
const tile = (size) => rasterize(size, (x, y) => (roundedSquare(x, y) ? [...(tileClaw(x, y, 0.045 * 1.3) ? WHITE : ACCENT), 1] : undefined));

const files = {};
for (const [scale, size] of [['', 16], ['@2x', 32]]) {
  const colored = tile(size);
  files[`trayTemplate${scale}.png`] = encodePng(size, template(size));
  files[`tray${scale}.png`] = encodePng(size, colored);
  files[`trayBadge${scale}.png`] = encodePng(size, drawBadgeDot(colored, { width: size, height: size }, 'rgba'));
}
mkdirSync(out, { recursive: true });
for (const [name, png] of Object.entries(files)) writeFileSync(join(out, name), png);
console.log(`make-tray-icons: wrote ${Object.keys(files).join(', ')} in resources/tray`);
