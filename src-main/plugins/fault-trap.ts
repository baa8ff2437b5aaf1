/**
 * Catches errors that in-process plugin code throws outside any call the
 * gateway made (a timer that throws, a promise nobody awaited) and would
 * otherwise end the process. An error is blamed on a plugin when its stack
 * runs through that plugin's folder; the plugin is then marked failed and the
 * gateway goes on. Anything not attributable is rethrown, so the gateway's
 * own bugs still stop it as they would without the trap (Node then exits
 * with code 7 instead of 1, because the rethrow happens inside a handler).
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';

/** The process events the trap listens to (an EventEmitter in tests). */
export interface FaultSource {
  on(event: 'uncaughtException' | 'unhandledRejection', listener: (err: unknown) => void): unknown;
  off(event: 'uncaughtException' | 'unhandledRejection', listener: (err: unknown) => void): unknown;
}

/** Options of the trap. */
export interface FaultTrapOptions {
  /** Loaded in-process plugins: id → root folder (the registry's `inProcessRoots`). */
  roots(): Map<string, string>;
  onFault(pluginId: string, err: unknown, kind: 'uncaughtException' | 'unhandledRejection'): void;
  target?: FaultSource;
}

/** The plugin whose folder appears in the error's stack, if any (the innermost frame wins). */
export function attributeToPlugin(err: unknown, roots: Map<string, string>): string | undefined {
  const stack = err instanceof Error ? err.stack : undefined;
  if (!stack || roots.size === 0) return undefined;
  const needles = [...roots].flatMap(([id, dir]) => {
    const withSep = dir.endsWith(path.sep) ? dir : dir + path.sep;
    return [
      { id, needle: withSep },
      { id, needle: pathToFileURL(withSep).href },
    ];
  });
  for (const line of stack.split('\n').slice(1)) {
    const hit = needles.find((n) => line.includes(n.needle));
    if (hit) return hit.id;
  }
  return undefined;
}

/** Installs the trap; returns a function that removes it. */
export function installPluginFaultTrap(opts: FaultTrapOptions): () => void {
  const target: FaultSource = opts.target ?? process;
  const handle = (kind: 'uncaughtException' | 'unhandledRejection') => (err: unknown) => {
    const id = attributeToPlugin(err, opts.roots());
    if (id === undefined) throw err;
    opts.onFault(id, err, kind);
  };
  const onException = handle('uncaughtException');
  const onRejection = handle('unhandledRejection');
  target.on('uncaughtException', onException);
  target.on('unhandledRejection', onRejection);
  return () => {
    target.off('uncaughtException', onException);
    target.off('unhandledRejection', onRejection);
  };
}
