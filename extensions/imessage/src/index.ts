/** The iMessage plugin (macOS, through the `imsg` CLI). */
import { definePlugin } from '../../../src-shared/plugin/api.js';
import { imessageChannel } from './channel.js';

export default definePlugin({
  id: 'imessage',
  register(api) {
    api.registerChannel(imessageChannel);
  },
});

export { createIMessageChannel, imessageChannel, IMESSAGE_CAPABILITIES, type IMessageChannelOptions } from './channel.js';
export { normalizeHandle, normalizeImsgMessage, resolveSendTarget, groupPeerId } from './normalize.js';
