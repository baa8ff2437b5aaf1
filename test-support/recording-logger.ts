import type { Logger } from '../src-main/logging/index.js';

/** One line a `MemoryLogger` recorded. */
export interface LoggedLine {
  subsystem: string;
  level: string;
  msg: string;
  fields?: Record<string, unknown>;
}

/** A logger that keeps every line, for assertions. */
export function memoryLogger(subsystem = 'plugins', lines: LoggedLine[] = []): Logger & { lines: LoggedLine[] } {
  const at = (level: string) => (msg: string, fields?: Record<string, unknown>) => void lines.push({ subsystem, level, msg, ...(fields ? { fields } : {}) });
  return {
    lines,
    fatal: at('fatal'),
    error: at('error'),
    warn: at('warn'),
    info: at('info'),
    debug: at('debug'),
    trace: at('trace'),
    child: (name: string) => memoryLogger(`${subsystem}/${name}`, lines),
    isLevelEnabled: () => true,
  };
}

/** A logger that records its lines, for tests that check what a part says. */
export function recordingLogger(): Logger & { lines: LoggedLine[] } {
  return memoryLogger('gateway');
}
