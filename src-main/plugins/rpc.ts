/**
 * JSON-RPC 2.0 over newline-delimited JSON: one message per line. Both ends of
 * the plugin child process use it. A request can be cancelled with the
 * `$/cancel` notification (`{ id }`); the handler's signal is then aborted.
 */
import { StringDecoder } from 'node:string_decoder';

/** JSON-RPC error codes used here. */
export const RpcErrorCode = {
  ParseError: -32700,
  MethodNotFound: -32601,
  InvalidParams: -32602,
  /** A handler threw. */
  HandlerError: -32000,
} as const;

/** An error answer from the other side. */
export class RpcRemoteError extends Error {
  override readonly name = 'RpcRemoteError';
  constructor(
    message: string,
    readonly code: number,
    readonly data?: unknown,
  ) {
    super(message);
  }
}

/** Thrown by a request handler to answer with an error that carries `data`. */
export class RpcHandlerError extends Error {
  override readonly name = 'RpcHandlerError';
  constructor(
    message: string,
    readonly data: unknown,
  ) {
    super(message);
  }
}

/** Thrown by a request handler for a method it does not know. */
export class RpcMethodNotFoundError extends Error {
  override readonly name = 'RpcMethodNotFoundError';
}

/** Options of one peer. */
export interface RpcPeerOptions {
  input: NodeJS.ReadableStream;
  /** Writes one line (without the newline). */
  write(line: string): void;
  onRequest?(method: string, params: unknown, signal: AbortSignal): unknown;
  onNotification?(method: string, params: unknown): void;
  /** A line that is not a JSON-RPC message, or too long. */
  onProtocolError?(message: string, line?: string): void;
  /** Longest accepted line in characters (default 16 MiB). */
  maxLineLength?: number;
}

/** One end of the connection. */
export interface RpcPeer {
  request<T = unknown>(method: string, params?: unknown, opts?: { signal?: AbortSignal }): Promise<T>;
  notify(method: string, params?: unknown): void;
  /** Rejects pending and future requests with `err`. */
  close(err: Error): void;
  /** Requests awaiting an answer. */
  readonly pending: number;
}

interface Message {
  jsonrpc?: string;
  id?: number | string | null;
  method?: string;
  params?: unknown;
  result?: unknown;
  error?: { code: number; message: string; data?: unknown };
}

/** Starts reading `input` and returns the peer. */
export function createRpcPeer(opts: RpcPeerOptions): RpcPeer {
  const maxLine = opts.maxLineLength ?? 16 * 1024 * 1024;
  const waiting = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  const running = new Map<number | string, AbortController>();
  let nextId = 1;
  let closed: Error | undefined;
  let buffer = '';
  const decoder = new StringDecoder('utf8');

  const send = (msg: Message) => {
    if (closed) return;
    opts.write(JSON.stringify({ jsonrpc: '2.0', ...msg }));
  };

  const handleRequest = async (msg: Message) => {
    const id = msg.id as number | string;
    const controller = new AbortController();
    running.set(id, controller);
    try {
      if (!opts.onRequest) throw new RpcMethodNotFoundError(`no method ${String(msg.method)}`);
      const result = await opts.onRequest(msg.method!, msg.params, controller.signal);
      send({ id, result: result === undefined ? null : result });
    } catch (err) {
      const code = err instanceof RpcMethodNotFoundError ? RpcErrorCode.MethodNotFound : RpcErrorCode.HandlerError;
      const message = err instanceof Error ? err.message : String(err);
      send({ id, error: { code, message, ...(err instanceof RpcHandlerError && err.data !== undefined ? { data: err.data } : {}) } });
    } finally {
      running.delete(id);
    }
  };

  const handleLine = (line: string) => {
    if (line.trim() === '') return;
    let msg: Message;
    try {
      msg = JSON.parse(line) as Message;
    } catch {
      opts.onProtocolError?.('a line that is not JSON', line);
      return;
    }
    if (!msg || typeof msg !== 'object') return opts.onProtocolError?.('a message that is not an object', line);
    if (typeof msg.method === 'string') {
      if (msg.id === undefined || msg.id === null) {
        if (msg.method === '$/cancel') running.get((msg.params as { id?: number | string } | undefined)?.id ?? -1)?.abort(new Error('cancelled'));
        else opts.onNotification?.(msg.method, msg.params);
        return;
      }
      void handleRequest(msg);
      return;
    }
    if (typeof msg.id === 'number' && waiting.has(msg.id)) {
      const w = waiting.get(msg.id)!;
      waiting.delete(msg.id);
      if (msg.error) w.reject(new RpcRemoteError(String(msg.error.message), Number(msg.error.code), msg.error.data));
      else w.resolve(msg.result);
      return;
    }
    opts.onProtocolError?.('an answer to no pending request', line);
  };

  opts.input.on('data', (chunk: Buffer | string) => {
    buffer += typeof chunk === 'string' ? chunk : decoder.write(chunk);
    let nl: number;
    while ((nl = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, nl);
      buffer = buffer.slice(nl + 1);
      handleLine(line);
    }
    if (buffer.length > maxLine) {
      buffer = '';
      opts.onProtocolError?.(`a line longer than ${maxLine} characters`);
    }
  });

  return {
    request(method, params, ropts) {
      if (closed) return Promise.reject(closed);
      const id = nextId++;
      return new Promise((resolve, reject) => {
        const onAbort = () => {
          waiting.delete(id);
          send({ method: '$/cancel', params: { id } });
          reject(ropts?.signal?.reason instanceof Error ? ropts.signal.reason : new Error('cancelled'));
        };
        waiting.set(id, {
          resolve: (v) => {
            ropts?.signal?.removeEventListener('abort', onAbort);
            resolve(v as never);
          },
          reject: (e) => {
            ropts?.signal?.removeEventListener('abort', onAbort);
            reject(e);
          },
        });
        ropts?.signal?.addEventListener('abort', onAbort, { once: true });
        send({ id, method, ...(params === undefined ? {} : { params }) });
      });
    },
    notify(method, params) {
      send({ method, ...(params === undefined ? {} : { params }) });
    },
    close(err) {
      if (closed) return;
      closed = err;
      for (const w of waiting.values()) w.reject(err);
      waiting.clear();
      for (const c of running.values()) c.abort(err);
    },
    get pending() {
      return waiting.size;
    },
  };
}
