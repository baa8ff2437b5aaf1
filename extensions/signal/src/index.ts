/** The Signal plugin: a personal number linked through signal-cli's JSON-RPC daemon. */
import { definePlugin } from '../../../src-shared/plugin/api.js';
import { signalChannel } from './channel.js';

export default definePlugin({
  id: 'signal',
  register(api) {
    api.registerChannel(signalChannel);
  },
});

export { signalChannel, SIGNAL_CAPABILITIES } from './channel.js';
export { normalizeReceive, buildMessageId, parseMessageId } from './normalize.js';
export { markdownToSignal } from './styles.js';
