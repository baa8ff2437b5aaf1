/** The Telegram plugin: registers the Telegram channel. */
import { definePlugin } from '../../../src-shared/plugin/api.js';
import { telegramChannel } from './channel.js';

export default definePlugin({
  id: 'telegram',
  register(api) {
    api.registerChannel(telegramChannel);
  },
});

export { telegramChannel, TELEGRAM_CAPABILITIES } from './channel.js';
export { TelegramAdapter } from './adapter.js';
export { normalizeTelegramUpdate, buildTelegramMessageId } from './normalize.js';
