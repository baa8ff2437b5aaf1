/**
 * The desktop app's gateway runs in its own process (the host, src-main/gateway/host-process.ts) so the
 * window's main process stays responsive. This supervisor owns that process: it forks it, hands it the
 * secrets by message, waits for `ready` or `failed` (with a time limit), restarts it after an unexpected
 * exit with a growing wait and a cap (crash-policy `createRestartPolicy`: never a crash loop), and stops it
 * on quit (`stop`, then a kill after a time limit). A start that fails is not retried by itself: the
 * reason (port taken, bad config) stays in `state` for the tray until the user asks again.
 *
 * No Electron here: the spawner is injected (`utilityProcess.fork` in main.ts, {@link nodeForkSpawner}
 * under Node), so this is tested with a real child process and a real gateway.
 */
import { fork } from 'node:child_process';
import { parseHostMessage, type HostReadyInfo, type HostStartMessage, type ParentToHost } from '../gateway/host-protocol.js';
import type { Logger } from '../logging/index.js';
import { createRestartPolicy, describeExit, type ProcessExit, type RestartPolicyOptions } from './crash-policy.js';

/** A forked host process, whichever runtime forked it. */
export interface HostChild {
  readonly pid?: number;
  postMessage(message: ParentToHost): void;
  onMessage(fn: (message: unknown) => void): void;
  onExit(fn: (exit: ProcessExit) => void): void;
  /** Ends it now, without waiting for it to close the gateway. */
  kill(): void;
  /** Its stderr, when piped: the last lines explain an exit the host could not report itself. */
  readonly stderr?: NodeJS.ReadableStream | null;
}

export type HostSpawner = (modulePath: string, opts: { serviceName: string }) => HostChild;

export type GatewayPhase = 'starting' | 'running' | 'restarting' | 'stopping' | 'stopped' | 'failed';

export interface GatewayProcessState {
  phase: GatewayPhase;
  /** Why it is restarting or failed, in plain words. */
  reason?: string;
  /** Where the running gateway answers. */
  ready?: HostReadyInfo;
  /** Restarts after unexpected exits since the last start the user asked for. */
  restarts: number;
}

/** The gateway did not start; the message says why, plainly. */
export class GatewayStartError extends Error {
  override readonly name = 'GatewayStartError';
}

export interface GatewayProcessOptions {
  spawn: HostSpawner;
  /** The built host entry (out/main/gateway-host.js in the app, out/node/gateway-host.js under Node). */
  modulePath: string;
  /** What the `start` message carries (renderer dir, decrypted secrets, a port override). */
  start: Omit<HostStartMessage, 'type'>;
  serviceName?: string;
  startTimeoutMs?: number;
  stopTimeoutMs?: number;
  restart?: RestartPolicyOptions;
  onState?(state: GatewayProcessState): void;
  log?: Pick<Logger, 'info' | 'warn' | 'error'>;
}

export interface GatewayProcess {
  readonly state: GatewayProcessState;
  /** Forks the host and resolves once its gateway listens; rejects with {@link GatewayStartError}. */
  start(): Promise<HostReadyInfo>;
  /** After a failure: start afresh, with the restart history cleared. */
  retry(): Promise<HostReadyInfo>;
  /** Asks the host to close the gateway and exit; kills it if it has not after the time limit. */
  stop(reason: string): Promise<void>;
  /** Called each time a host becomes ready (the first start and every restart). */
  onReady(fn: (ready: HostReadyInfo) => void): () => void;
}

export const GATEWAY_SERVICE_NAME = 'OpenClaw Gateway';
const STDERR_TAIL_CHARS = 4096;
const STDERR_DRAIN_MS = 250;

/** The line of a Node crash report that names the error (`Error: …`, `TypeError: …`), else the last line. */
function crashLine(stderr: string): string | undefined {
  const lines = stderr.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('Node.js v'));
  return lines.filter((l) => /^[A-Za-z]*Error\b/.test(l)).at(-1) ?? lines.at(-1);
}

