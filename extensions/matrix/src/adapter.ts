import './node-compat.js';
import {
  ClientEvent,
  createClient,
  HttpApiEvent,
  MatrixEventEvent,
  MatrixScheduler,
  MemoryStore,
  ReceiptType,
  RoomEvent,
  SyncState,
  type MatrixClient,
  type MatrixEvent,
  type Room,
} from 'matrix-js-sdk';
import type { ChannelAdapter, ChannelContext, ChannelSend } from '../../../src-shared/domain/channel.js';
import { ChannelAuthError } from '../../../src-shared/domain/channel.js';
import { setUpEncryption, type EncryptionState } from './crypto.js';
import { describeMatrixError, isUnknownToken, scrubSecrets, tokenRejected } from './errors.js';
import { normalizeMatrixEvent } from './normalize.js';
import { RoomDirectory } from './rooms.js';
import { sendMatrixMessage } from './send.js';
import { resolveSession } from './session.js';
import { sdkLogger, silenceGlobalSdkLogger } from './sdk-logger.js';
import { AccountFiles } from './state-files.js';
import { resolveMatrixSettings, type MatrixSettings } from './settings.js';

silenceGlobalSdkLogger();

/** matrix-js-sdk's in-memory store, told where the last run's `/sync` stopped. */
class ResumableStore extends MemoryStore {
  constructor(private readonly saved: string | undefined) {
    super();
  }
  override getSavedSyncToken(): Promise<string | null> {
    return Promise.resolve(this.saved ?? null);
  }
}

/**
 * One Matrix account through matrix-js-sdk's `/sync` loop. Delivery is at
 * least once: the sync position is written to the data folder only after
 * every message of that `/sync` answer was queued by core, so a crash or a
 * refusing queue replays the rest (core dedupes by event id). Each answer
 * is a heartbeat; a loop that stops answering is restarted by the supervisor.
 */
export class MatrixAdapter implements ChannelAdapter {
  private settings?: MatrixSettings;
  private client?: MatrixClient;
  private files?: AccountFiles;
  private rooms?: RoomDirectory;
  private deviceId?: string;
  private displayName?: string;
  private encryption: EncryptionState = { enabled: false };
  private stopped = false;
  private failed = false;
  private stopping?: Promise<void>;
  /** Skip the timeline of a first-ever sync: it is history, not new messages. */
  private skipBacklog = false;
  /** Inbound handling, one event at a time, in order. */
  private inbound: Promise<unknown> = Promise.resolve();
  private pending = new Set<Promise<void>>();
  private checkpoints: Promise<void> = Promise.resolve();
  private lastSyncAt?: number;
  private readonly problems = new Map<string, string>();

  constructor(
    private readonly ctx: ChannelContext,
    private readonly defaultLivenessMs: number,
  ) {}

  /** Checks the token (or logs in), sets up encryption if asked, and starts syncing; resolves after the first `/sync`. */
  async start(): Promise<void> {
    if (this.client) throw new Error('Matrix adapter already started');
    const settings = resolveMatrixSettings(this.ctx.config, this.defaultLivenessMs);
    this.settings = settings;
    const files = new AccountFiles(this.ctx.dataDir, settings.homeserverUrl, settings.userId);
    this.files = files;
    const session = await resolveSession(settings, files, this.ctx.signal);
    this.deviceId = session.deviceId;
    this.throwIfStopped();
    const savedToken = await files.readSyncToken();
    this.skipBacklog = savedToken === undefined;
    const client = createClient({
      baseUrl: settings.homeserverUrl,
      userId: settings.userId,
      deviceId: session.deviceId,
      accessToken: session.accessToken,
      store: new ResumableStore(savedToken),
      // No send queue: delivery owns retries and retry-after, so a 429 must come back as an error.
      scheduler: new MatrixScheduler(undefined, () => null),
      localTimeoutMs: settings.requestTimeoutMs,
      useAuthorizationHeader: true,
      logger: sdkLogger(this.ctx.log, [session.accessToken, settings.password]),
    });
    this.client = client;
    this.rooms = new RoomDirectory(client, settings.userId);
    if (settings.encryption) {
      this.encryption = await setUpEncryption(client, { dataDir: this.ctx.dataDir, userId: settings.userId, deviceId: session.deviceId, log: this.ctx.log });
      if (this.encryption.problem) this.ctx.log.warn('matrix encryption is not available', { reason: this.encryption.problem });
    }
    this.throwIfStopped();
    this.displayName = (await client.getProfileInfo(settings.userId).catch(() => ({}) as { displayname?: string })).displayname;
    await this.rooms.loadDirect();
    this.throwIfStopped();
    this.listen(client);
    const ready = this.firstSync(client);
    await client.startClient({ initialSyncLimit: 0, pollTimeout: settings.pollTimeoutMs, disablePresence: true, lazyLoadMembers: false, threadSupport: false });
    await ready;
    this.throwIfStopped();
    this.ctx.log.info('matrix connected', { userId: settings.userId, deviceId: session.deviceId, resumed: savedToken !== undefined, encryption: this.encryption.enabled });
  }

