/**
 * What the app does when the window's renderer or one of Electron's helper processes dies: the window is
 * reloaded once; if it dies again soon after, it gets an error page instead (never a crash loop), and
 * every death is reported. The gateway host process is restarted with a growing wait, a few times at
 * most ({@link createRestartPolicy}). Decided from the event history alone, so the callers only act on
 * the answer.
 */

/** Electron's `RenderProcessGoneDetails.reason` (and `child-process-gone`'s). */
export type GoneReason = 'clean-exit' | 'abnormal-exit' | 'killed' | 'crashed' | 'oom' | 'launch-failed' | 'integrity-failure' | 'memory-eviction';

/** Electron's `render-process-gone` details, the part the policy reads. */
export interface RenderGone {
  reason: GoneReason;
  exitCode: number;
}

/** Electron's `child-process-gone` details, the part the policy reads. */
export interface ChildGone {
  /** `GPU`, `Utility`, `Zygote`, `Pepper Plugin`, … */
  type: string;
  reason: GoneReason;
  exitCode: number;
  serviceName?: string;
  name?: string;
}

/** A line for the log and, for the window, a notification. */
export interface CrashReport {
  title: string;
  detail: string;
}

export type RenderDecision =
  /** A normal exit (the window closing): nothing to do. */
  | { action: 'ignore' }
  | { action: 'reload'; report: CrashReport }
  /** It died again within the window after a reload: show the error page and stop reloading. */
  | { action: 'error-page'; report: CrashReport };

export type ChildDecision = { action: 'ignore' } | { action: 'report'; report: CrashReport };

export interface CrashPolicy {
  onRenderGone(details: RenderGone): RenderDecision;
  onChildGone(details: ChildGone): ChildDecision;
  /** The user asked for the window again (tray "Open"): the history starts over. */
  onUserRetry(): void;
  /** The window shows the error page. */
  readonly failed: boolean;
}

export interface CrashPolicyOptions {
  /** Automatic reloads allowed within `windowMs` (default 1). */
  maxReloads?: number;
  /** How long a reload counts against the next death (default 60 s). */
  windowMs?: number;
  now?: () => number;
}

const REASON_TEXT: Record<GoneReason, string> = {
  'clean-exit': 'exited normally',
  'abnormal-exit': 'exited with an error',
  killed: 'was killed',
  crashed: 'crashed',
  oom: 'ran out of memory',
  'launch-failed': 'could not start',
  'integrity-failure': 'failed a code integrity check',
  'memory-eviction': 'was evicted to free memory',
};

export function createCrashPolicy(opts: CrashPolicyOptions = {}): CrashPolicy {
  const maxReloads = opts.maxReloads ?? 1;
  const windowMs = opts.windowMs ?? 60_000;
  const now = opts.now ?? Date.now;
  let reloads: number[] = [];
  let failed = false;

  return {
    get failed() {
      return failed;
    },
    onRenderGone(d) {
      if (d.reason === 'clean-exit') return { action: 'ignore' };
      const t = now();
      reloads = reloads.filter((at) => t - at < windowMs);
      const what = `The OpenClaw window ${REASON_TEXT[d.reason] ?? d.reason} (exit code ${d.exitCode})`;
      // A renderer that cannot even start, or fails its integrity check, will not do better on reload.
      const hopeless = d.reason === 'launch-failed' || d.reason === 'integrity-failure';
      if (failed || hopeless || reloads.length >= maxReloads) {
        failed = true;
        return { action: 'error-page', report: { title: 'The OpenClaw window stopped working', detail: `${what}; it was not reloaded again. The gateway keeps running.` } };
      }
      reloads.push(t);
      return { action: 'reload', report: { title: 'The OpenClaw window was reloaded', detail: `${what}; it was reloaded.` } };
    },
    onChildGone(d) {
      if (d.reason === 'clean-exit') return { action: 'ignore' };
      const name = d.name ?? d.serviceName ?? d.type;
      return { action: 'report', report: { title: `An OpenClaw helper process stopped (${name})`, detail: `${d.type} process ${REASON_TEXT[d.reason] ?? d.reason} (exit code ${d.exitCode})` } };
    },
    onUserRetry() {
      reloads = [];
      failed = false;
    },
  };
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** The error page, as a `data:` URL: static text, no script, nothing to fetch. */
export function crashPageUrl(report: CrashReport): string {
  const esc = (s: string) => s.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);
  const html =
    `<!doctype html><html><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">` +
    `<title>OpenClaw</title><style>body{font:15px system-ui,sans-serif;margin:3em;max-width:40em;color:#222}@media(prefers-color-scheme:dark){body{background:#1e1e1e;color:#ddd}}</style></head>` +
    `<body><h1>${esc(report.title)}</h1><p>${esc(report.detail)}</p>` +
    `<p>Choose <b>Open OpenClaw</b> in the tray menu to open a new window. Chat channels keep working meanwhile.</p></body></html>`;
  return `data:text/html;charset=utf-8,${encodeURIComponent(html)}`;
}

/** How a process ended, as Node and Electron report it. */
export interface ProcessExit {
  code: number | null;
  signal?: string | null;
}

/** "was killed (SIGKILL)", "exited with code 1", "exited normally". */
export function describeExit(exit: ProcessExit): string {
  if (exit.signal) return `was killed (${exit.signal})`;
  if (exit.code === 0) return 'exited normally';
  return exit.code === null ? 'ended' : `exited with code ${exit.code}`;
}

export type RestartDecision =
  /** Start it again after `delayMs`; `attempt` counts the restarts within the window, this one included. */
  | { action: 'restart'; delayMs: number; attempt: number; maxRestarts: number }
  /** It died too often within the window: leave it stopped and say so. */
  | { action: 'give-up'; restarts: number; windowMs: number };

export interface RestartPolicy {
  /** A process that was running ended without being asked to. */
  onUnexpectedExit(): RestartDecision;
  /** The user asked for a fresh start: the history starts over. */
  reset(): void;
}

export interface RestartPolicyOptions {
  /** Restarts allowed within `windowMs` (default 3). */
  maxRestarts?: number;
  /** How long a restart counts (default 5 min). */
  windowMs?: number;
  /** The first wait, doubled for each restart still in the window, up to `max` (default 1 s … 30 s). */
  backoffMs?: { min: number; max: number };
  now?: () => number;
}

/**
 * When a long-running helper process (the gateway host) dies: restart it after a wait that grows with
 * each recent restart, and give up after `maxRestarts` within the window, so a process that cannot stay
 * up never turns into a crash loop.
 */
export function createRestartPolicy(opts: RestartPolicyOptions = {}): RestartPolicy {
  const maxRestarts = opts.maxRestarts ?? 3;
  const windowMs = opts.windowMs ?? 5 * 60_000;
  const backoff = opts.backoffMs ?? { min: 1000, max: 30_000 };
  const now = opts.now ?? Date.now;
  let restarts: number[] = [];
  return {
    onUnexpectedExit() {
      const t = now();
      restarts = restarts.filter((at) => t - at < windowMs);
      if (restarts.length >= maxRestarts) return { action: 'give-up', restarts: restarts.length, windowMs };
      const delayMs = Math.min(backoff.max, backoff.min * 2 ** restarts.length);
      restarts.push(t);
      return { action: 'restart', delayMs, attempt: restarts.length, maxRestarts };
    },
    reset() {
      restarts = [];
    },
  };
}
