/**
 * The desktop app's own settings (not the gateway's config): `<state dir>/desktop.json`. A damaged or
 * hand-broken file is reported and the defaults apply; nothing in it is lost until the user changes a
 * setting, which writes the whole file atomically.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Type, type Static } from '@sinclair/typebox';
import { compile } from '../../src-shared/protocol/validate.js';
import { writeConfigAtomic } from '../config/write.js';

export const DesktopSettingsSchema = Type.Object(
  {
    /** Start the app (to the tray) when the user logs in. */
    startAtLogin: Type.Boolean({ default: false }),
    /** Keep the config's secrets encrypted with the OS keychain; `--secrets-export` turns it off. */
    secretsInKeychain: Type.Boolean({ default: true }),
  },
  { additionalProperties: false },
);
export type DesktopSettings = Static<typeof DesktopSettingsSchema>;

export const DEFAULT_DESKTOP_SETTINGS: DesktopSettings = { startAtLogin: false, secretsInKeychain: true };
const validator = compile(DesktopSettingsSchema);

export function desktopSettingsPath(stateDir: string): string {
  return join(stateDir, 'desktop.json');
}

/** The settings, or the defaults with the reason the file could not be used. */
export function readDesktopSettings(stateDir: string): { settings: DesktopSettings; problem?: string } {
  const file = desktopSettingsPath(stateDir);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { settings: { ...DEFAULT_DESKTOP_SETTINGS } };
    return { settings: { ...DEFAULT_DESKTOP_SETTINGS }, problem: `cannot read ${file}: ${(err as Error).message}` };
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { settings: { ...DEFAULT_DESKTOP_SETTINGS }, problem: `${file} is not valid JSON; using the defaults until a setting is changed` };
  }
  const merged = typeof value === 'object' && value !== null ? { ...DEFAULT_DESKTOP_SETTINGS, ...value } : value;
  if (!validator.check(merged)) return { settings: { ...DEFAULT_DESKTOP_SETTINGS }, problem: `${file}: ${validator.explain(merged)}; using the defaults until a setting is changed` };
  return { settings: merged };
}

/** Changes settings and writes the file; throws on a value the schema refuses. */
export function updateDesktopSettings(stateDir: string, patch: Partial<DesktopSettings>): DesktopSettings {
  const next = { ...readDesktopSettings(stateDir).settings, ...patch };
  if (!validator.check(next)) throw new TypeError(`invalid desktop settings: ${validator.explain(next)}`);
  writeConfigAtomic(desktopSettingsPath(stateDir), `${JSON.stringify(next, null, 2)}\n`, { backup: false });
  return next;
}
