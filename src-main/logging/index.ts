/**
 * Logging for the gateway process: a logger per subsystem, JSON lines in a
 * dated file with rotation, an optional stderr sink, live listeners, and
 * redaction of secrets and phone numbers before anything is written.
 */
export { LOG_LEVELS, type LogLevel } from './levels.js';
export type { LogRecord } from './console-sink.js';
export {
  addLogListener,
  closeLogs,
  configureLogging,
  createLogger,
  currentLogFile,
  flushLogs,
  type LogFields,
  type Logger,
  type LoggingSettings,
} from './logger.js';
export { resolveLogFilePath } from './file-sink.js';
export { redactText, redactValue } from './redact.js';
