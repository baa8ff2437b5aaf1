import { existsSync, mkdirSync, readFileSync, watch } from 'node:fs';
import { basename, dirname } from 'node:path';

/**
 * Resolves with the first log record (JSON line) in `file` whose text matches `pattern`, waiting for the
 * gateway to write it: a directory watch wakes the check, so nothing polls on a timer.
 */
export function waitForLogLine(file: string, pattern: RegExp, timeoutMs = 10_000, fromOffset = 0): Promise<Record<string, unknown>> {
  const dir = dirname(file);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const find = (): Record<string, unknown> | undefined => {
    if (!existsSync(file)) return undefined;
    const text = readFileSync(file, 'utf8').slice(fromOffset);
    const line = text.split('\n').find((l) => l && pattern.test(l));
    return line ? (JSON.parse(line) as Record<string, unknown>) : undefined;
  };
  return new Promise((resolve, reject) => {
    const first = find();
    if (first) return resolve(first);
    const watcher = watch(dir, (_event, name) => {
      if (name && name !== basename(file)) return;
      const hit = find();
      if (!hit) return;
      clearTimeout(timer);
      watcher.close();
      resolve(hit);
    });
    const timer = setTimeout(() => {
      watcher.close();
      reject(new Error(`timed out after ${timeoutMs} ms waiting for a log line matching ${pattern} in ${file}`));
    }, timeoutMs);
  });
}

/** Current size of the log, to wait only for lines written after this point. */
export function logOffset(file: string): number {
  return existsSync(file) ? readFileSync(file, 'utf8').length : 0;
}
