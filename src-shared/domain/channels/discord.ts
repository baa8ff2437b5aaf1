/**
 * Settings of the Discord channel (`channels.discord`): a bot token and,
 * for self-hosted or test servers, a gateway address override. Shared keys
 * (`enabled`, `apiRoot`, `livenessMs`…) belong to core; `apiRoot` is the REST
 * base without the version, e.g. `https://discord.com/api`.
 */
import { Type } from '@sinclair/typebox';

/** Discord's own keys, merged into the channel schema by core. */
export const discordChannelKeys = {
  token: Type.Optional(
    Type.String({
      description: 'Bot token from the Discord Developer Portal (Applications → your app → Bot → Reset Token). Secret.',
      minLength: 1,
    }),
  ),
  gatewayUrl: Type.Optional(
    Type.String({
      description:
        'Gateway WebSocket address to connect to instead of the one Discord announces at GET /gateway/bot (e.g. a proxy or a test server). Resumes still use the address Discord gives in READY.',
      pattern: '^wss?://',
    }),
  ),
};

/** Secret key names (matched at any depth under the channel). */
export const DISCORD_SECRET_KEYS: string[] = ['token'];
