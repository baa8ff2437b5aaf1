import type { ChannelPlugin } from '../../src-shared/domain/channel.js';
import type { AgentTool } from '../agents/tools/types.js';
import type { ChannelCatalogEntry } from '../channels/catalog.js';
import type { Dispatcher } from './dispatcher.js';
import type { HttpRoute } from './http.js';
import type { ListenerOverrides } from './listener.js';
import type { LocalClient } from './local-client.js';

/**
 * What parts added at run time (plugins) contribute; each source is read when
 * needed, so contributions can come and go while the gateway runs.
 */
export interface GatewayExtensions {
  /** HTTP routes beyond the built-in ones (any method). */
  extraRoute?: HttpRoute;
  /** Agent tools beyond the built-in ones. */
  extraTools?(): readonly AgentTool[];
  /** Channel catalog entries beyond the built-in channels. */
  extraCatalog?(): readonly ChannelCatalogEntry[];
  /** Named sections shown in `health` and `status` (`plugins`). */
  sections?(): Record<string, unknown>;
  /** Called once the dispatcher exists, to register methods outside the protocol table. */
  onDispatcher?(dispatcher: Pick<Dispatcher, 'register'>): void;
}

export interface StartGatewayOptions extends ListenerOverrides {
  profile?: string;
  env?: NodeJS.ProcessEnv;
  rendererDir?: string;
  /** Write log lines to stderr too (the foreground CLI does). */
  consoleLogs?: boolean;
  /** Tests shorten the tick; the advertised policy follows. */
  tickIntervalMs?: number;
  /** Replace the built-in agent tools (tests, benchmarks). */
  tools?: AgentTool[];
  providerTimeoutMs?: number;
  /** Channel plugins that replace built-ins of the same id (tests drive platform fakes through them). */
  channelPlugins?: ChannelPlugin[];
  /** Restart backoff for channel accounts (tests shorten it). */
  channelBackoff?: { initialMs?: number; maxMs?: number };
  /** Delivery retry tuning (tests shorten it). */
  deliveryRetry?: { retryBaseMs?: number; maxRetryAfterMs?: number; waitForChannelMs?: number };
  /** Platform name channels check against (tests run macOS-only channels elsewhere). */
  platform?: string;
  /** Contributions added at run time (plugins). */
  extensions?: GatewayExtensions;
}

export interface RunningGateway {
  port: number;
  host: string;
  httpUrl: string;
  wsUrl: string;
  stateDir: string;
  configPath: string;
  /** Where the generated token is stored, when one was generated. */
  tokenPath?: string;
  authMode: string;
  /** SHA-256 fingerprint of the certificate the port serves, when TLS is on. */
  tlsFingerprint?: string;
  createLocalClient(): LocalClient;
  /** Resolves when no inbound message is queued or being answered, and no reply is due to go out. */
  queueIdle(): Promise<void>;
  close(reason?: string): Promise<void>;
}
