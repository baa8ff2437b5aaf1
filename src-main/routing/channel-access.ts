import { randomBytes } from 'node:crypto';
import {
  decideAccess,
  decideOutbound,
  PAIRING_CODE_LENGTH,
  PAIRING_MAX_PENDING,
  PAIRING_TTL_MS,
  pairingCodeFromBytes,
  type AccessSettings,
} from '../../src-shared/domain/access-policy.js';
import type { InboundMessage, OutboundReply, PeerKind } from '../../src-shared/domain/inbound.js';
import { accessSettingsFor, findChannelAccount, listChannelAccounts } from '../channels/account-config.js';
import type { ResolvedConfig } from '../config/resolve.js';
import type { Logger } from '../logging/index.js';
import type { PairingRequestRecord, Store } from '../store/types.js';

/** Messages kept per pending sender until approval; older ones are let go. */
const MAX_HELD = 20;

export interface ChannelAccessDeps {
  store: Store;
  config(): ResolvedConfig;
  log: Logger;
  /** Sends a notice (pairing code, approval) straight to a chat. */
  notify(reply: OutboundReply): Promise<void>;
  emit(event: string, payload: unknown): void;
  /** Puts released messages back on the inbound queue. */
  reingest(msg: InboundMessage): void;
  /** A channel's display name and whether it is a personal number (no pairing codes to strangers by default). */
  channelInfo(channel: string): { label: string; personalNumber: boolean };
  /** The account owner's own id where the platform has one (linked WhatsApp number). */
  ownerOf?(channel: string, accountId: string): string | undefined;
  /** Writes `commands.ownerAllowFrom` when no owner is set yet. */
  seedOwner?(entry: string): Promise<void>;
  now?(): number;
}

/** A pairing request as `pairing list` and `channels.pairing.list` show it. */
export interface PairingRequestView {
  id: string;
  code: string;
  channel: string;
  accountId: string;
  createdAt: string;
  lastSeenAt: string;
  expiresAt: string;
  meta: { name?: string; heldMessages: number };
}

/** A sender let in by pairing, as `channels.pairing.allowed` shows them. */
export interface PairedSenderView {
  channel: string;
  accountId: string;
  id: string;
  name?: string;
  approvedAt: string;
}

/** No pending request has that code. */
export class PairingCodeNotFoundError extends Error {
  override name = 'PairingCodeNotFoundError';
}

const view = (r: PairingRequestRecord): PairingRequestView => ({
  id: r.senderId,
  code: r.code,
  channel: r.channel,
  accountId: r.accountId,
  createdAt: new Date(r.createdAtMs).toISOString(),
  lastSeenAt: new Date(r.lastSeenAtMs).toISOString(),
  expiresAt: new Date(r.expiresAtMs).toISOString(),
  meta: { ...(r.senderName ? { name: r.senderName } : {}), heldMessages: r.held.length },
});

/**
 * Access policy and DM pairing for every channel, in one place: the inbound
 * gate, the pairing requests (codes, held messages, approval) and the check
 * that outbound `send` obeys the same rules.
 */
