/** The Discord plugin: bot accounts through discord.js. */
import { definePlugin } from '../../../src-shared/plugin/api.js';
import { discordChannel } from './channel.js';

export default definePlugin({
  id: 'discord',
  register(api) {
    api.registerChannel(discordChannel);
  },
});

export { discordChannel, DISCORD_CAPABILITIES } from './channel.js';
export { normalizeMessage, isBotMentioned } from './normalize.js';
