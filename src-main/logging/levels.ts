/** Severity names, most to least severe; `silent` disables a sink entirely. */
export type LogLevel = 'silent' | 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';

/** Every level in order of decreasing severity (`silent` first because it filters everything). */
export const LOG_LEVELS: readonly LogLevel[] = Object.freeze(['silent', 'fatal', 'error', 'warn', 'info', 'debug', 'trace']);

// pino's numbers, so levels read the same as upstream OpenClaw's logs.
const LEVEL_VALUES: Record<LogLevel, number> = {
  silent: Number.POSITIVE_INFINITY,
  fatal: 60,
  error: 50,
  warn: 40,
  info: 30,
  debug: 20,
  trace: 10,
};

/** True when `value` is one of {@link LOG_LEVELS}. */
export function isLogLevel(value: unknown): value is LogLevel {
  return typeof value === 'string' && Object.hasOwn(LEVEL_VALUES, value);
}

/** Numeric severity; higher is more severe. */
export function levelValue(level: LogLevel): number {
  return LEVEL_VALUES[level];
}

/** Whether a record at `level` passes a sink whose threshold is `threshold`. */
export function passesThreshold(level: LogLevel, threshold: LogLevel): boolean {
  return level !== 'silent' && LEVEL_VALUES[level] >= LEVEL_VALUES[threshold];
}
