/** The LINE plugin: signed webhooks in, the Messaging API (reply, then push) out. */
import { definePlugin } from '../../../src-shared/plugin/api.js';
import { lineChannel } from './channel.js';

export default definePlugin({
  id: 'line',
  register(api) {
    api.registerChannel(lineChannel);
  },
});

export { lineChannel, LINE_CAPABILITIES } from './channel.js';
export { normalizeLineEvent } from './normalize.js';
export { verifyLineSignature } from './signature.js';
