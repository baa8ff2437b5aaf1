/**
 * Which tray image to load. The images are in `resources/tray/` (drawn by scripts/make-tray-icons.mjs):
 * a template image on macOS (black and alpha only; macOS tints it for the menu bar and shows the
 * pending-approvals count as the tray title beside it), the coloured tile elsewhere, with a red dot when
 * approvals wait. Each has a 16 px file and a 32 px `@2x` file: `nativeImage.createFromPath` on the
 * 1× file loads both, and the OS picks the one for the screen's scale.
 */
import { join } from 'node:path';

/** The tray images by base name, with the pixel size of each scale. */
export const TRAY_ICON_SIZES: Readonly<Record<1 | 2, number>> = { 1: 16, 2: 32 };

export type TrayIconName = 'trayTemplate' | 'tray' | 'trayBadge';

/** The image for a platform, with or without the pending-approvals badge. macOS never badges the image. */
export function trayIconName(platform: NodeJS.Platform, badged: boolean): TrayIconName {
  if (platform === 'darwin') return 'trayTemplate';
  return badged ? 'trayBadge' : 'tray';
}

/** The file for one scale: `tray.png`, `tray@2x.png`. */
export function trayIconFile(name: TrayIconName, scale: 1 | 2 = 1): string {
  return `${name}${scale === 1 ? '' : `@${scale}x`}.png`;
}

/** Where the tray images are: beside the app in a package (extraResources), in the source tree otherwise. */
export function trayIconDir(o: { packaged: boolean; resourcesPath: string; appRoot: string }): string {
  return o.packaged ? join(o.resourcesPath, 'tray') : join(o.appRoot, 'resources', 'tray');
}

/** The path to hand to `nativeImage.createFromPath` (the 1× file; the `@2x` one is found beside it). */
export function trayIconPath(dir: string, platform: NodeJS.Platform, badged: boolean): string {
  return join(dir, trayIconFile(trayIconName(platform, badged)));
}

/** 16×16 tray icon (a red dot), used only when the image files are missing, so the tray is never invisible. */
export const TRAY_ICON_DATA_URL = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAABAAAAAQCAYAAAAf8/9hAAAAbElEQVR4nK2TwQ3AIAgAnYQVmIJNWIb1YBs/7YcmxNAaC4/7EDkBcSjhqJAFQQlFCU0Jp2Meg52APeF6YfqZVMAfiSu8CmBzc1YJRIEcJD9IFNgPgUXBSfmxjT5BuYXyEMvPWF6kllVu+UzH3MSz4CR/iECRAAAAAElFTkSuQmCC';
