import { describe, expect, it } from 'vitest';
import { buildAppMenuModel, DEVELOPER_ROLES, type AppMenuSection } from './app-menu.js';

const roles = (menu: AppMenuSection[]) => menu.flatMap((s) => s.submenu.flatMap((i) => ('role' in i ? [i.role] : [])));

describe('application menu', () => {
  it.each(['darwin', 'win32', 'linux'] as const)('has no reload or developer tools in the packaged app on %s', (platform) => {
    const menu = buildAppMenuModel({ platform, packaged: true });
    for (const role of DEVELOPER_ROLES) expect(roles(menu)).not.toContain(role);
    // Copy and paste stay (on macOS they only work through the Edit menu).
    expect(roles(menu)).toEqual(expect.arrayContaining(['copy', 'paste', 'cut', 'selectAll', 'quit']));
  });

  it('has them in development', () => {
    const menu = buildAppMenuModel({ platform: 'linux', packaged: false });
    expect(roles(menu)).toEqual(expect.arrayContaining([...DEVELOPER_ROLES]));
  });

  it('follows each platform: the app menu on macOS, File elsewhere', () => {
    const mac = buildAppMenuModel({ platform: 'darwin', packaged: true, appName: 'OpenClaw' });
    expect(mac.map((s) => s.label)).toEqual(['OpenClaw', 'Edit', 'View', 'Window', 'Help']);
    // No section takes a whole default menu from Electron (its View menu has Reload and Developer Tools).
    expect(mac.map((s) => s.role)).toEqual([undefined, undefined, undefined, 'windowMenu', 'help']);
    expect(roles([mac[0]!])).toEqual(['about', 'services', 'hide', 'hideOthers', 'unhide', 'quit']);
    const win = buildAppMenuModel({ platform: 'win32', packaged: true });
    expect(win.map((s) => s.label)).toEqual(['File', 'Edit', 'View', 'Window', 'Help']);
    expect(roles(win)).not.toContain('pasteAndMatchStyle');
  });

  it('offers the Control UI in the browser from Help', () => {
    const help = buildAppMenuModel({ platform: 'linux', packaged: true }).at(-1)!;
    expect(help.submenu).toContainEqual({ label: 'Open Control UI in Browser', action: 'open-control-ui-in-browser' });
  });
});
