/** Discord channel (bot accounts, through discord.js). */
export { discordPlugin, DISCORD_CAPABILITIES } from './plugin.js';
export { normalizeMessage, isBotMentioned } from './normalize.js';