  /** Idempotent; resolves once no further `emit` can start. */
  stop(): Promise<void> {
    this.stopped = true;
    this.stopping ??= (async () => {
      this.client?.stopClient();
      this.client?.removeAllListeners();
      await Promise.allSettled([...this.pending]);
      await this.checkpoints;
      const store = this.encryption.store;
      if (store) {
        await store.save().catch((err: unknown) => this.ctx.log.warn('matrix crypto store not saved', { error: String(err) }));
        await store.dispose();
      }
    })();
    return this.stopping;
  }

  /** Sends one message (Matrix HTML) to a DM (by user id), a room (by id or alias), a thread or as a reply. */
  async send(msg: ChannelSend): Promise<{ messageId: string }> {
    const { client, rooms, settings } = this.requireStarted();
    return sendMatrixMessage({ client, rooms, userId: settings.userId, encryption: this.encryption }, msg);
  }

  /** Shows "typing…" in the room for up to 30 s (or until the reply is sent). */
  async sendTyping(to: ChannelSend['to']): Promise<void> {
    const { client, rooms } = this.requireStarted();
    const roomId = await rooms.roomFor(to, { create: false });
    if (roomId) await client.sendTyping(roomId, true, 30_000);
  }

  /** Who the bot is, how it syncs, and what is wrong with which room. No secrets. */
  describe(): Record<string, unknown> {
    return {
      userId: this.settings?.userId,
      deviceId: this.deviceId,
      homeserverUrl: this.settings?.homeserverUrl,
      encryption: this.encryption.enabled ? 'on' : this.settings?.encryption ? `unavailable: ${this.encryption.problem}` : 'off',
      lastSyncAt: this.lastSyncAt,
      ...(this.problems.size ? { problems: [...this.problems.values()] } : {}),
    };
  }

  private listen(client: MatrixClient): void {
    client.on(ClientEvent.Sync, (state, _prev, data) => {
      if (this.stopped) return;
      if (state === SyncState.Prepared || state === SyncState.Syncing) {
        this.lastSyncAt = Date.now();
        this.skipBacklog = false;
        this.ctx.heartbeat();
        if (data?.nextSyncToken && !data.fromCache) this.checkpoint(data.nextSyncToken);
      }
    });
    client.on(HttpApiEvent.SessionLoggedOut, () => this.fail(tokenRejected(this.settings!.userId, false)));
    client.on(RoomEvent.Timeline, (event, room, toStart, removed, data) => {
      if (toStart || removed || !data?.liveEvent || !room || this.skipBacklog || this.stopped) return;
      this.track(() => this.onRoomEvent(event, room));
    });
    client.on(RoomEvent.MyMembership, (room, membership) => {
      if (membership === 'invite' && this.settings?.autoJoin) this.track(() => this.acceptInvite(room));
    });
  }

  /** Resolves at the first complete `/sync`; rejects when the sync loop cannot get one. */
  private firstSync(client: MatrixClient): Promise<void> {
    return new Promise((resolve, reject) => {
      const onSync = (state: SyncState, _prev: SyncState | null, data?: { error?: Error }) => {
        if (state === SyncState.Prepared || state === SyncState.Syncing) {
          client.off(ClientEvent.Sync, onSync);
          resolve();
        } else if (state === SyncState.Error || state === SyncState.Stopped) {
          client.off(ClientEvent.Sync, onSync);
          const err = data?.error;
          reject(isUnknownToken(err) ? tokenRejected(this.settings!.userId, true) : new Error(`Could not sync with ${this.settings?.homeserverUrl}: ${err ? describeMatrixError(err) : state}`));
        }
      };
      client.on(ClientEvent.Sync, onSync);
    });
  }

  /** Queues work behind earlier inbound work; a failure restarts the account, which replays from the last checkpoint. */
  private track(work: () => Promise<void>): void {
    const p = this.inbound.then(work).catch((err: unknown) => {
      if (this.stopped) throw err;
      const e = err instanceof Error && err.name === 'ChannelAuthError' ? err : new Error(`Matrix inbound handling failed: ${scrubSecrets(describeMatrixError(err), [this.settings?.accessToken, this.settings?.password])}`);
      this.fail(e);
      throw e;
    });
    this.inbound = p.catch(() => undefined);
    this.pending.add(p);
    void p.catch(() => undefined).finally(() => this.pending.delete(p));
  }

  /** Remembers `nextBatch` once everything queued before it has been handed to core. */
  private checkpoint(nextBatch: string): void {
    const before = [...this.pending];
    this.checkpoints = this.checkpoints.then(async () => {
      const results = await Promise.allSettled(before);
      if (this.failed || results.some((r) => r.status === 'rejected')) return;
      // The crypto store is written through (crypto-store.ts): a room key that came with this sync is on disk already.
      await this.files!.writeSyncToken(nextBatch).catch((err: unknown) => this.ctx.log.warn('matrix sync position not saved', { error: String(err) }));
    });
  }

