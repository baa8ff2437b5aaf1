import type { Static } from '@sinclair/typebox';
import type { IpcResult } from './ipc.js';
import { configGetMethod, configPatchMethod, configSchemaMethod, configSetMethod } from './methods/config.js';
import type { MethodSpec } from './methods/define.js';
import { agentMethod, agentWaitMethod } from './methods/agent.js';
import { chatAbortMethod, chatHistoryMethod, chatMediaMethod, chatMetadataMethod, chatSendMethod, chatStartupMethod } from './methods/chat.js';
import { agentIdentityGetMethod, agentsListMethod } from './methods/agents.js';
import { execApprovalGetMethod, execApprovalListMethod, execApprovalResolveMethod, execApprovalsGetMethod } from './methods/exec-approvals.js';
import {
  sessionsDescribeMethod,
  sessionsMessagesSubscribeMethod,
  sessionsMessagesUnsubscribeMethod,
  sessionsSubscribeMethod,
  sessionsUnsubscribeMethod,
} from './methods/session-watch.js';
import { messageActionMethod, modelsAuthStatusMethod, modelsListMethod, sendMethod, toolsInvokeMethod } from './methods/models-tools.js';
import { modelsSetupDetectMethod, modelsSetupSaveMethod, modelsSetupTestMethod } from './methods/model-setup.js';
import {
  sessionsArchivesMethod,
  sessionsCompactMethod,
  sessionsDeleteMethod,
  sessionsListMethod,
  sessionsMemoriesMethod,
  sessionsPatchMethod,
  sessionsPreviewMethod,
  sessionsResetMethod,
} from './methods/sessions.js';
import {
  devicePairApproveMethod,
  devicePairListMethod,
  devicePairRejectMethod,
  devicePairRemoveMethod,
  devicePairRenameMethod,
  devicePairSetupCodeMethod,
  deviceTokenRevokeMethod,
  deviceTokenRotateMethod,
} from './methods/devices.js';
import {
  nodeDescribeMethod,
  nodeEventMethod,
  nodeInvokeCancelMethod,
  nodeInvokeMethod,
  nodeInvokeProgressMethod,
  nodeInvokeResultMethod,
  nodeListMethod,
  nodeRenameMethod,
  nodePairApproveMethod,
  nodePairListMethod,
  nodePairRejectMethod,
  nodePairRemoveMethod,
} from './methods/nodes.js';
import {
  channelsLogoutMethod,
  channelsPairingApproveMethod,
  channelsPairingAllowedMethod,
  channelsPairingDismissMethod,
  channelsPairingRevokeMethod,
  channelsPairingListMethod,
  channelsStartMethod,
  channelsStatusMethod,
  channelsStopMethod,
  webLoginStartMethod,
  webLoginWaitMethod,
} from './methods/channels.js';
import { healthMethod, logsTailMethod, statusMethod, systemInfoMethod, systemPresenceMethod } from './methods/system.js';
import { usageCostMethod } from './methods/usage.js';
import { controlUiLoginLinkMethod } from './methods/control-ui.js';
import { sessionsUsageLogsMethod, sessionsUsageMethod, sessionsUsageTimeseriesMethod } from './methods/session-usage.js';
import { diagnosticsLanesMethod } from './methods/diagnostics.js';
import { lastHeartbeatMethod, setHeartbeatsMethod } from './methods/heartbeat.js';
import { cronAddMethod, cronGetMethod, cronListMethod, cronRemoveMethod, cronRunMethod, cronRunsMethod, cronStatusMethod, cronUpdateMethod } from './methods/cron.js';
import { pluginsDisableMethod, pluginsDoctorMethod, pluginsEnableMethod, pluginsInfoMethod, pluginsListMethod, pluginsRefreshMethod } from './methods/plugins.js';

/**
 * Every gateway method: params and result schemas, required scope, roles.
 * The dispatcher, IPC bridge, CLI, renderer and tests all read this one table.
 */
