/**
 * Runs a plugin in its own Node process (isolation `process`), speaking
 * JSON-RPC over stdio with `process-child`. The gateway stays responsive
 * whatever the plugin does: a crash rejects the calls in flight and restarts
 * the child with capped, jittered backoff; too many crashes in a window mark
 * the plugin failed instead of looping; a child that stops answering pings
 * (an endless loop) is killed with SIGKILL and counts as a crash.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { PLUGIN_API_VERSION } from '../../src-shared/plugin/api.js';
import { buildChildEnv, permissionFlags } from './child-env.js';
import type { InitializeParams, LogParams, Registrations } from './child-protocol.js';
import { buildProcessContributions, type ChildEvents } from './process-contributions.js';
import { apiVersionProblem, DEFAULT_REGISTER_TIMEOUT_MS } from './entry-loader.js';
import { errorMessage, PluginUnavailableError } from './errors.js';
import type { PluginLoader, PluginLoadRequest } from './plugin-registry.js';
import { CrashWindow, DEFAULT_RESTART_POLICY, restartDelay, type RestartPolicy } from './restart-policy.js';
import { createRpcPeer, RpcMethodNotFoundError, type RpcPeer } from './rpc.js';

/** How plugin processes are started and watched. */
export interface ProcessLoaderOptions {
  /** The bundled `process-child` entry (a single .js/.mjs file runnable by `node`). */
  childEntry: string;
  /** Node binary (default: this process's executable). */
  nodePath?: string;
  /** Major version of that binary, for the permission flags (default: this process's). */
  nodeMajor?: number;
  /** Added to the child's environment, e.g. `{ ELECTRON_RUN_AS_NODE: '1' }` under Electron. */
  extraEnv?: Record<string, string>;
  /** Where allow-listed variables are copied from (default `process.env`). */
  parentEnv?: NodeJS.ProcessEnv;
  /**
   * Node's permission model (read only its folders, write only its data folder).
   * `auto` (default): on under plain Node, off under Electron, whose Node build is not known to honour it.
   */
  permissionModel?: 'auto' | 'on' | 'off';
  /** Default 5 s. */
  pingIntervalMs?: number;
  /** A ping unanswered this long kills the child (default 3 s). */
  pingTimeoutMs?: number;
  /** Deadline for start plus `initialize` (default: register timeout + 5 s). */
  initTimeoutMs?: number;
  registerTimeoutMs?: number;
  restart?: Partial<RestartPolicy>;
  homeDir?: string;
  /** Jitter source (tests). */
  random?: () => number;
}

/** The loader for isolation `process`. */
export function createProcessLoader(opts: ProcessLoaderOptions): PluginLoader {
  return async (req) => {
    const versionProblem = apiVersionProblem(req.candidate.manifest.apiVersion ?? PLUGIN_API_VERSION);
    if (versionProblem) return { ok: false, error: versionProblem };
    const proc = new PluginProcess(req, opts);
    try {
      const registrations = await proc.start();
      return { ok: true, contributions: buildProcessContributions(req, registrations, proc), stop: () => proc.stop() };
    } catch (err) {
      await proc.stop();
      return { ok: false, error: errorMessage(err) };
    }
  };
}

type Phase = 'starting' | 'running' | 'restarting' | 'failed' | 'stopped';

/** One supervised child process. `call` is what contributions use. */
export class PluginProcess {
  private phase: Phase = 'starting';
  private child?: ChildProcess;
  private peer?: RpcPeer;
  private exited: Promise<void> = Promise.resolve();
  private initializing = false;
  private pingTimer?: NodeJS.Timeout;
  private restartTimer?: NodeJS.Timeout;
  private readonly crashes: CrashWindow;
  private readonly policy: RestartPolicy;
  private restartAttempt = 0;
  private startedAt = 0;
  private lastReason = '';
  private registrations?: Registrations;
  private events?: ChildEvents;

  constructor(
    private readonly req: PluginLoadRequest,
    private readonly opts: ProcessLoaderOptions,
  ) {
    this.policy = { ...DEFAULT_RESTART_POLICY, ...opts.restart };
    this.crashes = new CrashWindow(this.policy.windowMs);
  }

  private get id(): string {
    return this.req.candidate.manifest.id;
  }

