import { randomUUID } from 'node:crypto';
import type { Static } from '@sinclair/typebox';
import { assertCanGrant, grantableScopes } from '../../src-shared/domain/scope-grant.js';
import { OperatorScopes, type PairRequestSchema, type PairedDeviceSchema } from '../../src-shared/protocol/index.js';
import type { DeviceRecord, Store } from '../store/types.js';

export type PairRequest = Static<typeof PairRequestSchema>;
export type PairedDevice = Static<typeof PairedDeviceSchema>;

/** How long a device pairing request waits for an operator. */
export const PAIR_REQUEST_TTL_MS = 5 * 60_000;
const MAX_PENDING = 100;

/** Roles a device token can be issued for (the roles `connect` accepts for devices). */
const TOKEN_ROLES = ['operator', 'node'] as const;

/** A refusal to act on pairing state (unknown or expired request, unknown device, unknown role). */
export class PairingError extends Error {
  override readonly name = 'PairingError';
  constructor(
    message: string,
    readonly code: 'APPROVAL_NOT_FOUND' | 'DEVICE_NOT_FOUND' | 'INVALID_ROLE',
  ) {
    super(message);
  }
}

/**
 * Who asks for a pairing change: the scopes of the calling connection, and
 * its own device and role when it has them (the desktop shell has none and
 * holds every scope).
 */
export interface PairingCaller {
  scopes: readonly string[];
  deviceId?: string;
  role?: string;
  /** The calling connection, kept open when it rotates its own token so the new one reaches it. */
  connId?: string;
}

export interface PairingHooks {
  emit(event: string, payload: unknown): void;
  /** Devices with an open connection now. */
  connectedDevices(): ReadonlySet<string>;
  /** Close a device's open connections (all, or only those using a device token); returns how many. */
  closeDevice(deviceId: string, opts: { onlyDeviceToken?: boolean; keepConnId?: string; reason: string }): number;
}

/**
 * Device pairing: pending requests (in memory, 5 minutes: a device that is
 * still there simply asks again) and paired devices (in the store). Removing
 * or revoking takes effect on open connections at once.
 *
 * Every change is checked against the caller's scopes (`scope-grant`):
 * approving grants at most what the approver holds, another device is managed
 * only by a caller holding all its scopes, and handing out another device's
 * token (rotation) needs `operator.admin`.
 */
export class DevicePairing {
  private readonly pending = new Map<string, PairRequest>();

  constructor(
    private readonly store: Store,
    private readonly hooks: PairingHooks,
    private readonly now: () => number = Date.now,
  ) {}

  /** Record (or refresh) a request for a device that needs approval; one pending request per device. */
  request(r: Omit<PairRequest, 'requestId' | 'createdAtMs' | 'expiresAtMs'>): PairRequest {
    this.prune();
    const existing = [...this.pending.values()].find((p) => p.deviceId === r.deviceId && p.role === r.role);
    const now = this.now();
    if (existing) {
      existing.expiresAtMs = now + PAIR_REQUEST_TTL_MS;
      existing.scopes = r.scopes;
      return existing;
    }
    if (this.pending.size >= MAX_PENDING) {
      const oldest = [...this.pending.values()].sort((a, b) => a.createdAtMs - b.createdAtMs)[0]!;
      this.pending.delete(oldest.requestId);
    }
    const req: PairRequest = { ...r, requestId: randomUUID(), createdAtMs: now, expiresAtMs: now + PAIR_REQUEST_TTL_MS };
    this.pending.set(req.requestId, req);
    this.hooks.emit('device.pair.requested', { requestId: req.requestId, deviceId: req.deviceId, role: req.role, displayName: req.displayName, platform: req.platform, expiresAtMs: req.expiresAtMs });
    return req;
  }

  async list(): Promise<{ pending: PairRequest[]; paired: PairedDevice[] }> {
    this.prune();
    // One pass over the connections for the whole list: thousands of nodes make a per-device scan quadratic.
    const connected = this.hooks.connectedDevices();
    return { pending: [...this.pending.values()], paired: (await this.store.devices.list()).map((d) => this.view(d, connected)) };
  }

