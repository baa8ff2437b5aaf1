/**
 * The gateway host: the process the desktop app forks (Electron `utilityProcess`; Node's
 * `child_process.fork` under tests and benchmarks) so the gateway's work (SQLite, channel SDKs, agent
 * turns) never lands on the window's event loop. It waits for `start`, runs {@link startGateway} with the
 * secrets from that message (added to the gateway's config environment only, never to `process.env`),
 * and answers `ready` or `failed`; on `stop` it closes the gateway, answers `stopped` and exits. The
 * protocol is in `host-protocol.ts`; the parent side is `src-main/app/gateway-process.ts`.
 */
import { createLogger } from '../logging/index.js';
import { parseParentMessage, type HostStartMessage, type HostToParent } from './host-protocol.js';
import { startGateway, type RunningGateway } from './start.js';

/** The link to the parent process, whichever runtime forked this one. */
export interface ParentLink {
  /** Resolves once the message is handed over (as far as the runtime can tell). */
  send(message: HostToParent): Promise<void>;
  onMessage(fn: (message: unknown) => void): void;
  /** The parent went away (Node only; Electron ends a utility process with its parent). */
  onDisconnect(fn: () => void): void;
  /** How long to wait after the last message before exiting, where `send` cannot tell when it is through. */
  exitGraceMs?: number;
}

/** Electron's `process.parentPort` in a utility process. */
interface ElectronParentPort {
  postMessage(message: unknown): void;
  on(event: 'message', fn: (e: { data: unknown }) => void): void;
}

/** Electron's `process.parentPort` when present (a utility process), else Node's IPC channel (a forked child). */
export function connectToParent(proc: NodeJS.Process = process): ParentLink | undefined {
  const port = (proc as NodeJS.Process & { parentPort?: ElectronParentPort }).parentPort;
  if (port) {
    return {
      send: async (m) => port.postMessage(m),
      onMessage: (fn) => port.on('message', (e) => fn(e.data)),
      onDisconnect: () => undefined,
      // A port message has no delivery callback: give it a moment before the process ends.
      exitGraceMs: 100,
    };
  }
  if (!proc.send) return undefined;
  return {
    send: (m) => new Promise<void>((resolve) => (proc.connected ? proc.send!(m, undefined, {}, () => resolve()) : resolve())),
    onMessage: (fn) => proc.on('message', fn),
    onDisconnect: (fn) => proc.once('disconnect', fn),
  };
}

const errorText = (err: unknown) => (err instanceof Error ? err.message : String(err));

/** Where uncaught errors are heard (the process; an EventEmitter in tests). */
export interface FaultEvents {
  on(event: 'uncaughtException' | 'unhandledRejection', listener: (err: unknown) => void): unknown;
  listenerCount(event: 'uncaughtException' | 'unhandledRejection'): number;
}

export interface GatewayHostOptions {
  /** Ends the process (default `process.exit`). */
  exit?(code: number): void;
  /** The environment the gateway is started with, before the secrets are added (default `process.env`). */
  env?: NodeJS.ProcessEnv;
  faults?: FaultEvents;
}

/**
 * Serves the parent over `link` until told to stop (or the parent goes away), then exits the process
 * through `exit`. An uncaught error is reported as `fatal` and ends the host with code 1, unless another
 * handler (the in-process plugin guard) claims it.
 */
export function runGatewayHost(link: ParentLink, opts: GatewayHostOptions = {}): void {
  const exit = opts.exit ?? ((code: number) => process.exit(code));
  const faults: FaultEvents = opts.faults ?? process;
  const log = createLogger('gateway/host');
  let gateway: RunningGateway | undefined;
  let starting: Promise<void> | undefined;
  let ending = false;

  const end = async (code: number, last?: HostToParent) => {
    // On stderr too: the parent reads its last line when a message does not get through.
    if (last && 'message' in last) process.stderr.write(`${last.message}\n`);
    if (last) await link.send(last);
    if (link.exitGraceMs) await new Promise((resolve) => setTimeout(resolve, link.exitGraceMs));
    exit(code);
  };

  const start = async (m: HostStartMessage) => {
    try {
      // process.env stays as it was: children the gateway spawns inherit that, not the secrets.
      gateway = await startGateway({ rendererDir: m.rendererDir, env: { ...(opts.env ?? process.env), ...m.secretEnv }, ...(m.port !== undefined ? { port: m.port } : {}) });
    } catch (err) {
      log.error('gateway failed to start', { error: errorText(err) });
      ending = true;
      return end(1, { type: 'failed', message: errorText(err) });
    }
    const g = gateway;
    await link.send({ type: 'ready', httpUrl: g.httpUrl, wsUrl: g.wsUrl, port: g.port, host: g.host, stateDir: g.stateDir, authMode: g.authMode, pid: process.pid, ...(g.tlsFingerprint ? { tlsFingerprint: g.tlsFingerprint } : {}) });
  };

  const stop = async (reason: string) => {
    if (ending) return;
    ending = true;
    await starting;
    try {
      await gateway?.close(reason);
    } catch (err) {
      log.error('gateway close failed', { error: errorText(err) });
    }
    await end(0, { type: 'stopped' });
  };

  for (const kind of ['uncaughtException', 'unhandledRejection'] as const) {
    faults.on(kind, (err: unknown) => {
      // Another listener (the plugin fault trap) decides: it rethrows what is not a plugin's, which ends the process.
      if (faults.listenerCount(kind) > 1) return;
      log.error('uncaught error in the gateway host', { kind, error: err instanceof Error ? (err.stack ?? err.message) : String(err) });
      ending = true;
      void end(1, { type: 'fatal', message: errorText(err) });
    });
  }

  link.onMessage((raw) => {
    const m = parseParentMessage(raw);
    if (m?.type === 'start' && !starting && !ending) starting = start(m);
    else if (m?.type === 'stop') void stop(m.reason);
  });
  link.onDisconnect(() => void stop('the app went away'));
}