  private async onRoomEvent(event: MatrixEvent, room: Room): Promise<void> {
    const { client, rooms, settings } = this.requireStarted();
    if (event.getType() === 'm.room.member' || event.getType() === 'm.room.encryption') rooms.forget(room.roomId);
    if (event.isEncrypted()) {
      if (!this.encryption.enabled) return this.reportEncrypted(room, event);
      await client.decryptEventIfNeeded(event);
      if (event.isDecryptionFailure()) await this.waitForDecryption(event);
      if (event.isDecryptionFailure()) {
        this.problems.set(`undecryptable:${room.roomId}`, `A message in room ${room.roomId} could not be decrypted (${event.decryptionFailureReason ?? 'no key'}); this device may have been offline when the key was shared.`);
        this.ctx.log.warn('matrix message could not be decrypted; skipped', { roomId: room.roomId, eventId: event.getId(), reason: event.decryptionFailureReason });
        return;
      }
    }
    const sender = event.getSender() ?? '';
    if (sender === settings.userId || event.getType() !== 'm.room.message') return;
    const direct = await rooms.isDirect(room.roomId, sender);
    const outcome = normalizeMatrixEvent(
      { eventId: event.getId() ?? '', roomId: room.roomId, sender, type: event.getType(), content: event.getContent(), timestampMs: event.getTs(), senderName: room.getMember(sender)?.rawDisplayName },
      { channel: this.ctx.channel, accountId: this.ctx.accountId, botUserId: settings.userId, botDisplayName: this.displayName, direct },
    );
    if (outcome.kind === 'skip') {
      this.ctx.log.debug('matrix event skipped', { eventId: event.getId(), reason: outcome.reason });
      return;
    }
    if (direct) rooms.rememberDirect(sender, room.roomId);
    if (this.stopped) throw new Error('stopping');
    await this.ctx.emit(outcome.message);
    // The read receipt is the user-visible "seen": sent once the message is safely queued. Best effort.
    client.sendReceipt(event, ReceiptType.Read).catch((err: unknown) => this.ctx.log.debug('matrix read receipt failed', { error: describeMatrixError(err) }));
  }

  private waitForDecryption(event: MatrixEvent): Promise<void> {
    const ms = Math.min(10_000, Math.round((this.settings?.livenessMs ?? 30_000) / 2));
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        event.off(MatrixEventEvent.Decrypted, onDecrypted);
        resolve();
      };
      const onDecrypted = () => {
        if (!event.isDecryptionFailure()) done();
      };
      const timer = setTimeout(done, ms);
      event.on(MatrixEventEvent.Decrypted, onDecrypted);
    });
  }

  private reportEncrypted(room: Room, event: MatrixEvent): void {
    const key = `encrypted:${room.roomId}`;
    const reason = this.settings?.encryption ? `encryption is not available: ${this.encryption.problem}` : 'set channels.matrix.encryption to true to read it';
    const text = `Room ${room.name && room.name !== room.roomId ? `"${room.name}" (${room.roomId})` : room.roomId} is encrypted; ${reason}.`;
    if (!this.problems.has(key)) this.ctx.log.warn('matrix encrypted message not read', { roomId: room.roomId, eventId: event.getId(), problem: text });
    this.problems.set(key, text);
  }

  private async acceptInvite(room: Room): Promise<void> {
    const { client, rooms } = this.requireStarted();
    const inviter = room.getDMInviter();
    try {
      await client.joinRoom(room.roomId);
    } catch (err) {
      this.ctx.log.warn('matrix invite not accepted', { roomId: room.roomId, error: describeMatrixError(err) });
      return;
    }
    this.ctx.log.info('matrix invite accepted', { roomId: room.roomId, direct: inviter !== undefined });
    if (inviter) await rooms.markDirect(inviter, room.roomId).catch((err: unknown) => this.ctx.log.debug('matrix m.direct not updated', { error: describeMatrixError(err) }));
  }

  private requireStarted(): { client: MatrixClient; rooms: RoomDirectory; settings: MatrixSettings } {
    if (!this.client || !this.rooms || !this.settings) throw new Error('Matrix adapter is not started');
    return { client: this.client, rooms: this.rooms, settings: this.settings };
  }

  private throwIfStopped(): void {
    if (this.stopped) throw new Error('Matrix adapter was stopped while starting');
  }

  /** Reports once; the supervisor stops this instance (and restarts it, unless the credentials were rejected). */
  private fail(err: Error): void {
    if (this.failed || this.stopped) return;
    this.failed = true;
    if (err instanceof ChannelAuthError || err.name === 'ChannelAuthError') this.client?.stopClient();
    this.ctx.fail(err);
  }
}
