import type { ChannelPlugin } from '../../src-shared/domain/channel.js';
import type { PeerKind } from '../../src-shared/domain/inbound.js';

/** What core knows about a built-in channel before loading its code. */
export interface ChannelCatalogEntry {
  id: string;
  label: string;
  /** A personal number (not a bot): unknown contacts are never sent pairing codes. */
  personalNumber: boolean;
  /** Loads the adapter code on first use, so a gateway without the channel never pays for its SDK. */
  load(): Promise<ChannelPlugin>;
  /** The kind of a bare `send` target id on this platform (default: a direct message). */
  bareTargetKind?(id: string): PeerKind;
  /** `send --thread` names a forum topic here, not a thread. */
  threadIsTopic?: boolean;
  /** Links by scanning a QR code (`web.login.*`, `openclaw channels login`). */
  qrLogin?: boolean;
}

/** Built-in channels, in the order status lists them. */
export const CHANNEL_CATALOG: readonly ChannelCatalogEntry[] = [
  {
    id: 'whatsapp',
    label: 'WhatsApp',
    personalNumber: true,
    qrLogin: true,
    load: async () => (await import('./whatsapp/index.js')).whatsappPlugin,
    bareTargetKind: (id) => (id.endsWith('@g.us') ? 'group' : 'direct'),
  },
  {
    id: 'telegram',
    label: 'Telegram',
    personalNumber: false,
    load: async () => (await import('./telegram/index.js')).telegramPlugin,
    // Groups and supergroups have negative chat ids.
    bareTargetKind: (id) => (id.startsWith('-') ? 'group' : 'direct'),
    threadIsTopic: true,
  },
  { id: 'discord', label: 'Discord', personalNumber: false, load: async () => (await import('./discord/index.js')).discordPlugin },
  { id: 'slack', label: 'Slack', personalNumber: false, load: async () => (await import('./slack/index.js')).slackPlugin },
  { id: 'imessage', label: 'iMessage', personalNumber: true, load: async () => (await import('./imessage/index.js')).imessagePlugin },
  {
    id: 'googlechat',
    label: 'Google Chat',
    personalNumber: false,
    load: async () => (await import('./googlechat/index.js')).googlechatPlugin,
    bareTargetKind: (id) => (id.startsWith('spaces/') ? 'group' : 'direct'),
  },
];

/** The entry for `id`: a built-in first, then `extra` (channels that plugins add at run time). */
export function catalogEntry(id: string, extra: readonly ChannelCatalogEntry[] = []): ChannelCatalogEntry | undefined {
  return CHANNEL_CATALOG.find((c) => c.id === id) ?? extra.find((c) => c.id === id);
}

/** Every known entry, built-ins first, then the extra ones whose ids are free. */
export function catalogEntries(extra: readonly ChannelCatalogEntry[] = []): ChannelCatalogEntry[] {
  const ids = new Set(CHANNEL_CATALOG.map((c) => c.id));
  return [...CHANNEL_CATALOG, ...extra.filter((c) => !ids.has(c.id))];
}
