/** The Twitch plugin: Twitch chat through tmi.js, the token checked with Twitch. */
import { definePlugin } from '../../../src-shared/plugin/api.js';
import { twitchChannel } from './channel.js';

export default definePlugin({
  id: 'twitch',
  register(api) {
    api.registerChannel(twitchChannel);
  },
});

export { twitchChannel, TWITCH_CAPABILITIES } from './channel.js';
export { normalizeTwitchLine } from './normalize.js';
