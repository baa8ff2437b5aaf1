import { consoleSupportsColor, formatPretty, writeConsoleLine, type LogRecord } from './console-sink.js';
import { FileSink, resolveLogFilePath } from './file-sink.js';
import { isLogLevel, passesThreshold, type LogLevel } from './levels.js';
import { redactText, redactValue } from './redact.js';

/** Structured fields attached to a line; redacted before any sink sees them. */
export type LogFields = Record<string, unknown>;

/** A logger bound to one subsystem name such as `gateway/ws` or `channels/telegram`. */
export interface Logger {
  fatal(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  debug(msg: string, fields?: LogFields): void;
  trace(msg: string, fields?: LogFields): void;
  /** A logger for a sub-part: `gateway` → `child('ws')` → `gateway/ws`. */
  child(subsystem: string): Logger;
  /** Whether any sink would write a line at `level`; use it to skip building costly fields. */
  isLevelEnabled(level: LogLevel): boolean;
}

/** The `logging.*` config section; every call replaces the previous settings as a whole. */
export interface LoggingSettings {
  /** Threshold for the file and listeners (default `info`; `OPENCLAW_LOG_LEVEL` overrides). */
  level?: LogLevel;
  /** Threshold for the console (default `info`). */
  consoleLevel?: LogLevel;
  /** Full path of the log file; replaces the dated default. */
  file?: string;
  /** Rotate when the file would exceed this size (default 100 MB). */
  maxFileBytes?: number;
  /** Rotated files kept (`x.1.log` … `x.N.log`, default 5). */
  maxArchives?: number;
  /** Profile name, put in the default file name. */
  profile?: string;
  /** Write to stderr at all (default true). */
  console?: boolean;
  /** `pretty` (default) or `json` lines on stderr. */
  consoleStyle?: 'pretty' | 'json';
}

interface ResolvedSettings {
  level: LogLevel;
  consoleLevel: LogLevel;
  console: boolean;
  consoleStyle: 'pretty' | 'json';
  file?: string;
  profile?: string;
  maxFileBytes: number;
  maxArchives: number;
}

const DEFAULT_MAX_FILE_BYTES = 100 * 1024 * 1024;
const DEFAULT_MAX_ARCHIVES = 5;

function resolveSettings(s: LoggingSettings): ResolvedSettings {
  const envLevel = process.env.OPENCLAW_LOG_LEVEL?.trim().toLowerCase();
  const positive = (n: number | undefined) => typeof n === 'number' && Number.isFinite(n) && n > 0;
  return {
    level: isLogLevel(envLevel) ? envLevel : isLogLevel(s.level) ? s.level : 'info',
    consoleLevel: isLogLevel(s.consoleLevel) ? s.consoleLevel : 'info',
    console: s.console !== false,
    consoleStyle: s.consoleStyle === 'json' ? 'json' : 'pretty',
    file: s.file || undefined,
    profile: s.profile || undefined,
    maxFileBytes: positive(s.maxFileBytes) ? Math.floor(s.maxFileBytes!) : DEFAULT_MAX_FILE_BYTES,
    maxArchives: typeof s.maxArchives === 'number' && s.maxArchives >= 0 ? Math.floor(s.maxArchives) : DEFAULT_MAX_ARCHIVES,
  };
}

const reportedSinkErrors = new Set<string>();
function reportSinkError(message: string): void {
  // Once per message: a full disk would otherwise print on every line.
  if (reportedSinkErrors.has(message)) return;
  reportedSinkErrors.add(message);
  writeConsoleLine(`[openclaw logging] ${message}`);
}

let settings = resolveSettings({});
const fileSink = new FileSink({}, settings, reportSinkError);
const listeners = new Set<(record: LogRecord) => void>();
let inListener = false;

/**
 * Applies (or re-applies, on hot reload) the logging settings. The new levels
 * apply to the next line; a new file path switches the file sink on the next line.
 */
export function configureLogging(next: LoggingSettings): void {
  settings = resolveSettings(next);
  fileSink.reconfigure({ file: settings.file, profile: settings.profile }, settings);
  reportedSinkErrors.clear();
}

/** Resolved path of the file today's lines go to. */
export function currentLogFile(): string {
  return resolveLogFilePath({ file: settings.file, profile: settings.profile, date: new Date() });
}

/** Subscribes to every record that reaches the file level (live tail); returns the unsubscribe. */
export function addLogListener(fn: (record: LogRecord) => void): () => void {
  listeners.add(fn);
  return () => {
    listeners.delete(fn);
  };
}

/** Resolves once buffered output has left the process (file writes are already synchronous). */
export async function flushLogs(): Promise<void> {
  const stderr = process.stderr;
  if (!stderr.writableNeedDrain) return;
  await new Promise<void>((resolve) => {
    const done = () => {
      stderr.off('drain', done);
      stderr.off('close', done);
      stderr.off('error', done);
      resolve();
    };
    stderr.on('drain', done);
    stderr.on('close', done);
    stderr.on('error', done);
  });
}

/** Closes the log file; a later line reopens it, so late shutdown messages are not lost. */
export function closeLogs(): void {
  fileSink.close();
}

/** Creates a logger for `subsystem`; cheap, and always follows the current settings. */
export function createLogger(subsystem: string): Logger {
  return new SubsystemLogger(subsystem);
}

class SubsystemLogger implements Logger {
  constructor(private readonly subsystem: string) {}