  /** Approve a pending request; refused, and left pending, when it asks for scopes the caller does not hold. */
  async approve(requestId: string, caller: PairingCaller): Promise<PairedDevice> {
    const pending = this.peek(requestId);
    const granted = pending.role === 'operator' ? pending.scopes : [];
    assertCanGrant(caller.scopes, granted, `approve device "${pending.deviceId}" as ${describeGrant(pending.role, granted)}`, [OperatorScopes.PAIRING]);
    const req = this.take(requestId);
    const now = this.now();
    const prior = await this.store.devices.get(req.deviceId);
    const rec: DeviceRecord = {
      deviceId: req.deviceId,
      publicKey: req.publicKey,
      role: req.role,
      scopes: req.role === 'operator' ? [...new Set([...(prior?.role === req.role ? prior.scopes : []), ...req.scopes])] : [],
      clientId: req.clientId,
      clientMode: req.clientMode,
      platform: req.platform,
      displayName: req.displayName ?? prior?.displayName,
      createdAtMs: prior?.createdAtMs ?? now,
      approvedAtMs: now,
    };
    await this.store.devices.upsert(rec);
    this.hooks.emit('device.pair.resolved', { requestId, deviceId: req.deviceId, decision: 'approved' });
    return this.view(rec);
  }

  reject(requestId: string): void {
    const req = this.take(requestId);
    this.hooks.emit('device.pair.resolved', { requestId, deviceId: req.deviceId, decision: 'rejected' });
  }

  async remove(deviceId: string, caller: PairingCaller): Promise<{ removed: boolean; closedConnections: number }> {
    const rec = await this.store.devices.get(deviceId);
    if (rec) this.assertCanManage(caller, rec, 'unpair');
    const removed = await this.store.devices.remove(deviceId);
    const closedConnections = this.hooks.closeDevice(deviceId, { reason: 'device removed' });
    return { removed, closedConnections };
  }

  async rename(deviceId: string, displayName: string, caller: PairingCaller): Promise<PairedDevice> {
    const rec = await this.mustGet(deviceId);
    this.assertCanManage(caller, rec, 'rename');
    const next = { ...rec, displayName };
    await this.store.devices.upsert(next);
    return this.view(next);
  }

  /**
   * Issue a new token for a device's role. Another device's token goes to
   * admins only (whoever holds it can act as that device); a device may
   * rotate its own. The new token never carries a scope the caller lacks:
   * one's own rotation keeps the scopes of the calling connection.
   */
  async rotateToken(deviceId: string, role: string | undefined, caller: PairingCaller): Promise<{ role: string; token: string; scopes: string[]; issuedAtMs: number }> {
    const rec = await this.mustGet(deviceId);
    const own = caller.deviceId === deviceId;
    if (!own) assertCanGrant(caller.scopes, [OperatorScopes.ADMIN], `rotate the token of another device ("${deviceId}")`, [OperatorScopes.PAIRING]);
    const r = role ?? (own && caller.role ? caller.role : rec.role);
    if (!(TOKEN_ROLES as readonly string[]).includes(r)) throw new PairingError(`unknown role "${r}": device tokens are issued for ${TOKEN_ROLES.join(' or ')}`, 'INVALID_ROLE');
    // A role the device was neither paired for nor is connected with would be a new grant.
    if (r !== rec.role && !(own && r === caller.role)) {
      assertCanGrant(caller.scopes, [OperatorScopes.ADMIN], `issue a ${r} token to device "${deviceId}", which is paired as ${rec.role}`, [OperatorScopes.PAIRING]);
    }
    const base = r !== 'operator' ? [] : own && caller.role === 'operator' ? caller.scopes : rec.role === 'operator' ? rec.scopes : [];
    const scopes = grantableScopes(caller.scopes, base);
    const issued = await this.store.deviceTokens.issue(deviceId, r, scopes, this.now());
    this.hooks.closeDevice(deviceId, { onlyDeviceToken: true, reason: 'device token rotated', ...(own && caller.connId ? { keepConnId: caller.connId } : {}) });
    return { role: r, scopes, ...issued };
  }

