import fs from 'node:fs';
import path from 'node:path';
import { watch } from 'chokidar';
import { diffConfigPaths } from '../../src-shared/domain/config-schema.js';
import { ConfigError } from './errors.js';
import { hashConfigText, loadConfigFromText, readConfigText, type LoadedConfig } from './load.js';
import { DEFAULT_RELOAD_DEBOUNCE_MS } from './resolve.js';

// Longer than chokidar's 50 ms 'change' throttle window.
const FOLLOW_UP_MS = 75;

/** What the watcher reports after the file settled on new content. */
export type ConfigReloadEvent = { ok: true; result: LoadedConfig; changedPaths: string[] } | { ok: false; error: ConfigError };

/** Options for {@link watchConfig}. */
export interface WatchConfigOptions {
  /** Quiet period after the last file event before reloading (default 150 ms). */
  debounceMs?: number;
  /** Called once per distinct new file content. Invalid content gives `{ok: false}`; log "config reload skipped (invalid config)" and keep the last good config. */
  onReload: (event: ConfigReloadEvent) => void;
  /** Watcher failures and exceptions thrown by `onReload`; the watcher itself never throws. */
  onError?: (err: unknown) => void;
  /** The config the caller is running with; `changedPaths` are computed against it. Defaults to loading the file now. */
  initial?: LoadedConfig;
}

/** A running config watcher. */
export interface ConfigWatcher {
  /** Resolves once the file system watch is armed; changes before that may be missed. */
  ready: Promise<void>;
  close(): Promise<void>;
}

/**
 * Watches `configPath` for edits, atomic renames (editors, `writeConfigAtomic`),
 * creation and deletion. Events are debounced and the file is hashed, so a
 * touch or a rewrite with identical content does not fire, nor does the same
 * invalid content twice. `changedPaths` compare resolved configs (env and
 * defaults applied), so they are what the running gateway would see change.
 */
export function watchConfig(configPath: string, env: NodeJS.ProcessEnv, opts: WatchConfigOptions): ConfigWatcher {
  const debounceMs = opts.debounceMs ?? DEFAULT_RELOAD_DEBOUNCE_MS;
  const report = (err: unknown): void => {
    try {
      opts.onError?.(err);
    } catch {
      // An error sink that throws has nowhere left to report to.
    }
  };

  let lastGood: LoadedConfig | undefined = opts.initial;
  let lastHash: string | undefined = opts.initial && (opts.initial.exists ? opts.initial.hash : contentKey(null));
  if (lastGood === undefined) {
    const raw = safeRead(configPath, report);
    lastHash = contentKey(raw === undefined ? null : raw);
    const initial = loadConfigFromText(raw ?? null, configPath, env);
    if (initial.ok) lastGood = initial;
  }

  let timer: ReturnType<typeof setTimeout> | undefined;
  let followUp: ReturnType<typeof setTimeout> | undefined;
  let closed = false;

  const reload = (fromEvent: boolean): void => {
    if (closed) return;
    if (fromEvent) {
      // chokidar drops 'change' events for a path within 50 ms of the previous
      // one, so a save landing right after the one we are reading could go
      // unseen; look once more after that window.
      if (followUp !== undefined) clearTimeout(followUp);
      followUp = setTimeout(() => {
        followUp = undefined;
        reload(false);
      }, FOLLOW_UP_MS);
    }
    const read = readForReload(configPath);
    const hash = 'error' in read ? `unreadable:${read.error.message}` : contentKey(read.raw);
    if (hash === lastHash) return;
    lastHash = hash;
    // A file that cannot be read, or that vanished under a running gateway, is reported and the last good
    // config kept: falling back to defaults would silently drop providers, channels and tool policy.
    const result =
      'error' in read
        ? { ok: false as const, error: new ConfigError(configPath, [{ path: '', message: `cannot read file: ${read.error.message}` }], { cause: read.error }) }
        : read.raw === null && lastGood?.exists
          ? { ok: false as const, error: new ConfigError(configPath, [{ path: '', message: 'the file was removed; the running config is kept (restore the file, or write a new one with openclaw config set)' }]) }
          : loadConfigFromText(read.raw, configPath, env);
    let event: ConfigReloadEvent;
    if (result.ok) {
      const changedPaths = diffConfigPaths(lastGood?.resolved ?? {}, result.resolved);
      lastGood = result;
      event = { ok: true, result, changedPaths };
    } else {
      event = { ok: false, error: result.error };
    }
    try {
      opts.onReload(event);
    } catch (err) {
      report(err);
    }
  };

  const schedule = (): void => {
    if (closed) return;
    if (timer !== undefined) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      reload(true);
    }, debounceMs);
  };

  // Watch the directory rather than the file: an atomic rename replaces the
  // inode, which a watch on the file itself can lose; the filter keeps only our file.
  const target = path.resolve(configPath);
  const dir = path.dirname(target);
  try {
    // A watch on a missing directory would never see the file appear; the state dir is ours to create.
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  } catch (err) {
    report(err);
  }
  const watcher = watch(dir, {
    ignoreInitial: true,
    depth: 0,
    ignored: (p: string) => {
      const resolved = path.resolve(p);
      return resolved !== dir && resolved !== target;
    },
  });
  watcher.on('all', (_event, changed) => {
    if (path.resolve(changed) === target) schedule();
  });
  watcher.on('error', report);
  const ready = new Promise<void>((resolve) => watcher.once('ready', () => resolve()));

  return {
    ready,
    async close() {
      closed = true;
      clearTimeout(timer);
      clearTimeout(followUp);
      await watcher.close();
    },
  };
}

/** What the watcher compares: the content hash, with a missing file apart from an empty one. */
function contentKey(raw: string | null): string {
  return raw === null ? 'missing' : hashConfigText(raw);
}

function readForReload(configPath: string): { raw: string | null } | { error: Error } {
  try {
    return { raw: readConfigText(configPath) };
  } catch (err) {
    return { error: err as Error };
  }
}

/** Text of the file, null when missing, undefined when it could not be read (reported). */
function safeRead(configPath: string, report: (err: unknown) => void): string | null | undefined {
  try {
    return readConfigText(configPath);
  } catch (err) {
    report(err);
    return undefined;
  }
}