  fatal(msg: string, fields?: LogFields): void {
    emit(this.subsystem, 'fatal', msg, fields);
  }
  error(msg: string, fields?: LogFields): void {
    emit(this.subsystem, 'error', msg, fields);
  }
  warn(msg: string, fields?: LogFields): void {
    emit(this.subsystem, 'warn', msg, fields);
  }
  info(msg: string, fields?: LogFields): void {
    emit(this.subsystem, 'info', msg, fields);
  }
  debug(msg: string, fields?: LogFields): void {
    emit(this.subsystem, 'debug', msg, fields);
  }
  trace(msg: string, fields?: LogFields): void {
    emit(this.subsystem, 'trace', msg, fields);
  }
  child(subsystem: string): Logger {
    return new SubsystemLogger(this.subsystem ? `${this.subsystem}/${subsystem}` : subsystem);
  }
  isLevelEnabled(level: LogLevel): boolean {
    return passesThreshold(level, settings.level) || (settings.console && passesThreshold(level, settings.consoleLevel));
  }
}

function emit(subsystem: string, level: LogLevel, msg: string, fields: LogFields | undefined): void {
  const s = settings;
  const toFile = passesThreshold(level, s.level);
  const toConsole = s.console && passesThreshold(level, s.consoleLevel);
  if (!toFile && !toConsole) return;
  try {
    const now = new Date();
    const record = buildRecord(now, level, subsystem, msg, fields);
    const json = JSON.stringify(record);
    if (toFile) {
      fileSink.write(`${json}\n`, now);
      notifyListeners(record);
    }
    if (toConsole) writeConsoleLine(s.consoleStyle === 'json' ? json : formatPretty(record, consoleSupportsColor()));
  } catch (err) {
    // A log call must never take down its caller.
    reportSinkError(`failed to write a log line: ${(err as Error).message}`);
  }
}

function buildRecord(now: Date, level: LogLevel, subsystem: string, msg: string, fields: LogFields | undefined): LogRecord {
  const record: LogRecord = { time: now.toISOString(), level, subsystem, message: redactText(String(msg)) };
  if (fields) {
    const redacted = redactValue(fields);
    if (redacted && typeof redacted === 'object' && !Array.isArray(redacted)) {
      for (const [key, value] of Object.entries(redacted)) {
        // A field named like a fixed key must not overwrite it.
        record[Object.hasOwn(record, key) ? `_${key}` : key] = value;
      }
    }
  }
  return Object.freeze(record);
}

function notifyListeners(record: LogRecord): void {
  // A listener that logs would otherwise recurse forever.
  if (listeners.size === 0 || inListener) return;
  inListener = true;
  try {
    for (const fn of listeners) {
      try {
        fn(record);
      } catch {
        // one broken subscriber must not stop the others or the caller
      }
    }
  } finally {
    inListener = false;
  }
}