  async revokeToken(deviceId: string, role: string | undefined, caller: PairingCaller): Promise<{ revoked: number; closedConnections: number }> {
    this.assertCanManage(caller, await this.mustGet(deviceId), 'revoke the tokens of');
    const revoked = await this.store.deviceTokens.revoke(deviceId, role);
    return { revoked, closedConnections: this.hooks.closeDevice(deviceId, { onlyDeviceToken: true, reason: 'device token revoked' }) };
  }

  /** A caller may act on its own device, or on one whose scopes it holds all of (a pairing-only device cannot unpair an admin). */
  private assertCanManage(caller: PairingCaller, rec: DeviceRecord, verb: string): void {
    if (caller.deviceId === rec.deviceId) return;
    assertCanGrant(caller.scopes, rec.scopes, `${verb} device "${rec.deviceId}", which holds ${rec.scopes.join(', ')}`, [OperatorScopes.PAIRING]);
  }

  private async mustGet(deviceId: string): Promise<DeviceRecord> {
    const rec = await this.store.devices.get(deviceId);
    if (!rec) throw new PairingError(`unknown device "${deviceId}"`, 'DEVICE_NOT_FOUND');
    return rec;
  }

  private peek(requestId: string): PairRequest {
    this.prune();
    const req = this.pending.get(requestId);
    if (!req) throw new PairingError(`no pending pairing request "${requestId}" (it may have expired after 5 minutes; the device can ask again)`, 'APPROVAL_NOT_FOUND');
    return req;
  }

  private take(requestId: string): PairRequest {
    const req = this.peek(requestId);
    this.pending.delete(requestId);
    return req;
  }

  private prune(): void {
    const now = this.now();
    for (const [id, r] of this.pending) if (r.expiresAtMs <= now) this.pending.delete(id);
  }

  private view(d: DeviceRecord, connected: ReadonlySet<string> = this.hooks.connectedDevices()): PairedDevice {
    return {
      deviceId: d.deviceId,
      role: d.role,
      scopes: d.scopes,
      ...(d.clientId ? { clientId: d.clientId } : {}),
      ...(d.platform ? { platform: d.platform } : {}),
      ...(d.displayName ? { displayName: d.displayName } : {}),
      createdAtMs: d.createdAtMs,
      approvedAtMs: d.approvedAtMs,
      ...(d.lastSeenAtMs ? { lastSeenAtMs: d.lastSeenAtMs } : {}),
      connected: connected.has(d.deviceId),
    };
  }
}

function describeGrant(role: string, scopes: readonly string[]): string {
  return scopes.length ? `${role} with ${scopes.join(', ')}` : role;
}

/** IPv4 CIDR match (`gateway.nodes.pairing.autoApproveCidrs`); IPv4-mapped IPv6 addresses are unwrapped. */
export function inCidrs(address: string, cidrs: readonly string[]): boolean {
  const ip = address.startsWith('::ffff:') ? address.slice(7) : address;
  const toInt = (s: string) => {
    const parts = s.split('.').map(Number);
    if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) return undefined;
    return ((parts[0]! << 24) | (parts[1]! << 16) | (parts[2]! << 8) | parts[3]!) >>> 0;
  };
  const n = toInt(ip);
  if (n === undefined) return false;
  return cidrs.some((c) => {
    const [base, bitsRaw] = c.split('/');
    const b = toInt(base ?? '');
    const bits = bitsRaw === undefined ? 32 : Number(bitsRaw);
    if (b === undefined || !Number.isInteger(bits) || bits < 0 || bits > 32) return false;
    const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
    return (n & mask) === (b & mask);
  });
}
