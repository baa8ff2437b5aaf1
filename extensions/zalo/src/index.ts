/** The Zalo plugin: a Zalo Bot Platform bot by long polling. */
import { definePlugin } from '../../../src-shared/plugin/api.js';
import { zaloChannel } from './channel.js';

export default definePlugin({
  id: 'zalo',
  register(api) {
    api.registerChannel(zaloChannel);
  },
});

export { zaloChannel, ZALO_CAPABILITIES } from './channel.js';
export { normalizeZaloUpdate } from './normalize.js';
