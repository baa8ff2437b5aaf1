import type { ExecApprovals } from '../../agents/exec-approvals.js';
import { execApprovalHandlers } from './exec-approvals.js';
import type { PresenceEntry } from '../../../src-shared/protocol/index.js';
import type { ChannelsRuntime } from '../../channels/runtime-types.js';
import type { ResolvedConfig } from '../../config/resolve.js';
import { currentLogFile } from '../../logging/index.js';
import type { NodesRuntime } from '../../nodes/runtime-types.js';
import type { ChannelAccess } from '../../routing/channel-access.js';
import type { Store } from '../../store/types.js';
import type { Handlers } from '../dispatcher.js';
import type { Snapshots } from '../snapshots.js';
import { channelHandlers, knownChannel } from './channels.js';
import { pairingAllowlistHandlers } from './pairing-allowlist.js';
import type { PersonMemories } from '../person-memories.js';
import { configHandlers } from './config.js';
import { deviceHandlers } from './devices.js';
import { modelSetupHandlers } from './model-setup.js';
import { tailLogFile } from './logs.js';
import { nodeHandlers } from './nodes.js';
import { systemHandlers } from './system.js';
import { readSystemInfo } from './system-info.js';
import { usageHandlers } from './usage.js';
import { sessionUsageHandlers } from './session-usage.js';
import { diagnosticsHandlers } from './diagnostics.js';
import type { QueueLanes } from '../../queue/inbound-queue.js';
import { sessionWatchHandlers } from './session-watch.js';
import type { SessionListDeps } from './sessions.js';
import type { SessionSubscriptions } from '../session-subscriptions.js';

/** What the built-in method families are built over. */
export interface GatewayHandlerDeps {
  /** The conversation's own families (chat, agent, sessions, models, tools). */
  conversation: { handlers: Handlers; queue: SessionListDeps['queue'] & { lanes(): QueueLanes }; execApprovals: ExecApprovals };
  /** Which connections watch which sessions. */
  subscriptions: SessionSubscriptions;
  channels: ChannelsRuntime;
  access: Pick<ChannelAccess, 'list' | 'approve' | 'dismiss' | 'pairingAccounts' | 'allowed' | 'revoke'>;
  /** What the memory plugin keeps of a paired sender (offered when they are removed). */
  memories?: PersonMemories;
  /** Every channel id the gateway knows (built in and from plugins), configured or not. */
  channelIds(): string[];
  nodes: NodesRuntime;
  store: Store;
  config(): ResolvedConfig;
  snapshots: Snapshots;
  presence(): PresenceEntry[];
  configPath: string;
  env: NodeJS.ProcessEnv;
  appliedHash(): string;
  reloadNow(): void;
  channelsSchema?(): unknown;
  /** Where `system.info` reads the port and uptime. */
  host: { stateDir: string; startedAtMs: number; port(): number | undefined };
}

/** Every built-in RPC method family, one table. */
export function gatewayHandlers(deps: GatewayHandlerDeps): Handlers {
  const config = configHandlers({ configPath: deps.configPath, env: deps.env, appliedHash: deps.appliedHash, reloadNow: deps.reloadNow, channelsSchema: deps.channelsSchema });
  return {
    ...deps.conversation.handlers,
    ...sessionWatchHandlers({ store: deps.store, config: deps.config, queue: deps.conversation.queue, subscriptions: deps.subscriptions }),
    ...channelHandlers(deps.channels, deps.access, deps.channelIds),
    ...pairingAllowlistHandlers({ access: deps.access, config: deps.config, known: knownChannel(deps.channelIds), ...(deps.memories ? { memories: deps.memories } : {}) }),
    ...deviceHandlers(deps.nodes),
    ...nodeHandlers(deps.nodes),
    ...systemHandlers({ health: deps.snapshots.health, status: deps.snapshots.status, presence: deps.presence }),
    ...config,
    ...modelSetupHandlers({ configPath: deps.configPath, ollamaUrl: deps.env.OPENCLAW_OLLAMA_URL, patchConfig: (params, ctx) => config['config.patch']!(params, ctx) }),
    'logs.tail': (params) => tailLogFile(currentLogFile(), params),
    'system.info': () => readSystemInfo({ stateDir: deps.host.stateDir, startedAtMs: deps.host.startedAtMs, port: deps.host.port() }),
    ...usageHandlers({ store: deps.store, agentIds: () => Object.keys(deps.config().agents.entries) }),
    ...sessionUsageHandlers({ store: deps.store, config: deps.config }),
    ...diagnosticsHandlers({ queue: deps.conversation.queue }),
    ...execApprovalHandlers({ approvals: deps.conversation.execApprovals, config: deps.config, configPath: deps.configPath, env: deps.env, reloadNow: deps.reloadNow, appliedHash: deps.appliedHash }),
  };
}
