/** `session.reset`: when a conversation starts over on its own. */
export interface ResetPolicy {
  mode?: 'none' | 'daily' | 'idle';
  /** Local hour (0–23) at which `daily` starts a new session. Default 4. */
  atHour?: number;
  /** Minutes of silence after which `idle` starts a new session. Default 120. */
  idleMinutes?: number;
}

/** Commands that start a new session when sent as the whole message. */
export const RESET_COMMANDS = ['/new', '/reset'] as const;

export function isResetCommand(text: string): boolean {
  return (RESET_COMMANDS as readonly string[]).includes(text.trim().toLowerCase());
}

/**
 * Whether a session last active at `lastActiveMs` should start over at `nowMs`.
 * `daily`: a local `atHour` boundary passed in between. `idle`: the silence was longer than `idleMinutes`.
 */
export function shouldAutoReset(policy: ResetPolicy | undefined, lastActiveMs: number, nowMs: number, tzOffsetMinutes = new Date(nowMs).getTimezoneOffset()): boolean {
  const mode = policy?.mode ?? 'none';
  if (mode === 'none' || lastActiveMs >= nowMs) return false;
  if (mode === 'idle') return nowMs - lastActiveMs > (policy?.idleMinutes ?? 120) * 60_000;
  // Most recent boundary at local atHour, expressed in UTC milliseconds.
  const hour = policy?.atHour ?? 4;
  const localNow = nowMs - tzOffsetMinutes * 60_000;
  const dayStart = Math.floor(localNow / 86_400_000) * 86_400_000;
  let boundaryLocal = dayStart + hour * 3_600_000;
  if (boundaryLocal > localNow) boundaryLocal -= 86_400_000;
  const boundary = boundaryLocal + tzOffsetMinutes * 60_000;
  return lastActiveMs < boundary;
}
