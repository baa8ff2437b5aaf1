/**
 * Where the app's main process logs now that the gateway runs in its own process: to the same file and
 * at the same level as the gateway (the config's `logging.*`), so one log tells what the app and its
 * gateway did. Read from the config without validating it, as the CLI reads its gateway settings: the
 * gateway process reports a broken config itself, and the app must still be able to log that.
 */
import { parseConfigText, readConfigText } from '../config/load.js';
import { isLogLevel } from '../logging/levels.js';
import type { LoggingSettings } from '../logging/index.js';

export function desktopLogSettings(configPath: string, profile: string | undefined): LoggingSettings {
  const parsed = parseConfigText(readConfigText(configPath));
  const logging = parsed.ok && typeof parsed.value.logging === 'object' && parsed.value.logging !== null ? (parsed.value.logging as Record<string, unknown>) : {};
  // A `${VAR}` reference is the gateway's to resolve; the app keeps the default then.
  const file = typeof logging.file === 'string' && logging.file && !logging.file.includes('${') ? logging.file : undefined;
  return {
    console: false,
    ...(profile ? { profile } : {}),
    ...(isLogLevel(logging.level) ? { level: logging.level } : {}),
    ...(file ? { file } : {}),
    ...(typeof logging.maxFileBytes === 'number' && logging.maxFileBytes > 0 ? { maxFileBytes: logging.maxFileBytes } : {}),
  };
}
