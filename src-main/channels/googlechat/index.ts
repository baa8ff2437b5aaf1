/** Google Chat channel (HTTP endpoint + Chat REST API). */
export { googlechatPlugin, GOOGLECHAT_CAPABILITIES } from './plugin.js';
export { normalizeChatEvent } from './normalize.js';
export { CHAT_ISSUER, CHAT_CERTS_URL, GOOGLE_OIDC_CERTS_URL } from './settings.js';
