import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { TRAY_ICON_SIZES, trayIconDir, trayIconFile, trayIconName, trayIconPath, type TrayIconName } from './tray-icon.js';

// pngjs (the QR code library's PNG codec) decodes the committed files.
const { PNG } = createRequire(import.meta.url)('pngjs') as { PNG: { sync: { read(png: Buffer): { width: number; height: number; data: Buffer } } } };

const dir = trayIconDir({ packaged: false, resourcesPath: '/nowhere', appRoot: fileURLToPath(new URL('../..', import.meta.url)) });
const NAMES: TrayIconName[] = ['trayTemplate', 'tray', 'trayBadge'];
const SCALES = [1, 2] as const;

function pixels(name: TrayIconName, scale: 1 | 2) {
  return PNG.sync.read(readFileSync(join(dir, trayIconFile(name, scale))));
}
/** [r, g, b, a] of every pixel. */
function* rgba(img: { data: Buffer }) {
  for (let i = 0; i < img.data.length; i += 4) yield [img.data[i]!, img.data[i + 1]!, img.data[i + 2]!, img.data[i + 3]!] as const;
}

describe('tray images', () => {
  it.each(NAMES.flatMap((n) => SCALES.map((s) => [n, s] as const)))('%s at %i× is a %s px square PNG, not empty', (name, scale) => {
    const img = pixels(name, scale);
    expect([img.width, img.height]).toEqual([TRAY_ICON_SIZES[scale], TRAY_ICON_SIZES[scale]]);
    const opaque = [...rgba(img)].filter((p) => p[3] > 0).length;
    expect(opaque).toBeGreaterThan(img.width * img.height * 0.15);
    // Transparent corners: the shape does not fill the square.
    expect(img.data[3]).toBe(0);
  });

  it('the macOS template is black with alpha only, so macOS can tint it', () => {
    for (const scale of SCALES) for (const [r, g, b] of rgba(pixels('trayTemplate', scale))) expect([r, g, b]).toEqual([0, 0, 0]);
  });

  it('the coloured icon is coloured, and the badged one has the red dot top right and differs nowhere else much', () => {
    for (const scale of SCALES) {
      const plain = pixels('tray', scale);
      const badged = pixels('trayBadge', scale);
      const size = plain.width;
      const at = (img: { data: Buffer }, x: number, y: number) => [...img.data.subarray((y * size + x) * 4, (y * size + x) * 4 + 4)];
      const dot = at(badged, Math.floor(size * 0.75), Math.floor(size * 0.25));
      expect(dot).toEqual([0xe5, 0x39, 0x3b, 0xff]);
      expect(at(plain, Math.floor(size * 0.75), Math.floor(size * 0.25))).not.toEqual(dot);
      // Bottom-left quarter untouched by the badge.
      expect(at(badged, Math.floor(size * 0.2), Math.floor(size * 0.8))).toEqual(at(plain, Math.floor(size * 0.2), Math.floor(size * 0.8)));
      expect([...rgba(plain)].some(([r, g, , a]) => a > 0 && r !== g)).toBe(true);
    }
  });

  it('every image has its @2x file beside it, under the names nativeImage looks for', () => {
    for (const name of NAMES) {
      expect(trayIconFile(name, 1)).toBe(`${name}.png`);
      expect(trayIconFile(name, 2)).toBe(`${name}@2x.png`);
      for (const scale of SCALES) expect(existsSync(join(dir, trayIconFile(name, scale)))).toBe(true);
    }
  });
});

describe('tray image choice', () => {
  it('macOS: the template, badged or not (the count is the tray title there)', () => {
    expect(trayIconName('darwin', false)).toBe('trayTemplate');
    expect(trayIconName('darwin', true)).toBe('trayTemplate');
  });

  it('Windows and Linux: the coloured icon, with the dot while approvals wait', () => {
    for (const platform of ['win32', 'linux'] as const) {
      expect(trayIconName(platform, false)).toBe('tray');
      expect(trayIconName(platform, true)).toBe('trayBadge');
    }
  });

  it('loads the 1× file (the OS takes @2x on HiDPI) from the package or the source tree', () => {
    expect(trayIconPath('/r/tray', 'linux', true)).toBe(join('/r/tray', 'trayBadge.png'));
    expect(trayIconDir({ packaged: true, resourcesPath: '/Applications/OpenClaw.app/Contents/Resources', appRoot: '/x' })).toBe(join('/Applications/OpenClaw.app/Contents/Resources', 'tray'));
    expect(trayIconDir({ packaged: false, resourcesPath: '/x', appRoot: '/src/openclaw' })).toBe(join('/src/openclaw', 'resources', 'tray'));
  });
});
