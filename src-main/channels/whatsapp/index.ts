/**
 * WhatsApp channel: a personal number linked by QR code (Baileys).
 * `whatsappPlugin` talks to the real WhatsApp Web; `createWhatsAppPlugin`
 * takes another socket factory (tests, the gateway-level driver).
 */
import { createWhatsAppPlugin } from './plugin.js';

export { createWhatsAppPlugin, type WhatsAppPluginOptions } from './plugin.js';
export { NOT_LINKED_MESSAGE } from './adapter.js';
export { WhatsAppNotConnectedError } from './outbound.js';
export type { MakeWhatsAppSocket, ResolveWhatsAppVersion, WhatsAppSocket } from './socket.js';

/** The WhatsApp plug-in over the real WhatsApp Web socket. */
export const whatsappPlugin = createWhatsAppPlugin();