  /** First start: resolves with what the plugin registered, rejects with why it could not load. */
  async start(): Promise<Registrations> {
    this.registrations = await this.spawnAndInit();
    this.phase = 'running';
    return this.registrations;
  }

  /** Sends a request to the running child; fails at once while it restarts or after it failed. */
  async call<T>(method: string, params: unknown, signal?: AbortSignal): Promise<T> {
    if (this.phase !== 'running' || !this.peer) {
      const why = this.phase === 'restarting' ? `restarting after a crash (${this.lastReason}); try again shortly` : this.phase === 'failed' ? this.lastReason : 'stopped';
      throw new PluginUnavailableError(this.id, why);
    }
    return this.peer.request<T>(method, params, signal ? { signal } : undefined);
  }

  /** Receives the child's requests and channel notifications, and hears when the process is gone. */
  attach(events: ChildEvents): void {
    this.events = events;
  }

  /** Asks the child to exit, kills it when it does not within a second. */
  async stop(): Promise<void> {
    if (this.phase === 'stopped') return this.exited;
    this.phase = 'stopped';
    clearTimeout(this.restartTimer);
    clearInterval(this.pingTimer);
    const child = this.child;
    if (child && child.exitCode === null && child.signalCode === null) {
      const killer = setTimeout(() => child.kill('SIGKILL'), 1000);
      this.peer?.request('shutdown').catch(() => undefined);
      await this.exited;
      clearTimeout(killer);
    }
  }

