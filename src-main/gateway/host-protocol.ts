/**
 * The messages between the desktop app's main process and the gateway host process it owns
 * (`host-process.ts`). Plain structured-clone data, so they travel unchanged over Electron's
 * `utilityProcess` port and over Node's `child_process.fork` IPC channel. Secrets travel in `start`,
 * never in the child's environment.
 */

/** Parent → host: start the gateway. Sent once, right after the host is forked. */
export interface HostStartMessage {
  type: 'start';
  /** The built renderer, served as the Control UI. */
  rendererDir?: string;
  /** Decrypted secrets as the environment names the config refers to them by (`${OPENCLAW_SECRET_…}`). */
  secretEnv: Record<string, string>;
  /** Listen here instead of the configured port (tests, benchmarks). */
  port?: number;
}

/** Parent → host: close the gateway and exit. */
export interface HostStopMessage {
  type: 'stop';
  reason: string;
}

export type ParentToHost = HostStartMessage | HostStopMessage;

/** Where the started gateway answers. */
export interface HostReadyInfo {
  httpUrl: string;
  wsUrl: string;
  port: number;
  host: string;
  stateDir: string;
  authMode: string;
  /** Present when the port serves TLS: the connection pins it. */
  tlsFingerprint?: string;
  pid: number;
}

export type HostToParent =
  | ({ type: 'ready' } & HostReadyInfo)
  /** The gateway could not start (port taken, bad config, …); the host exits after sending it. */
  | { type: 'failed'; message: string }
  /** The gateway closed after `stop`; the host exits after sending it. */
  | { type: 'stopped' }
  /** An uncaught error after start; the host exits non-zero after sending it. */
  | { type: 'fatal'; message: string };

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

/** A message from the parent, or undefined for anything else (ignored, never trusted). */
export function parseParentMessage(raw: unknown): ParentToHost | undefined {
  if (!isRecord(raw)) return undefined;
  if (raw.type === 'stop') return { type: 'stop', reason: typeof raw.reason === 'string' ? raw.reason : 'stop requested' };
  if (raw.type !== 'start') return undefined;
  const secretEnv: Record<string, string> = {};
  if (isRecord(raw.secretEnv)) for (const [k, v] of Object.entries(raw.secretEnv)) if (typeof v === 'string') secretEnv[k] = v;
  return {
    type: 'start',
    secretEnv,
    ...(typeof raw.rendererDir === 'string' ? { rendererDir: raw.rendererDir } : {}),
    ...(typeof raw.port === 'number' && Number.isInteger(raw.port) ? { port: raw.port } : {}),
  };
}

/** A message from the host, or undefined for anything else. */
export function parseHostMessage(raw: unknown): HostToParent | undefined {
  if (!isRecord(raw) || typeof raw.type !== 'string') return undefined;
  switch (raw.type) {
    case 'ready':
      return typeof raw.wsUrl === 'string' && typeof raw.httpUrl === 'string' && typeof raw.port === 'number' ? (raw as HostToParent) : undefined;
    case 'failed':
    case 'fatal':
      return { type: raw.type, message: typeof raw.message === 'string' ? raw.message : 'unknown error' };
    case 'stopped':
      return { type: 'stopped' };
    default:
      return undefined;
  }
}
