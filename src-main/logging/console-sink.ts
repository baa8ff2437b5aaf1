import type { LogLevel } from './levels.js';

/** One log line as written to the file and handed to listeners (already redacted). */
export interface LogRecord {
  time: string;
  level: LogLevel;
  subsystem: string;
  message: string;
  [k: string]: unknown;
}

const FIXED_KEYS = new Set(['time', 'level', 'subsystem', 'message']);

const LEVEL_COLORS: Partial<Record<LogLevel, string>> = {
  fatal: '\x1b[35m',
  error: '\x1b[31m',
  warn: '\x1b[33m',
  info: '\x1b[32m',
  debug: '\x1b[36m',
  trace: '\x1b[90m',
};
const DIM = '\x1b[2m';
const RESET = '\x1b[0m';

/** Human-readable line: `HH:MM:SS level [subsystem] message key=value …`. */
export function formatPretty(record: LogRecord, color: boolean): string {
  const d = new Date(record.time);
  const pad = (n: number) => String(n).padStart(2, '0');
  const clock = `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
  const level = color ? `${LEVEL_COLORS[record.level] ?? ''}${record.level}${RESET}` : record.level;
  const subsystem = color ? `${DIM}[${record.subsystem}]${RESET}` : `[${record.subsystem}]`;
  let line = `${clock} ${level} ${subsystem} ${record.message}`;
  for (const [key, value] of Object.entries(record)) {
    if (FIXED_KEYS.has(key) || value === undefined) continue;
    line += ` ${key}=${formatValue(value)}`;
  }
  return line;
}

function formatValue(value: unknown): string {
  if (typeof value === 'string') return /^[^\s"=]+$/.test(value) ? value : JSON.stringify(value);
  if (isSerializedError(value)) return JSON.stringify(`${value.name}: ${value.message}`);
  return JSON.stringify(value) ?? String(value);
}

function isSerializedError(v: unknown): v is { name: string; message: string } {
  return typeof v === 'object' && v !== null && typeof (v as { name?: unknown }).name === 'string' && typeof (v as { message?: unknown }).message === 'string' && 'stack' in v;
}

/** Writes one line to stderr; the only place in src-main allowed to print. */
export function writeConsoleLine(line: string): void {
  try {
    process.stderr.write(`${line}\n`);
  } catch {
    // stderr gone (closed pipe); logging must never throw into the caller
  }
}

/** Colour only on an interactive terminal, and never when NO_COLOR is set. */
export function consoleSupportsColor(): boolean {
  return Boolean(process.stderr.isTTY) && !process.env.NO_COLOR;
}
