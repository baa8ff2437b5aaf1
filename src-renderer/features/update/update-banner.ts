import type { DesktopUpdateSnapshot } from '../../../src-shared/protocol/desktop.js';

/** What the window's update banner shows; undefined when there is nothing to say. */
export interface UpdateBannerModel {
  text: string;
  /** "Restart to update", disabled (with the reason beside it) while a reply is being written. */
  restart?: { label: string; enabled: boolean; hint?: string };
}

/** Validates what the main process pushed; anything unexpected means no banner rather than a broken one. */
export function parseUpdateSnapshot(value: unknown): DesktopUpdateSnapshot | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const v = value as { update?: { phase?: unknown; version?: unknown }; runningTurns?: unknown };
  if (typeof v.update?.phase !== 'string' || typeof v.runningTurns !== 'number') return undefined;
  return value as DesktopUpdateSnapshot;
}

/** Pure: the banner for an update snapshot. Quiet: only a downloaded update (and its restart) is shown. */
export function updateBanner(s: DesktopUpdateSnapshot | undefined): UpdateBannerModel | undefined {
  if (!s) return undefined;
  const u = s.update;
  switch (u.phase) {
    case 'ready':
      return {
        text: `Update ${u.version} ready`,
        restart: s.runningTurns > 0 ? { label: 'Restart to update', enabled: false, hint: 'after the current reply' } : { label: 'Restart to update', enabled: true },
      };
    case 'waiting-for-turns':
      return { text: `Update ${u.version} installs after the current reply` };
    case 'installing':
      return { text: `Restarting to install update ${u.version}…` };
    default:
      return undefined;
  }
}
