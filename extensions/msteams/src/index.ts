/** The Microsoft Teams plugin: a Bot Framework messaging endpoint for activities, the Bot Connector for replies. */
import { definePlugin } from '../../../src-shared/plugin/api.js';
import { msteamsChannel } from './channel.js';

export default definePlugin({
  id: 'msteams',
  register(api) {
    api.registerChannel(msteamsChannel);
  },
});

export { msteamsChannel, MSTEAMS_CAPABILITIES } from './channel.js';
export { normalizeActivity } from './normalize.js';
export { BOT_FRAMEWORK_ISSUER, BOT_FRAMEWORK_OPENID_METADATA } from './settings.js';
