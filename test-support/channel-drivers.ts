import type { ChannelTestDriver } from './channel-driver.js';
import { createDiscordDriver } from './fake-discord/driver.js';
import { createGoogleChatDriver } from './fake-googlechat/driver.js';
import { createIMessageDriver } from './fake-imessage/driver.js';
import { createNostrDriver } from './nostr-relay/driver.js';
import { createTwitchDriver } from './irc-server/twitch-driver.js';
import { createLineDriver } from './fake-line/driver.js';
import { createMatrixDriver } from './fake-matrix/driver.js';
import { createMsTeamsDriver } from './fake-msteams/driver.js';
import { createMattermostDriver } from './fake-mattermost/driver.js';
import { createSignalDriver } from './fake-signal/driver.js';
import { createSlackDriver } from './fake-slack/driver.js';
import { createTelegramDriver } from './fake-telegram/driver.js';
import { createZaloDriver } from './fake-zalo/driver.js';
import { createWhatsAppDriver } from './fake-whatsapp/driver.js';

/** Every built-in channel's platform driver, for tests that must hold for all of them. */
export const CHANNEL_DRIVERS: [name: string, make: () => ChannelTestDriver][] = [
  ['telegram', createTelegramDriver],
  ['discord', createDiscordDriver],
  ['slack', createSlackDriver],
  ['whatsapp', createWhatsAppDriver],
  ['imessage', createIMessageDriver],
  ['googlechat', createGoogleChatDriver],
  ['matrix', createMatrixDriver],
  ['msteams', createMsTeamsDriver],
  ['mattermost', createMattermostDriver],
  ['signal', createSignalDriver],
  ['line', createLineDriver],
  ['twitch', createTwitchDriver],
  ['nostr', createNostrDriver],
  ['zalo', createZaloDriver],
];
