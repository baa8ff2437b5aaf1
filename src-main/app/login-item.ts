/**
 * Start at login. macOS and Windows keep it in the OS (Electron's `setLoginItemSettings`); on Linux it
 * is an XDG autostart file, `~/.config/autostart/openclaw-desktop.desktop`, written or removed here.
 * The app started this way gets `--hidden` and opens to the tray without a window.
 */
import { existsSync, rmSync, chmodSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { writeConfigAtomic } from '../config/write.js';

export const HIDDEN_ARG = '--hidden';
export const AUTOSTART_FILE_NAME = 'openclaw-desktop.desktop';

/** What to do to make the OS start the app at login (or stop doing so). */
export type LoginItemPlan =
  | { kind: 'electron'; settings: { openAtLogin: boolean; args: string[] } }
  | { kind: 'autostart-file'; path: string; contents?: string };

export interface LoginItemContext {
  platform: NodeJS.Platform;
  /** The running executable (`process.execPath`). */
  execPath: string;
  env: NodeJS.ProcessEnv;
  home?: string;
}

/** The plan for `enabled` on this platform. */
export function planLoginItem(enabled: boolean, ctx: LoginItemContext): LoginItemPlan {
  if (ctx.platform !== 'linux') return { kind: 'electron', settings: { openAtLogin: enabled, args: enabled ? [HIDDEN_ARG] : [] } };
  const configHome = ctx.env.XDG_CONFIG_HOME?.startsWith('/') ? ctx.env.XDG_CONFIG_HOME : join(ctx.home ?? homedir(), '.config');
  const path = join(configHome, 'autostart', AUTOSTART_FILE_NAME);
  // An AppImage runs from a fresh mount each time: the file must name the AppImage itself.
  const exec = ctx.env.APPIMAGE || ctx.execPath;
  return { kind: 'autostart-file', path, ...(enabled ? { contents: autostartEntry([exec, HIDDEN_ARG]) } : {}) };
}

/** Writes or removes the Linux autostart file of a plan. */
export function applyAutostartFile(plan: Extract<LoginItemPlan, { kind: 'autostart-file' }>): void {
  if (plan.contents === undefined) {
    if (existsSync(plan.path)) rmSync(plan.path);
    return;
  }
  writeConfigAtomic(plan.path, plan.contents, { backup: false });
  chmodSync(plan.path, 0o644);
}

/** A Desktop Entry for the autostart folder that runs `argv`. */
export function autostartEntry(argv: readonly string[]): string {
  return [
    '[Desktop Entry]',
    'Type=Application',
    'Name=OpenClaw',
    'Comment=Your own AI assistant, started at login to the tray',
    `Exec=${desktopExec(argv)}`,
    'Icon=openclaw-desktop',
    'Terminal=false',
    'X-GNOME-Autostart-enabled=true',
    '',
  ].join('\n');
}

/**
 * The `Exec` value for `argv` (Desktop Entry spec): an argument with anything beyond plain characters
 * is double-quoted with `"`, `` ` ``, `$` and `\` escaped inside, `%` is doubled, and then the value is
 * escaped as a string (`\` doubled again). A line break cannot be written and is refused.
 */
export function desktopExec(argv: readonly string[]): string {
  return argv
    .map((arg) => {
      if (/[\r\n]/.test(arg)) throw new Error('an autostart command cannot contain a line break');
      const quoted = /^[A-Za-z0-9_./:=+,@-]+$/.test(arg) ? arg : `"${arg.replace(/["`$\\]/g, '\\$&')}"`;
      return quoted.replace(/%/g, '%%').replace(/\\/g, '\\\\');
    })
    .join(' ');
}
