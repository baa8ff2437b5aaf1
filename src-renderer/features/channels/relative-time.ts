import { formatUptime } from '../../health-summary.js';

/**
 * `ts` as "N s/min/h/d ago", coarsened to its largest unit so a table of times stays readable;
 * `never` when there is no time. A clock skewed into the future reads as "just now".
 */
export function formatAgo(ts: number | undefined, now: number): string {
  if (ts === undefined) return 'never';
  const s = Math.floor((now - ts) / 1000);
  if (s < 5) return 'just now';
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86_400) return `${Math.floor(s / 3600)} h ago`;
  return `${Math.floor(s / 86_400)} d ago`;
}

/** Time left until `target` (`4m 10s`), rounded up to whole seconds; undefined once it has passed. */
export function formatCountdown(target: number, now: number): string | undefined {
  const ms = target - now;
  if (ms <= 0) return undefined;
  return formatUptime(Math.ceil(ms / 1000) * 1000);
}
