/**
 * Settings of the Slack channel (`channels.slack`): a Slack app connected in
 * Socket Mode, so no public URL is needed. Shared keys (`enabled`, `dmPolicy`,
 * `apiRoot`, `livenessMs`…) belong to core; `apiRoot` here overrides the Web
 * API base (`https://slack.com/api/`), e.g. for a self-hosted proxy or tests.
 */
import { Type } from '@sinclair/typebox';

/** Slack's own keys, merged into the channel schema by core. */
export const slackChannelKeys = {
  botToken: Type.Optional(
    Type.String({
      description: 'Bot User OAuth Token (xoxb-…) from the app’s OAuth & Permissions page; used to post messages (secret).',
      minLength: 1,
    }),
  ),
  appToken: Type.Optional(
    Type.String({
      description: 'App-Level Token (xapp-…) with the connections:write scope, from the app’s Basic Information page; opens the Socket Mode connection (secret).',
      minLength: 1,
    }),
  ),
  replyToMode: Type.Optional(
    Type.Union([Type.Literal('off'), Type.Literal('thread')], {
      description: 'How a reply to a specific message is sent outside a thread: as a plain channel message (off) or as a thread reply under that message (thread).',
      default: 'off',
    }),
  ),
};

/** Secret key names (matched at any depth under the channel). */
export const SLACK_SECRET_KEYS: string[] = ['botToken', 'appToken'];