export const METHODS = {
  health: healthMethod,
  status: statusMethod,
  'system-presence': systemPresenceMethod,
  'system.info': systemInfoMethod,
  'last-heartbeat': lastHeartbeatMethod,
  'set-heartbeats': setHeartbeatsMethod,
  'logs.tail': logsTailMethod,
  'config.get': configGetMethod,
  'config.set': configSetMethod,
  'config.patch': configPatchMethod,
  'config.schema': configSchemaMethod,
  send: sendMethod,
  'message.action': messageActionMethod,
  agent: agentMethod,
  'agent.wait': agentWaitMethod,
  'chat.send': chatSendMethod,
  'chat.history': chatHistoryMethod,
  'chat.abort': chatAbortMethod,
  'chat.media': chatMediaMethod,
  'chat.startup': chatStartupMethod,
  'chat.metadata': chatMetadataMethod,
  'sessions.list': sessionsListMethod,
  'sessions.preview': sessionsPreviewMethod,
  'sessions.patch': sessionsPatchMethod,
  'sessions.reset': sessionsResetMethod,
  'sessions.delete': sessionsDeleteMethod,
  'sessions.memories': sessionsMemoriesMethod,
  'sessions.compact': sessionsCompactMethod,
  'sessions.archives': sessionsArchivesMethod,
  'sessions.describe': sessionsDescribeMethod,
  'sessions.subscribe': sessionsSubscribeMethod,
  'sessions.unsubscribe': sessionsUnsubscribeMethod,
  'sessions.messages.subscribe': sessionsMessagesSubscribeMethod,
  'sessions.messages.unsubscribe': sessionsMessagesUnsubscribeMethod,
  'agents.list': agentsListMethod,
  'agent.identity.get': agentIdentityGetMethod,
  'models.list': modelsListMethod,
  'models.authStatus': modelsAuthStatusMethod,
  'models.setup.detect': modelsSetupDetectMethod,
  'models.setup.test': modelsSetupTestMethod,
  'models.setup.save': modelsSetupSaveMethod,
  'tools.invoke': toolsInvokeMethod,
  'device.pair.list': devicePairListMethod,
  'device.pair.approve': devicePairApproveMethod,
  'device.pair.reject': devicePairRejectMethod,
  'device.pair.remove': devicePairRemoveMethod,
  'device.pair.rename': devicePairRenameMethod,
  'device.pair.setupCode': devicePairSetupCodeMethod,
  'device.token.rotate': deviceTokenRotateMethod,
  'device.token.revoke': deviceTokenRevokeMethod,
  'node.list': nodeListMethod,
  'node.describe': nodeDescribeMethod,
  'node.rename': nodeRenameMethod,
  'node.invoke': nodeInvokeMethod,
  'node.invoke.cancel': nodeInvokeCancelMethod,
  'node.invoke.result': nodeInvokeResultMethod,
  'node.invoke.progress': nodeInvokeProgressMethod,
  'node.event': nodeEventMethod,
  'node.pair.list': nodePairListMethod,
  'node.pair.approve': nodePairApproveMethod,
  'exec.approval.list': execApprovalListMethod,
  'exec.approval.get': execApprovalGetMethod,
  'exec.approval.resolve': execApprovalResolveMethod,
  'exec.approvals.get': execApprovalsGetMethod,
  'node.pair.reject': nodePairRejectMethod,
  'node.pair.remove': nodePairRemoveMethod,
  'channels.status': channelsStatusMethod,
  'channels.start': channelsStartMethod,
  'channels.stop': channelsStopMethod,
  'channels.logout': channelsLogoutMethod,
  'channels.pairing.list': channelsPairingListMethod,
  'channels.pairing.approve': channelsPairingApproveMethod,
  'channels.pairing.dismiss': channelsPairingDismissMethod,
  'channels.pairing.allowed': channelsPairingAllowedMethod,
  'channels.pairing.revoke': channelsPairingRevokeMethod,
  'web.login.start': webLoginStartMethod,
  'web.login.wait': webLoginWaitMethod,
  'usage.cost': usageCostMethod,
  'sessions.usage': sessionsUsageMethod,
  'sessions.usage.timeseries': sessionsUsageTimeseriesMethod,
  'sessions.usage.logs': sessionsUsageLogsMethod,
  'diagnostics.lanes': diagnosticsLanesMethod,
  'cron.list': cronListMethod,
  'cron.status': cronStatusMethod,
  'cron.get': cronGetMethod,
  'cron.runs': cronRunsMethod,
  'cron.add': cronAddMethod,
  'cron.update': cronUpdateMethod,
  'cron.remove': cronRemoveMethod,
  'cron.run': cronRunMethod,
  'plugins.list': pluginsListMethod,
  'plugins.info': pluginsInfoMethod,
  'plugins.enable': pluginsEnableMethod,
  'plugins.disable': pluginsDisableMethod,
  'plugins.refresh': pluginsRefreshMethod,
  'plugins.doctor': pluginsDoctorMethod,
  'controlUi.loginLink': controlUiLoginLinkMethod,
} as const satisfies Record<string, MethodSpec>;

export type MethodName = keyof typeof METHODS;
export type MethodParams<M extends MethodName> = Static<(typeof METHODS)[M]['params']>;
export type MethodResult<M extends MethodName> = Static<(typeof METHODS)[M]['result']>;

export function isMethodName(name: string): name is MethodName {
  return Object.prototype.hasOwnProperty.call(METHODS, name);
}

/** Method prefixes that always need admin, whatever a spec says (defence in depth). */
export const ADMIN_ONLY_PREFIXES = ['exec.approvals.', 'wizard.', 'update.'] as const;
/** Config methods that write: always admin. Reads (`config.get`, `config.schema`) need read. */
export const ADMIN_ONLY_METHODS = ['config.set', 'config.patch', 'config.apply', 'config.openFile'] as const;

/** The scope a method requires, applying the admin-only rules on top of the table. */
export function requiredScopeFor(method: string, spec: MethodSpec | undefined): string | null {
  if ((ADMIN_ONLY_METHODS as readonly string[]).includes(method)) return 'operator.admin';
  if (ADMIN_ONLY_PREFIXES.some((p) => method.startsWith(p))) return 'operator.admin';
  return spec ? spec.scope : 'operator.admin';
}

/**
 * A gateway call, typed end to end: a protocol method takes its params and
 * returns its result as the METHOD table declares them. Any other name (a
 * plugin's namespaced method, added at run time) is untyped: `T` says what the caller expects.
 */
export interface TypedCall<Extra extends unknown[] = []> {
  <M extends MethodName>(method: M, ...args: [...ParamsArg<M>, ...Extra]): Promise<MethodResult<M>>;
  <T = unknown, S extends string = string>(method: NotAMethod<S>, params?: unknown, ...extra: Extra): Promise<T>;
}

/** The same over the IPC envelope (the preload bridge answers `{ok, value}` or `{ok:false, error}`). */
export interface TypedIpcCall {
  <M extends MethodName>(method: M, ...args: ParamsArg<M>): Promise<IpcResult<MethodResult<M>>>;
  <S extends string>(method: NotAMethod<S>, params?: unknown): Promise<IpcResult>;
}

/** A method's params argument: optional where every param is. */
export type ParamsArg<M extends MethodName> = object extends MethodParams<M> ? [params?: MethodParams<M>] : [params: MethodParams<M>];

/** A method name outside the table: a literal protocol name must take the typed overload (and its params). */
export type NotAMethod<S extends string> = S extends MethodName ? never : S;