export function createChannelAccess(deps: ChannelAccessDeps): ChannelAccess {
  const now = () => deps.now?.() ?? Date.now();
  const pairing = deps.store.channelPairing;

  const settings = (channel: string, accountId: string): AccessSettings => {
    const cfg = deps.config();
    const account = findChannelAccount(cfg, channel, accountId);
    return accessSettingsFor(cfg, channel, account?.config ?? {}, deps.channelInfo(channel).personalNumber);
  };
  const pairedSet = async (channel: string, accountId: string) => new Set((await pairing.listAllowed({ channel, accountId })).map((p) => p.senderId));

  const newCode = async (): Promise<string> => {
    for (;;) {
      const code = pairingCodeFromBytes(randomBytes(PAIRING_CODE_LENGTH));
      if (!(await pairing.byCode(code))) return code;
    }
  };

  const expire = async () => {
    for (const r of await pairing.pruneExpired(now())) deps.emit('pairing', { type: 'expired', channel: r.channel, accountId: r.accountId, senderId: r.senderId, code: r.code });
  };

  /** Unknown DM sender under `pairing`: hold the message, offer a code once per request. */
  const requestPairing = async (msg: InboundMessage): Promise<void> => {
    await expire();
    const t = now();
    const existing = await pairing.getRequest(msg.channel, msg.accountId, msg.senderId);
    if (existing) {
      await pairing.touchRequest(msg.channel, msg.accountId, msg.senderId, t, [...existing.held, msg].slice(-MAX_HELD));
      return;
    }
    if ((await pairing.countPending(msg.channel, msg.accountId)) >= PAIRING_MAX_PENDING) {
      deps.log.warn('pairing request ignored: too many pending', { channel: msg.channel, accountId: msg.accountId, max: PAIRING_MAX_PENDING });
      return;
    }
    const rec: PairingRequestRecord = {
      channel: msg.channel,
      accountId: msg.accountId,
      senderId: msg.senderId,
      code: await newCode(),
      ...(msg.senderName ? { senderName: msg.senderName } : {}),
      peer: msg.peer,
      held: [msg],
      createdAtMs: t,
      lastSeenAtMs: t,
      expiresAtMs: t + PAIRING_TTL_MS,
    };
    await pairing.createRequest(rec);
    deps.log.info('pairing requested', { channel: msg.channel, accountId: msg.accountId, code: rec.code });
    deps.emit('pairing', { type: 'requested', ...view(rec) });
    const label = deps.channelInfo(msg.channel).label;
    const account = msg.accountId === 'default' ? '' : ` --account ${msg.accountId}`;
    const text = [
      'OpenClaw: access not configured.',
      '',
      `Your ${label} user id: ${msg.senderId}`,
      `Pairing code: ${rec.code}`,
      '',
      'Ask the owner of this assistant to approve it with:',
      `openclaw pairing approve ${msg.channel} ${rec.code}${account}`,
    ].join('\n');
    await deps.notify({ channel: msg.channel, accountId: msg.accountId, to: msg.peer, text }).catch((err: unknown) => deps.log.warn('pairing code reply failed', { channel: msg.channel, err }));
  };

  return {
    /** The inbound gate: `allow` lets the message on to the agent. */
    async gate(msg: InboundMessage): Promise<'allow' | 'drop'> {
      const s = settings(msg.channel, msg.accountId);
      const owner = deps.ownerOf?.(msg.channel, msg.accountId);
      const decision = decideAccess(s, {
        peerKind: msg.peer.kind,
        senderId: msg.senderId,
        peerId: msg.peer.id,
        mentioned: Boolean(msg.mentioned),
        paired: await pairedSet(msg.channel, msg.accountId),
        fromOwner: Boolean(msg.fromOwner) || (owner !== undefined && owner === msg.senderId),
      });
      if (decision.action === 'allow') return 'allow';
      if (decision.action === 'pair') await requestPairing(msg);
      else deps.log.debug('inbound dropped by access policy', { channel: msg.channel, accountId: msg.accountId, reason: decision.reason });
      return 'drop';
    },

    async list(filter: { channel?: string; accountId?: string } = {}): Promise<PairingRequestView[]> {
      await expire();
      return (await pairing.listRequests(filter)).map(view);
    },

    /** Approves a code: the sender joins the allowlist and their held messages are processed. */
    async approve(p: { channel: string; code: string; accountId?: string; notify?: boolean }, caller: { mayWriteConfig: boolean } = { mayWriteConfig: true }) {
      await expire();
      const code = p.code.trim().toUpperCase();
      const r = await pairing.byCode(code, p.channel);
      if (!r || (p.accountId && r.accountId !== p.accountId)) throw new PairingCodeNotFoundError(`no pending ${p.channel} pairing request with code ${code} (codes expire after 1 hour)`);
      await deps.store.transaction(async (tx) => {
        await tx.channelPairing.allow({ channel: r.channel, accountId: r.accountId, senderId: r.senderId, ...(r.senderName ? { senderName: r.senderName } : {}), approvedAtMs: now() });
        await tx.channelPairing.deleteRequest(r.channel, r.accountId, r.senderId);
      });
      deps.log.info('pairing approved', { channel: r.channel, accountId: r.accountId });
      deps.emit('pairing', { type: 'approved', channel: r.channel, accountId: r.accountId, id: r.senderId, code: r.code });
      const cfg = deps.config();
      // Naming the command owner writes the config, which only an admin may cause.
      if (!cfg.commands?.ownerAllowFrom?.length && caller.mayWriteConfig) await deps.seedOwner?.(`${r.channel}:${r.senderId}`).catch((err: unknown) => deps.log.warn('could not record the command owner', { err }));
      if (p.notify) {
        await deps
          .notify({ channel: r.channel, accountId: r.accountId, to: r.peer, text: 'OpenClaw: access approved. Your messages will now reach the assistant.' })
          .catch((err: unknown) => deps.log.warn('approval notice failed', { channel: r.channel, err }));
      }
      for (const held of r.held as InboundMessage[]) deps.reingest(held);
      return { channel: r.channel, accountId: r.accountId, id: r.senderId, senderId: r.senderId, ...(r.senderName ? { name: r.senderName } : {}), released: r.held.length };
    },

    /** Dismisses a request; its held messages are discarded. */
    async dismiss(p: { channel: string; code?: string; id?: string; accountId?: string }) {
      const r = p.code ? await pairing.byCode(p.code.trim().toUpperCase(), p.channel) : (await pairing.listRequests({ channel: p.channel, accountId: p.accountId })).find((x) => x.senderId === p.id);
      if (!r) throw new PairingCodeNotFoundError(`no pending ${p.channel} pairing request ${p.code ?? p.id ?? ''}`.trim());
      await pairing.deleteRequest(r.channel, r.accountId, r.senderId);
      deps.emit('pairing', { type: 'dismissed', channel: r.channel, accountId: r.accountId, id: r.senderId, code: r.code });
      return { channel: r.channel, accountId: r.accountId, id: r.senderId, dismissed: true as const };
    },

    async allowed(filter: { channel?: string; accountId?: string } = {}): Promise<PairedSenderView[]> {
      return (await pairing.listAllowed(filter)).map((r) => ({
        channel: r.channel,
        accountId: r.accountId,
        id: r.senderId,
        ...(r.senderName ? { name: r.senderName } : {}),
        approvedAt: new Date(r.approvedAtMs).toISOString(),
      }));
    },

    async revoke(p: { channel: string; id: string; accountId?: string }) {
      const accountId = p.accountId ?? 'default';
      const revoked = await pairing.revoke(p.channel, accountId, p.id);
      if (revoked) {
        deps.log.info('paired sender removed', { channel: p.channel, accountId });
        deps.emit('pairing', { type: 'revoked', channel: p.channel, accountId, id: p.id });
      }
      return { channel: p.channel, accountId, id: p.id, revoked };
    },

    /** Whether `send` may message this peer (the same rules as inbound, without pairing). */
    async canSendTo(channel: string, accountId: string, to: { kind: PeerKind; id: string }): Promise<boolean> {
      return decideOutbound(settings(channel, accountId), to, await pairedSet(channel, accountId), deps.ownerOf?.(channel, accountId));
    },

    pairingAccounts(channels: readonly string[]) {
      const cfg = deps.config();
      return channels.flatMap((channel) =>
        listChannelAccounts(cfg, channel)
          .filter((a) => a.enabled && settings(channel, a.accountId).dmPolicy === 'pairing')
          .map((a) => ({ channel, channelLabel: deps.channelInfo(channel).label, accountId: a.accountId })),
      );
    },
  };
}

