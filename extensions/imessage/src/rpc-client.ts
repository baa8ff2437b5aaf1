/**
 * A long-running `imsg rpc` child process spoken to in newline-delimited
 * JSON-RPC 2.0 over stdin/stdout. Spawned with an argv (never a shell).
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';

/** A JSON-RPC error answer from `imsg` (code -32602 invalid params, -32603 internal…). */
export class ImsgRpcError extends Error {
  override name = 'ImsgRpcError';
  constructor(
    readonly code: number,
    message: string,
    readonly data?: unknown,
  ) {
    super(typeof data === 'string' && data ? `${message}: ${data}` : message);
  }
}

/** The child exited or never started; `stderrTail` is what it said last. */
export class ImsgExitError extends Error {
  override name = 'ImsgExitError';
  constructor(
    message: string,
    readonly stderrTail: string,
  ) {
    super(stderrTail ? `${message}: ${stderrTail}` : message);
  }
}

/** Hooks the adapter installs; all optional. */
export interface ImsgRpcHandlers {
  /** A notification (`message`, `error`…). */
  onNotification?(method: string, params: unknown): void;
  /** Any well-formed line from the child: proof of life. */
  onLine?(): void;
  /** A line that is not a JSON-RPC object. */
  onMalformed?(reason: string, length: number): void;
  /** The child went away without `close()` being called. */
  onExit?(err: ImsgExitError): void;
}

const STDERR_TAIL_CHARS = 2000;

/** One `imsg rpc` process. */
export class ImsgRpcClient {
  private child?: ChildProcessWithoutNullStreams;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void; timer: NodeJS.Timeout }>();
  private stderrTail = '';
  private closing = false;
  private exited?: Promise<void>;

  constructor(
    private readonly command: string,
    private readonly args: string[],
    private readonly handlers: ImsgRpcHandlers,
  ) {}

  /** Spawn the process; resolves once it runs, rejects when the executable cannot be started. */
  async spawn(): Promise<void> {
    const child = spawn(this.command, this.args, { stdio: ['pipe', 'pipe', 'pipe'], windowsHide: true });
    this.child = child;
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      this.stderrTail = (this.stderrTail + chunk).slice(-STDERR_TAIL_CHARS);
    });
    // A write after the child died raises EPIPE here; the exit handler reports it.
    child.stdin.on('error', () => {});
    const lines = createInterface({ input: child.stdout, crlfDelay: Infinity });
    lines.on('line', (line) => this.onLine(line));
    this.exited = new Promise<void>((resolve) => {
      child.once('close', (code, signal) => {
        const err = new ImsgExitError(`imsg exited (${signal ? `signal ${signal}` : `code ${code}`})`, this.stderrTail.trim());
        this.rejectAll(err);
        resolve();
        if (!this.closing) this.handlers.onExit?.(err);
      });
    });
    await new Promise<void>((resolve, reject) => {
      child.once('spawn', () => resolve());
      child.once('error', (err) => {
        this.closing = true;
        reject(err);
      });
    });
  }

  /** Call a method; rejects with `ImsgRpcError` on an error answer, or after `timeoutMs`. */
  request<T>(method: string, params: Record<string, unknown>, timeoutMs: number): Promise<T> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null || this.closing) {
      return Promise.reject(new ImsgExitError('imsg is not running', this.stderrTail.trim()));
    }
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`imsg did not answer ${method} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject, timer });
      child.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', id, method, params })}\n`);
    });
  }

  /** Last lines the child wrote to stderr. */
  stderr(): string {
    return this.stderrTail.trim();
  }

  /** End the child: close stdin, SIGTERM, SIGKILL after `killAfterMs`; resolves once it exited. */
  async close(killAfterMs: number): Promise<void> {
    this.closing = true;
    const child = this.child;
    if (!child || !this.exited) return;
    if (child.exitCode === null && child.signalCode === null) {
      child.stdin.end();
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
      await this.exited;
      clearTimeout(timer);
    }
    await this.exited;
  }

  private onLine(line: string): void {
    const trimmed = line.trim();
    if (!trimmed) return;
    let frame: unknown;
    try {
      frame = JSON.parse(trimmed);
    } catch {
      this.handlers.onMalformed?.('not JSON', trimmed.length);
      return;
    }
    if (typeof frame !== 'object' || frame === null || Array.isArray(frame)) {
      this.handlers.onMalformed?.('not a JSON object', trimmed.length);
      return;
    }
    const f = frame as { id?: unknown; method?: unknown; params?: unknown; result?: unknown; error?: { code?: unknown; message?: unknown; data?: unknown } };
    this.handlers.onLine?.();
    if (typeof f.method === 'string') {
      this.handlers.onNotification?.(f.method, f.params);
      return;
    }
    const waiter = typeof f.id === 'number' ? this.pending.get(f.id) : undefined;
    if (!waiter) {
      // imsg answers unparseable requests with id null; nothing waits for those.
      if (f.error) this.handlers.onMalformed?.(`error answer without a matching request: ${String(f.error.message ?? '')}`, trimmed.length);
      return;
    }
    this.pending.delete(f.id as number);
    clearTimeout(waiter.timer);
    if (f.error) {
      const code = typeof f.error.code === 'number' ? f.error.code : -32603;
      waiter.reject(new ImsgRpcError(code, typeof f.error.message === 'string' ? f.error.message : 'imsg error', f.error.data));
    } else {
      waiter.resolve(f.result);
    }
  }

  private rejectAll(err: Error): void {
    for (const [id, waiter] of this.pending) {
      clearTimeout(waiter.timer);
      waiter.reject(err);
      this.pending.delete(id);
    }
  }
}
