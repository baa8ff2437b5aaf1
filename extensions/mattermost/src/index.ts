/** The Mattermost plugin: a bot account through the official Mattermost client. */
import { definePlugin } from '../../../src-shared/plugin/api.js';
import { mattermostChannel } from './channel.js';

export default definePlugin({
  id: 'mattermost',
  register(api) {
    api.registerChannel(mattermostChannel);
  },
});

export { mattermostChannel, MATTERMOST_CAPABILITIES } from './channel.js';
export { normalizePost, postFromEvent, mentionsUsername } from './normalize.js';