export function createGatewayProcess(opts: GatewayProcessOptions): GatewayProcess {
  const startTimeoutMs = opts.startTimeoutMs ?? 30_000;
  const stopTimeoutMs = opts.stopTimeoutMs ?? 5000;
  const serviceName = opts.serviceName ?? GATEWAY_SERVICE_NAME;
  const policy = createRestartPolicy(opts.restart);
  const readyListeners = new Set<(ready: HostReadyInfo) => void>();
  let state: GatewayProcessState = { phase: 'stopped', restarts: 0 };
  let child: HostChild | undefined;
  let childAlive = false;
  let childExited: Promise<void> = Promise.resolve();
  let restartTimer: NodeJS.Timeout | undefined;
  /** The pending start the caller of start()/retry() waits for. */
  let waiting: { resolve(r: HostReadyInfo): void; reject(e: Error): void } | undefined;

  const stoppingOrStopped = () => state.phase === 'stopping' || state.phase === 'stopped';

  const set = (patch: Partial<GatewayProcessState>) => {
    state = { ...state, ...patch };
    opts.onState?.(state);
  };

  const fail = (reason: string) => {
    opts.log?.error('gateway stopped', { reason });
    set({ phase: 'failed', reason, ready: undefined });
    waiting?.reject(new GatewayStartError(reason));
    waiting = undefined;
  };

  const launch = () => {
    const c = opts.spawn(opts.modulePath, { serviceName });
    child = c;
    childAlive = true;
    let stderr = '';
    let stderrEnded = false;
    const stderrDone = new Promise<void>((resolve) => {
      if (!c.stderr) return resolve();
      c.stderr.once('end', resolve);
      c.stderr.once('error', resolve);
    }).then(() => (stderrEnded = true));
    let reported: string | undefined;
    let wasReady = false;
    let failedAtStart = false;
    c.stderr?.setEncoding('utf8');
    c.stderr?.on('data', (chunk: string | Buffer) => {
      stderr = (stderr + String(chunk)).slice(-STDERR_TAIL_CHARS);
    });
    const startTimer = setTimeout(() => {
      failedAtStart = true;
      fail(`The gateway did not start within ${Math.round(startTimeoutMs / 1000)} s; it was stopped.`);
      c.kill();
    }, startTimeoutMs);
    childExited = new Promise<void>((resolve) => {
      c.onExit(async (exit) => {
        clearTimeout(startTimer);
        if (child === c) childAlive = false;
        resolve();
        if (child !== c || failedAtStart || stoppingOrStopped()) return;
        // Its last words may still be in the pipe when the exit is reported.
        if (!stderrEnded) await Promise.race([stderrDone, new Promise((r) => setTimeout(r, STDERR_DRAIN_MS))]);
        if (child !== c || stoppingOrStopped()) return;
        const why = reported ?? crashLine(stderr);
        const what = `The gateway process ${describeExit(exit)}${why ? `: ${why}` : ''}`;
        if (!wasReady) return fail(`${what}, before it was ready.`);
        onUnexpectedExit(what);
      });
    });
    c.onMessage((raw) => {
      const m = parseHostMessage(raw);
      if (!m || child !== c) return;
      if (m.type === 'ready') {
        const { type: _type, ...ready } = m;
        clearTimeout(startTimer);
        wasReady = true;
        opts.log?.info('gateway ready', { url: ready.wsUrl, pid: ready.pid });
        set({ phase: 'running', reason: undefined, ready });
        waiting?.resolve(ready);
        waiting = undefined;
        for (const fn of [...readyListeners]) fn(ready);
      } else if (m.type === 'failed') {
        clearTimeout(startTimer);
        failedAtStart = true;
        fail(m.message);
      } else if (m.type === 'fatal') {
        reported = m.message;
        opts.log?.error('the gateway process reported an uncaught error', { error: m.message });
      }
    });
    c.postMessage({ type: 'start', ...opts.start });
  };

  const onUnexpectedExit = (what: string) => {
    const d = policy.onUnexpectedExit();
    if (d.action === 'give-up') {
      return fail(`${what}. It stopped ${d.restarts + 1} times within ${Math.round(d.windowMs / 60_000)} min, so it was not restarted again.`);
    }
    const reason = `${what}; restarting in ${Math.round(d.delayMs / 100) / 10} s (restart ${d.attempt} of at most ${d.maxRestarts}).`;
    opts.log?.warn('gateway process stopped unexpectedly; restarting', { reason });
    set({ phase: 'restarting', reason, ready: undefined, restarts: state.restarts + 1 });
    restartTimer = setTimeout(() => {
      restartTimer = undefined;
      if (state.phase === 'restarting') launch();
    }, d.delayMs);
  };

  const start = () => {
    if (state.phase === 'running' && state.ready) return Promise.resolve(state.ready);
    if (state.phase === 'starting' || state.phase === 'stopping') return Promise.reject(new GatewayStartError(`the gateway is ${state.phase}`));
    return new Promise<HostReadyInfo>((resolve, reject) => {
      waiting = { resolve, reject };
      set({ phase: 'starting', reason: undefined, ready: undefined });
      launch();
    });
  };

  return {
    get state() {
      return state;
    },
    start,
    retry() {
      policy.reset();
      state = { ...state, restarts: 0 };
      return start();
    },
    async stop(reason) {
      clearTimeout(restartTimer);
      restartTimer = undefined;
      const c = child;
      if (!c || !childAlive) {
        set({ phase: 'stopped', ready: undefined });
        return;
      }
      set({ phase: 'stopping', reason: undefined });
      waiting?.reject(new GatewayStartError(`stopped before it was ready: ${reason}`));
      waiting = undefined;
      c.postMessage({ type: 'stop', reason });
      const timedOut = (ms: number) => new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), ms).unref());
      if ((await Promise.race([childExited, timedOut(stopTimeoutMs)])) === 'timeout') {
        opts.log?.warn('the gateway did not stop in time; ending its process', { pid: c.pid, afterMs: stopTimeoutMs });
        c.kill();
        await Promise.race([childExited, timedOut(stopTimeoutMs)]);
      }
      set({ phase: 'stopped', ready: undefined });
    },
    onReady(fn) {
      readyListeners.add(fn);
      return () => readyListeners.delete(fn);
    },
  };
}

/** `child_process.fork` as a {@link HostSpawner}: tests and benchmarks run the host under plain Node. */
export function nodeForkSpawner(opts: { env?: NodeJS.ProcessEnv; execArgv?: string[] } = {}): HostSpawner {
  return (modulePath) => {
    const c = fork(modulePath, [], { env: opts.env ?? process.env, execArgv: opts.execArgv ?? [], stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
    return {
      get pid() {
        return c.pid;
      },
      postMessage: (m) => {
        if (c.connected) c.send(m);
      },
      onMessage: (fn) => c.on('message', fn),
      onExit: (fn) => c.once('exit', (code, signal) => fn({ code, signal })),
      kill: () => void c.kill('SIGKILL'),
      stderr: c.stderr,
    };
  };
}
