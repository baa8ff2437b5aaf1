/**
 * The WhatsApp plugin: a personal number linked by QR code (Baileys).
 * `createWhatsAppChannel` takes another socket factory (tests, the
 * gateway-level driver).
 */
import { definePlugin } from '../../../src-shared/plugin/api.js';
import { createWhatsAppChannel } from './channel.js';

export default definePlugin({
  id: 'whatsapp',
  register(api) {
    api.registerChannel(createWhatsAppChannel());
  },
});

export { createWhatsAppChannel, type WhatsAppChannelOptions } from './channel.js';
export { NOT_LINKED_MESSAGE } from './adapter.js';
export { WhatsAppNotConnectedError } from './outbound.js';
export type { MakeWhatsAppSocket, ResolveWhatsAppVersion, WhatsAppSocket } from './socket.js';