/** What an approval returns. */
export interface PairingApproval {
  channel: string;
  accountId: string;
  id: string;
  senderId: string;
  name?: string;
  /** Held messages let through for an answer. */
  released: number;
}

/** The access and pairing gate for chat channels: one policy for inbound, outbound and approvals. */
export interface ChannelAccess {
  /** Allow or drop an inbound chat message (and start pairing for an unknown sender where the policy says so). */
  gate(msg: InboundMessage): Promise<'allow' | 'drop'>;
  /** Pending pairing requests. */
  list(filter?: { channel?: string; accountId?: string }): Promise<PairingRequestView[]>;
  /** Approve a code: the sender joins the allowlist and held messages are answered; naming the owner writes the config, so only callers that may. */
  approve(p: { channel: string; code: string; accountId?: string; notify?: boolean }, caller?: { mayWriteConfig: boolean }): Promise<PairingApproval>;
  /** Drop a request and its held messages. */
  dismiss(p: { channel: string; code?: string; id?: string; accountId?: string }): Promise<{ channel: string; accountId: string; id: string; dismissed: true }>;
  /** Senders approved by pairing. */
  allowed(filter?: { channel?: string; accountId?: string }): Promise<PairedSenderView[]>;
  /** Takes a sender off the pairing allowlist (their next DM asks for pairing again); `revoked` is false when they were not on it. */
  revoke(p: { channel: string; id: string; accountId?: string }): Promise<{ channel: string; accountId: string; id: string; revoked: boolean }>;
  /** Whether `send` may message this peer (the inbound rules without pairing). */
  canSendTo(channel: string, accountId: string, to: { kind: PeerKind; id: string }): Promise<boolean>;
  /** The enabled accounts of these channels whose DMs go through pairing (where pairing requests can come from). */
  pairingAccounts(channels: readonly string[]): { channel: string; channelLabel: string; accountId: string }[];
}
