import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { desktopSettingsPath, readDesktopSettings, updateDesktopSettings } from './desktop-settings.js';
import { applyAutostartFile, desktopExec, HIDDEN_ARG, planLoginItem } from './login-item.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'openclaw-login-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('start-at-login setting', () => {
  it('defaults to off, and a change is kept', () => {
    expect(readDesktopSettings(dir)).toEqual({ settings: { startAtLogin: false, secretsInKeychain: true } });
    expect(updateDesktopSettings(dir, { startAtLogin: true })).toEqual({ startAtLogin: true, secretsInKeychain: true });
    expect(readDesktopSettings(dir).settings.startAtLogin).toBe(true);
    expect(statSync(desktopSettingsPath(dir)).mode & 0o777).toBe(0o600);
  });

  it('a broken file is reported and the defaults apply; a bad value is refused', () => {
    writeFileSync(desktopSettingsPath(dir), '{ startAtLogin: yes');
    expect(readDesktopSettings(dir)).toMatchObject({ settings: { startAtLogin: false }, problem: expect.stringContaining('is not valid JSON') });
    writeFileSync(desktopSettingsPath(dir), JSON.stringify({ startAtLogin: 'yes', other: 1 }));
    expect(readDesktopSettings(dir).problem).toMatch(/desktop\.json: /);
    expect(() => updateDesktopSettings(dir, { startAtLogin: 'yes' as unknown as boolean })).toThrow(/invalid desktop settings/);
  });
});

describe('login item plans', () => {
  it('macOS and Windows: the OS login item, started hidden', () => {
    for (const platform of ['darwin', 'win32'] as const) {
      expect(planLoginItem(true, { platform, execPath: '/x', env: {} })).toEqual({ kind: 'electron', settings: { openAtLogin: true, args: [HIDDEN_ARG] } });
      expect(planLoginItem(false, { platform, execPath: '/x', env: {} })).toEqual({ kind: 'electron', settings: { openAtLogin: false, args: [] } });
    }
  });

  it('Linux: an XDG autostart file naming the AppImage, written and removed', () => {
    const env = { XDG_CONFIG_HOME: join(dir, 'cfg'), APPIMAGE: '/home/ada/Apps/OpenClaw 1.0.AppImage' };
    const on = planLoginItem(true, { platform: 'linux', execPath: '/tmp/.mount_Open123/openclaw-desktop', env });
    if (on.kind !== 'autostart-file') throw new Error('expected an autostart file');
    expect(on.path).toBe(join(dir, 'cfg', 'autostart', 'openclaw-desktop.desktop'));
    applyAutostartFile(on);
    const text = readFileSync(on.path, 'utf8');
    expect(text).toContain('[Desktop Entry]\nType=Application\n');
    expect(text).toContain('Exec="/home/ada/Apps/OpenClaw 1.0.AppImage" --hidden\n');
    expect(statSync(on.path).mode & 0o777).toBe(0o644);
    const off = planLoginItem(false, { platform: 'linux', execPath: '/usr/bin/openclaw-desktop', env });
    applyAutostartFile(off as Extract<typeof off, { kind: 'autostart-file' }>);
    expect(existsSync(on.path)).toBe(false);
    applyAutostartFile(off as Extract<typeof off, { kind: 'autostart-file' }>);
  });

  it('Linux without XDG_CONFIG_HOME uses ~/.config and the installed binary', () => {
    mkdirSync(join(dir, 'home'));
    const plan = planLoginItem(true, { platform: 'linux', execPath: '/opt/OpenClaw/openclaw-desktop', env: { XDG_CONFIG_HOME: 'relative/ignored' }, home: join(dir, 'home') });
    expect(plan).toMatchObject({ path: join(dir, 'home', '.config', 'autostart', 'openclaw-desktop.desktop'), contents: expect.stringContaining('Exec=/opt/OpenClaw/openclaw-desktop --hidden\n') });
  });
});

describe('Exec quoting (Desktop Entry spec)', () => {
  it.each([
    [['/usr/bin/openclaw-desktop', '--hidden'], '/usr/bin/openclaw-desktop --hidden'],
    [['/opt/My Apps/oc'], '"/opt/My Apps/oc"'],
    [['/home/a$b\\c'], '"/home/a\\\\$b\\\\\\\\c"'],
    [['/x/100%'], '"/x/100%%"'],
    [['/x/"q"`t`'], '"/x/\\\\"q\\\\"\\\\`t\\\\`"'],
  ])('%j → %s', (argv, exec) => {
    expect(desktopExec(argv)).toBe(exec);
  });

  it('refuses a line break', () => {
    expect(() => desktopExec(['/a\nb'])).toThrow(/line break/);
  });
});
