/** matrix-js-sdk's logger, routed to the account's log at debug level with secrets scrubbed (the SDK would print to the console). */
import { logger as globalSdkLogger, type Logger } from 'matrix-js-sdk/lib/logger.js';
import type { ChannelLogger } from '../../../src-shared/domain/channel.js';
import { scrubSecrets } from './errors.js';

/**
 * Parts of the SDK (MatrixRTC, the HTTP layer of throwaway clients) log
 * through its global logger straight to the console; the gateway's log is
 * the only place for lines, so that one is silenced.
 */
export function silenceGlobalSdkLogger(): void {
  // Child loggers (one per MatrixRTC session…) copy the parent's method factory and set their own level, so the factory is what must go quiet.
  const root = globalSdkLogger as unknown as { methodFactory?: unknown; rebuild?(): void };
  root.methodFactory = () => () => undefined;
  root.rebuild?.();
}

export function sdkLogger(log: ChannelLogger, secrets: (string | undefined)[]): Logger {
  const line = (...parts: unknown[]) => scrubSecrets(parts.map((p) => (p instanceof Error ? p.message : typeof p === 'string' ? p : safeJson(p))).join(' '), secrets);
  const logger: Logger = {
    trace: () => undefined,
    debug: () => undefined,
    info: () => undefined,
    warn: (...m: unknown[]) => log.debug('matrix-js-sdk', { warn: line(...m) }),
    error: (...m: unknown[]) => log.debug('matrix-js-sdk', { error: line(...m) }),
    getChild: () => logger,
  };
  return logger;
}

function safeJson(v: unknown): string {
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}
