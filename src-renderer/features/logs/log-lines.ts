/** Levels from most to least verbose, with pino's numbers (what the gateway's JSON lines use). */
export const LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const;
export type Level = (typeof LEVELS)[number];
const NUMBERS: Record<number, Level> = { 10: 'trace', 20: 'debug', 30: 'info', 40: 'warn', 50: 'error', 60: 'fatal' };

export interface LogEntry {
  /** Position in the tail, stable for React keys. */
  id: number;
  time?: string;
  level?: Level;
  subsystem?: string;
  message: string;
  /** The other fields, as `key=value`. */
  extra: string;
}

/** One JSON log line → entry; a line that is not JSON is kept whole as the message. */
export function parseLogLine(line: string, id: number): LogEntry {
  let rec: Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse(line);
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return { id, message: line, extra: '' };
    rec = parsed as Record<string, unknown>;
  } catch {
    return { id, message: line, extra: '' };
  }
  const { time, level, subsystem, message, msg, ...rest } = rec;
  const lvl = typeof level === 'number' ? NUMBERS[level] : (LEVELS as readonly unknown[]).includes(level) ? (level as Level) : undefined;
  return {
    id,
    time: typeof time === 'string' ? time : typeof time === 'number' ? new Date(time).toISOString() : undefined,
    level: lvl,
    subsystem: typeof subsystem === 'string' ? subsystem : undefined,
    message: String(message ?? msg ?? ''),
    extra: Object.entries(rest)
      .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
      .join(' '),
  };
}

/** Entries at `min` or more severe; entries without a level always pass (they may be crash output). */
export function atLeast(entries: readonly LogEntry[], min: Level): LogEntry[] {
  const floor = LEVELS.indexOf(min);
  return entries.filter((e) => e.level === undefined || LEVELS.indexOf(e.level) >= floor);
}

/** Keep the newest `max` entries. */
export function appendCapped(entries: readonly LogEntry[], more: readonly LogEntry[], max: number): LogEntry[] {
  const all = [...entries, ...more];
  return all.length > max ? all.slice(all.length - max) : all;
}