  private async spawnAndInit(): Promise<Registrations> {
    const { candidate, dataDir, log } = this.req;
    const manifest = candidate.manifest;
    fs.mkdirSync(path.join(dataDir, 'tmp'), { recursive: true, mode: 0o700 });
    const { env, refused } = buildChildEnv({ parentEnv: this.opts.parentEnv ?? process.env, permissions: manifest.permissions, dataDir, extra: this.opts.extraEnv });
    if (refused.length > 0) log.warn('environment variables refused to the plugin (gateway settings are never shared)', { refused });
    const nodePath = this.opts.nodePath ?? process.execPath;
    const args = this.usePermissionModel()
      ? permissionFlags({ nodeMajor: this.opts.nodeMajor ?? Number(process.versions.node.split('.')[0]), childEntry: this.opts.childEntry, rootDir: candidate.rootDir, dataDir, permissions: manifest.permissions, homeDir: this.opts.homeDir })
      : [];
    const child = spawn(nodePath, [...args, this.opts.childEntry], { cwd: dataDir, env, stdio: ['pipe', 'pipe', 'pipe'], windowsHide: true });
    this.child = child;
    this.startedAt = Date.now();
    let killReason: string | undefined;
    const peer = createRpcPeer({
      input: child.stdout!,
      write: (line) => void child.stdin!.write(`${line}\n`),
      onRequest: (method, params) => {
        if (!this.events || !method.startsWith('channel.')) throw new RpcMethodNotFoundError(`no method ${method}`);
        return this.events.request(method, params);
      },
      onNotification: (method, params) => {
        if (this.events?.notification(method, params)) return;
        if (method === 'log') relayLog(log, params as LogParams);
      },
      onProtocolError: (what, line) => log.warn(`plugin process wrote ${what}`, line ? { line: line.slice(0, 200) } : undefined),
    });
    this.peer = peer;
    child.stdin!.on('error', () => undefined); // EPIPE once the child is gone; the exit handler reports it
    forwardStderr(child, log);
    this.exited = new Promise<void>((resolve) => {
      let done = false;
      const onGone = (reason: string) => {
        if (done) return;
        done = true;
        clearInterval(this.pingTimer);
        peer.close(new Error(`its process ${killReason ?? reason} during the call`));
        this.events?.exited(killReason ?? reason);
        resolve();
        if (this.child === child && !this.initializing) this.onCrash(killReason ?? reason);
      };
      child.once('exit', (code, signal) => onGone(signal ? `was killed (${signal})` : `exited with code ${code}`));
      child.once('error', (err) => onGone(`could not be started (${err.message})`));
    });

    const params: InitializeParams = {
      pluginId: manifest.id,
      entry: candidate.entry,
      kinds: candidate.kinds,
      channelIds: manifest.channels ?? [],
      config: this.req.config,
      dataDir,
      apiVersion: PLUGIN_API_VERSION,
      registerTimeoutMs: this.opts.registerTimeoutMs ?? DEFAULT_REGISTER_TIMEOUT_MS,
    };
    const initMs = this.opts.initTimeoutMs ?? params.registerTimeoutMs + 5000;
    this.initializing = true;
    let timer: NodeJS.Timeout | undefined;
    try {
      const deadline = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`its process did not finish starting within ${initMs} ms`)), initMs);
      });
      const registrations = await Promise.race([peer.request<Registrations>('initialize', params), deadline]);
      this.startPing(child, peer, (reason) => (killReason = reason));
      return registrations;
    } catch (err) {
      child.kill('SIGKILL');
      await this.exited;
      // The child's own words (register threw…) come back as the error message.
      throw new Error(errorMessage(err).replace(/ during the call$/, ' while starting'));
    } finally {
      clearTimeout(timer);
      this.initializing = false;
    }
  }

  private startPing(child: ChildProcess, peer: RpcPeer, setKillReason: (r: string) => void): void {
    const interval = this.opts.pingIntervalMs ?? 5000;
    const timeout = this.opts.pingTimeoutMs ?? 3000;
    let waiting = false;
    this.pingTimer = setInterval(() => {
      if (waiting) return;
      waiting = true;
      const timer = setTimeout(() => {
        setKillReason(`stopped answering (no reply to a ping within ${timeout} ms: a blocked event loop or an endless loop) and was killed`);
        child.kill('SIGKILL');
      }, timeout);
      peer.request('ping').then(
        () => {
          waiting = false;
          clearTimeout(timer);
        },
        () => clearTimeout(timer),
      );
    }, interval);
    this.pingTimer.unref();
  }

  private onCrash(reason: string): void {
    if (this.phase === 'stopped' || this.phase === 'failed') return;
    const now = Date.now();
    this.lastReason = reason;
    // A child that ran a while earns a fresh backoff.
    if (now - this.startedAt > this.policy.windowMs) this.restartAttempt = 0;
    const crashes = this.crashes.record(now);
    if (crashes >= this.policy.maxCrashes) {
      this.phase = 'failed';
      this.lastReason = `its process crashed ${crashes} times within ${Math.round(this.policy.windowMs / 1000)} s (last: ${reason}); fix the plugin, then enable it again (openclaw plugins enable ${this.id})`;
      this.req.onFailure(this.lastReason);
      return;
    }
    this.phase = 'restarting';
    const delay = restartDelay(++this.restartAttempt, this.policy, this.opts.random);
    this.req.log.warn('plugin process crashed; restarting', { reason, inMs: delay });
    this.restartTimer = setTimeout(() => {
      if (this.phase !== 'restarting') return;
      this.spawnAndInit().then(
        (registrations) => {
          if (this.phase !== 'restarting') return;
          if (JSON.stringify(registrations) !== JSON.stringify(this.registrations)) this.req.log.warn('plugin registered something else after a restart; the first registrations stay in effect');
          this.phase = 'running';
          this.req.onRestart(reason);
        },
        (err: unknown) => this.onCrash(`failed to restart: ${errorMessage(err)}`),
      );
    }, delay);
    this.restartTimer.unref();
  }

  private usePermissionModel(): boolean {
    const mode = this.opts.permissionModel ?? 'auto';
    if (mode !== 'auto') return mode === 'on';
    return process.versions.electron === undefined && (this.opts.nodePath ?? process.execPath) === process.execPath;
  }
}

function relayLog(log: PluginLoadRequest['log'], p: LogParams): void {
  const level = p && ['debug', 'info', 'warn', 'error'].includes(p.level) ? p.level : 'info';
  log[level](String(p?.msg ?? ''), p?.fields);
}

/** stderr lines become warnings (Node prints crashes there); long lines are cut. */
function forwardStderr(child: ChildProcess, log: PluginLoadRequest['log']): void {
  let buffer = '';
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (chunk: string) => {
    buffer += chunk;
    let nl: number;
    while ((nl = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, nl).trimEnd();
      buffer = buffer.slice(nl + 1);
      if (line) log.warn('plugin stderr', { line: line.slice(0, 2000) });
    }
    if (buffer.length > 64 * 1024) buffer = '';
  });
}
