/**
 * Settings of the iMessage channel (`channels.imessage`), which reaches
 * Messages.app on the Mac through the `imsg` command-line tool. Shared keys
 * (`enabled`, `dmPolicy`, `allowFrom`, `livenessMs`…) belong to core.
 */
import { Type } from '@sinclair/typebox';

/** iMessage's own keys, merged into the channel schema by core. */
export const imessageChannelKeys = {
  cliPath: Type.Optional(
    Type.String({ description: 'Path of the imsg executable (brew install steipete/tap/imsg).', default: 'imsg', minLength: 1 }),
  ),
  dbPath: Type.Optional(
    Type.String({ description: 'Messages database to read (passed to `imsg rpc --db`); defaults to ~/Library/Messages/chat.db.', minLength: 1 }),
  ),
  service: Type.Optional(
    Type.Union([Type.Literal('imessage'), Type.Literal('sms'), Type.Literal('auto')], {
      description: 'How direct replies are sent: iMessage only, SMS only, or whichever Messages picks.',
      default: 'auto',
    }),
  ),
  region: Type.Optional(
    Type.String({ description: 'Two-letter region used to write local phone numbers in international form.', default: 'US', pattern: '^[A-Za-z]{2}$' }),
  ),
  mentionNames: Type.Optional(
    Type.Array(Type.String({ minLength: 1 }), {
      description: 'Names that count as addressing the assistant in group chats ("@openclaw", "openclaw, …"); iMessage has no real mentions.',
    }),
  ),
};

/** iMessage keeps no secrets in config: Messages.app holds the account. */
export const IMESSAGE_SECRET_KEYS: string[] = [];
