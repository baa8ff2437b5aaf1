/**
 * Settings of the WhatsApp channel (`channels.whatsapp`): a personal number
 * linked as a companion device by scanning a QR code
 * (`openclaw channels login whatsapp`). The link lives in credential files,
 * not in config. Shared keys (`enabled`, `dmPolicy`, `allowFrom`, `apiRoot`
 * (the WhatsApp Web socket URL), `livenessMs`…) belong to core.
 */
import { Type } from '@sinclair/typebox';

/** WhatsApp's own keys, merged into the channel schema by core. */
export const whatsappChannelKeys = {
  authDir: Type.Optional(
    Type.String({
      description: "Folder holding the linked-device credentials; defaults to the account's private data folder. Point it at an existing link to reuse it without scanning again.",
      minLength: 1,
    }),
  ),
  markOnline: Type.Optional(
    Type.Boolean({
      description: 'Show this device as online while connected. Off by default, because while a linked device is online the phone stops ringing for new messages.',
      default: false,
    }),
  ),
  deviceName: Type.Optional(
    Type.String({ description: 'Name shown under Linked devices on the phone (applies at the next QR login).', default: 'OpenClaw', minLength: 1, maxLength: 40 }),
  ),
};

/** WhatsApp keeps no secrets in config: the link lives in `authDir`. */
export const WHATSAPP_SECRET_KEYS: string[] = [];
