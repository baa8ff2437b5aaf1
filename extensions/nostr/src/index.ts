/** The Nostr plugin: private messages and public chat channels over your relays. */
import { definePlugin } from '../../../src-shared/plugin/api.js';
import { nostrChannel } from './channel.js';

export default definePlugin({
  id: 'nostr',
  register(api) {
    api.registerChannel(nostrChannel);
  },
});

export { nostrChannel, NOSTR_CAPABILITIES } from './channel.js';
export { normalizeNostrEvent } from './normalize.js';
