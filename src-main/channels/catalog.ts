import type { ChannelPlugin } from '../../src-shared/domain/channel.js';
import type { PeerKind } from '../../src-shared/domain/inbound.js';

/**
 * What core knows about a channel before loading its code. Every channel, the
 * bundled ones included, comes from a plugin: the entries are built from the
 * plugins' manifests (see `plugins/channel-bridge.ts`), in discovery order.
 */
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
  /** Where on the phone the QR code is scanned. */
  loginHint?: string;
}

/** The first entry for `id`. */
export function catalogEntry(id: string, entries: readonly ChannelCatalogEntry[]): ChannelCatalogEntry | undefined {
  return entries.find((c) => c.id === id);
}

/** Every entry once per id (the first one wins), in order. */
export function catalogEntries(entries: readonly ChannelCatalogEntry[]): ChannelCatalogEntry[] {
  const seen = new Set<string>();
  return entries.filter((c) => !seen.has(c.id) && Boolean(seen.add(c.id)));
}
