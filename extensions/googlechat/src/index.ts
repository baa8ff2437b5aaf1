/** The Google Chat plugin: an HTTP endpoint for events, the Chat REST API for replies. */
import { definePlugin } from '../../../src-shared/plugin/api.js';
import { googlechatChannel } from './channel.js';

export default definePlugin({
  id: 'googlechat',
  register(api) {
    api.registerChannel(googlechatChannel);
  },
});

export { googlechatChannel, GOOGLECHAT_CAPABILITIES } from './channel.js';
export { normalizeChatEvent } from './normalize.js';
export { CHAT_ISSUER, CHAT_CERTS_URL, GOOGLE_OIDC_CERTS_URL } from './settings.js';
