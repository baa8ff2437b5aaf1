/**
 * signal-cli run by the account itself in JSON-RPC mode over stdio
 * (signal-cli-jsonrpc(5)): `cliPath --config <data folder> [-a <account>]
 * jsonRpc`, spawned as an argv array, never through a shell. Requests are
 * JSON lines on its stdin, answers (by id) and `receive` notifications JSON
 * lines on its stdout. What it writes to stderr is kept, so when it dies the
 * account's error says why in its own words; the supervisor then restarts
 * the account, which starts a new one.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createInterface } from 'node:readline';
import { ChannelAuthError, type ChannelLogger } from '../../../src-shared/domain/channel.js';
import { rpcError, type RpcErrorBody } from './errors.js';
import type { EventStreamOptions, SignalClient } from './rpc.js';

const STDERR_KEPT = 4000;

interface Pending {
  resolve(value: unknown): void;
  reject(err: Error): void;
  method: string;
}

export class StdioSignalCli implements SignalClient {
  private readonly child: ChildProcess;
  private readonly pending = new Map<string, Pending>();
  private readonly listeners = new Set<EventStreamOptions>();
  /** Messages signal-cli received before anyone listened (it receives from the start and acknowledges them to Signal). */
  private early: unknown[] = [];
  private stderr = '';
  private exitError?: Error;
  /** Resolves with the reason once the program has ended (or could not start). */
  readonly exited: Promise<Error>;

  constructor(
    private readonly cliPath: string,
    configDir: string,
    /** Single-account mode (`-a`): calls carry no `account` param. Without it, multi-account mode (linking). */
    readonly account: string | undefined,
    private readonly log: ChannelLogger,
  ) {
    const argv = ['--config', configDir, ...(account ? ['-a', account] : []), 'jsonRpc'];
    this.child = spawn(cliPath, argv, { stdio: ['pipe', 'pipe', 'pipe'], shell: false });
    this.exited = new Promise<Error>((resolve) => {
      this.child.once('error', (err: NodeJS.ErrnoException) => resolve(this.end(this.startError(err))));
      this.child.once('exit', (code, sig) => resolve(this.end(this.exitReason(code, sig))));
    });
    this.child.stdin?.on('error', () => undefined);
    this.child.stderr?.setEncoding('utf8');
    createInterface({ input: this.child.stderr! }).on('line', (line) => {
      this.stderr = `${this.stderr}${line}\n`.slice(-STDERR_KEPT);
      this.log.debug('signal-cli', { stderr: line });
    });
    createInterface({ input: this.child.stdout! }).on('line', (line) => this.onLine(line));
  }

  /** The child's process id (for status). */
  get pid(): number | undefined {
    return this.child.pid;
  }

  async call<T>(method: string, params: Record<string, unknown> = {}, opts: { withAccount?: boolean; signal?: AbortSignal; timeoutMs?: number } = {}): Promise<T> {
    if (this.exitError) throw this.exitError;
    const id = randomUUID();
    const answer = new Promise<unknown>((resolve, reject) => this.pending.set(id, { resolve, reject, method }));
    const timers: NodeJS.Timeout[] = [];
    const give = (err: Error) => {
      const p = this.pending.get(id);
      this.pending.delete(id);
      p?.reject(err);
    };
    if (opts.timeoutMs) timers.push(setTimeout(() => give(new Error(`signal-cli did not answer ${method} within ${Math.round(opts.timeoutMs! / 1000)} s.`)), opts.timeoutMs));
    const onAbort = () => give(new Error(`${method} was cancelled`));
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    this.child.stdin?.write(`${JSON.stringify({ jsonrpc: '2.0', id, method, params })}\n`);
    try {
      return (await answer) as T;
    } finally {
      for (const t of timers) clearTimeout(t);
      opts.signal?.removeEventListener('abort', onAbort);
    }
  }

  /** `receive` notifications go to `opts.onEvent` until the program ends (then `onEnd`) or `opts.signal` aborts. */
  openEvents(opts: EventStreamOptions): Promise<void> {
    if (this.exitError) return Promise.reject(this.exitError);
    this.listeners.add(opts);
    opts.signal.addEventListener('abort', () => this.listeners.delete(opts), { once: true });
    for (const params of this.early.splice(0)) opts.onEvent(params, undefined);
    return Promise.resolve();
  }

  /** End the program: stdin closes (signal-cli exits on end of input), then SIGTERM, then SIGKILL. */
  async close(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null || this.exitError) return;
    this.child.stdin?.end();
    const term = setTimeout(() => this.child.kill('SIGTERM'), 2000);
    const kill = setTimeout(() => this.child.kill('SIGKILL'), 7000);
    await this.exited;
    clearTimeout(term);
    clearTimeout(kill);
  }

  private onLine(line: string): void {
    if (!line.trim()) return;
    let msg: { id?: unknown; method?: unknown; params?: unknown; result?: unknown; error?: RpcErrorBody };
    try {
      msg = JSON.parse(line) as typeof msg;
    } catch {
      return this.log.debug('signal-cli wrote a line that is not JSON', { line: line.slice(0, 200) });
    }
    for (const l of this.listeners) l.onActivity();
    if (typeof msg.id === 'string' && this.pending.has(msg.id)) {
      const p = this.pending.get(msg.id)!;
      this.pending.delete(msg.id);
      if (msg.error) p.reject(rpcError(p.method, msg.error, this.account));
      else p.resolve(msg.result);
      return;
    }
    if (msg.method === 'receive') {
      if (!this.listeners.size) return void this.early.push(msg.params);
      for (const l of this.listeners) {
        try {
          l.onEvent(msg.params, undefined);
        } catch {
          // One unreadable event must not end the stream.
        }
      }
    }
  }

  private startError(err: NodeJS.ErrnoException): Error {
    if (err.code === 'ENOENT' || err.code === 'EACCES') {
      // Restarting cannot help until the program is installed: stop the account with the fix.
      return new ChannelAuthError(
        `Could not run signal-cli at "${this.cliPath}" (${err.code === 'ENOENT' ? 'not found' : 'not executable'}). Install signal-cli, or set channels.signal.cliPath to it, or channels.signal.httpUrl to a running daemon.`,
      );
    }
    return new Error(`Could not run signal-cli at "${this.cliPath}": ${err.message}.`);
  }

  private exitReason(code: number | null, sig: NodeJS.Signals | null): Error {
    const said = this.stderr.trim().split('\n').filter(Boolean).at(-1);
    return new Error(`signal-cli exited (${sig ? `killed by ${sig}` : `code ${code}`})${said ? `: ${said}` : ''}.`);
  }

  private end(reason: Error): Error {
    this.exitError ??= reason;
    for (const [id, p] of this.pending) {
      this.pending.delete(id);
      p.reject(this.exitError);
    }
    for (const l of [...this.listeners]) {
      this.listeners.delete(l);
      if (!l.signal.aborted) l.onEnd(this.exitError);
    }
    return this.exitError;
  }
}
