/** iMessage channel (macOS, through the `imsg` CLI). */
export { createIMessagePlugin, imessagePlugin, IMESSAGE_CAPABILITIES, type IMessagePluginOptions } from './plugin.js';
export { normalizeHandle, normalizeImsgMessage, resolveSendTarget, groupPeerId } from './normalize.js';
