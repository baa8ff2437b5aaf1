/**
 * The application menu, as data; `main.ts` hands it to `Menu.buildFromTemplate`. Electron's default menu
 * carries Reload, Force Reload and Toggle Developer Tools: a packaged app replaces it with this one, which
 * has them only in development. The Edit menu stays, as on macOS copy and paste work through it.
 */

/** Electron menu roles this menu uses. */
export type AppMenuRole =
  | 'about'
  | 'services'
  | 'hide'
  | 'hideOthers'
  | 'unhide'
  | 'quit'
  | 'undo'
  | 'redo'
  | 'cut'
  | 'copy'
  | 'paste'
  | 'pasteAndMatchStyle'
  | 'delete'
  | 'selectAll'
  | 'minimize'
  | 'zoom'
  | 'close'
  | 'front'
  | 'resetZoom'
  | 'zoomIn'
  | 'zoomOut'
  | 'togglefullscreen'
  | 'reload'
  | 'forceReload'
  | 'toggleDevTools';

/** Actions the app itself carries out. */
export type AppMenuAction = 'open-control-ui-in-browser';

export type AppMenuItem = { role: AppMenuRole } | { label: string; action: AppMenuAction } | { type: 'separator' };

export interface AppMenuSection {
  label: string;
  /**
   * Only roles that add platform behaviour to a menu we fill ourselves (the window list, help search).
   * `appMenu`, `editMenu` and `viewMenu` are left out on purpose: Electron's default View menu has Reload
   * and Developer Tools.
   */
  role?: 'windowMenu' | 'help';
  submenu: AppMenuItem[];
}

/** Roles that let someone poke at or reload the renderer: development only. */
export const DEVELOPER_ROLES: readonly AppMenuRole[] = ['reload', 'forceReload', 'toggleDevTools'];

const SEP: AppMenuItem = { type: 'separator' };

/** Pure: the menu for a platform, packaged (production) or not. */
export function buildAppMenuModel(opts: { platform: NodeJS.Platform; packaged: boolean; appName?: string }): AppMenuSection[] {
  const mac = opts.platform === 'darwin';
  const name = opts.appName ?? 'OpenClaw';
  const sections: AppMenuSection[] = [];
  if (mac) {
    sections.push({
      label: name,
      submenu: [{ role: 'about' }, SEP, { role: 'services' }, SEP, { role: 'hide' }, { role: 'hideOthers' }, { role: 'unhide' }, SEP, { role: 'quit' }],
    });
  } else {
    sections.push({ label: 'File', submenu: [{ role: 'close' }, SEP, { role: 'quit' }] });
  }
  sections.push({
    label: 'Edit',
    submenu: [
      { role: 'undo' },
      { role: 'redo' },
      SEP,
      { role: 'cut' },
      { role: 'copy' },
      { role: 'paste' },
      ...(mac ? [{ role: 'pasteAndMatchStyle' } as const] : []),
      { role: 'delete' },
      SEP,
      { role: 'selectAll' },
    ],
  });
  const developer: AppMenuItem[] = opts.packaged ? [] : [{ role: 'reload' }, { role: 'forceReload' }, { role: 'toggleDevTools' }, SEP];
  sections.push({
    label: 'View',
    submenu: [...developer, { role: 'resetZoom' }, { role: 'zoomIn' }, { role: 'zoomOut' }, SEP, { role: 'togglefullscreen' }],
  });
  sections.push({
    label: 'Window',
    role: 'windowMenu',
    submenu: mac ? [{ role: 'minimize' }, { role: 'zoom' }, SEP, { role: 'front' }] : [{ role: 'minimize' }, { role: 'close' }],
  });
  sections.push({
    label: 'Help',
    role: 'help',
    submenu: [{ label: 'Open Control UI in Browser', action: 'open-control-ui-in-browser' }],
  });
  return sections;
}
