import { randomUUID } from 'node:crypto';
import type { Static } from '@sinclair/typebox';
import type { PairRequestSchema, PairedDeviceSchema } from '../../src-shared/protocol/index.js';
import type { DeviceRecord, Store } from '../store/types.js';

export type PairRequest = Static<typeof PairRequestSchema>;
export type PairedDevice = Static<typeof PairedDeviceSchema>;

/** How long a device pairing request waits for an operator. */
export const PAIR_REQUEST_TTL_MS = 5 * 60_000;
const MAX_PENDING = 100;

/** A refusal to act on pairing state (unknown or expired request, unknown device). */
export class PairingError extends Error {
  override readonly name = 'PairingError';
  constructor(
    message: string,
    readonly code: 'APPROVAL_NOT_FOUND' | 'DEVICE_NOT_FOUND',
  ) {
    super(message);
  }
}

export interface PairingHooks {
  emit(event: string, payload: unknown): void;
  /** Devices with an open connection now. */
  connectedDevices(): ReadonlySet<string>;
  /** Close a device's open connections (all, or only those using a device token); returns how many. */
  closeDevice(deviceId: string, opts: { onlyDeviceToken?: boolean; reason: string }): number;
}

/**
 * Device pairing: pending requests (in memory, 5 minutes: a device that is
 * still there simply asks again) and paired devices (in the store). Removing
 * or revoking takes effect on open connections at once.
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

  list(): { pending: PairRequest[]; paired: PairedDevice[] } {
    this.prune();
    // One pass over the connections for the whole list: thousands of nodes make a per-device scan quadratic.
    const connected = this.hooks.connectedDevices();
    return { pending: [...this.pending.values()], paired: this.store.devices.list().map((d) => this.view(d, connected)) };
  }

  approve(requestId: string): PairedDevice {
    const req = this.take(requestId);
    const now = this.now();
    const prior = this.store.devices.get(req.deviceId);
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
    this.store.devices.upsert(rec);
    this.hooks.emit('device.pair.resolved', { requestId, deviceId: req.deviceId, decision: 'approved' });
    return this.view(rec);
  }

  reject(requestId: string): void {
    const req = this.take(requestId);
    this.hooks.emit('device.pair.resolved', { requestId, deviceId: req.deviceId, decision: 'rejected' });
  }

  remove(deviceId: string): { removed: boolean; closedConnections: number } {
    const removed = this.store.devices.remove(deviceId);
    const closedConnections = this.hooks.closeDevice(deviceId, { reason: 'device removed' });
    return { removed, closedConnections };
  }

  rename(deviceId: string, displayName: string): PairedDevice {
    const rec = this.mustGet(deviceId);
    const next = { ...rec, displayName };
    this.store.devices.upsert(next);
    return this.view(next);
  }

  rotateToken(deviceId: string, role?: string): { role: string; token: string; issuedAtMs: number } {
    const rec = this.mustGet(deviceId);
    const r = role ?? rec.role;
    const issued = this.store.deviceTokens.issue(deviceId, r, rec.scopes, this.now());
    this.hooks.closeDevice(deviceId, { onlyDeviceToken: true, reason: 'device token rotated' });
    return { role: r, ...issued };
  }

  revokeToken(deviceId: string, role?: string): { revoked: number; closedConnections: number } {
    this.mustGet(deviceId);
    const revoked = this.store.deviceTokens.revoke(deviceId, role);
    return { revoked, closedConnections: this.hooks.closeDevice(deviceId, { onlyDeviceToken: true, reason: 'device token revoked' }) };
  }

  private mustGet(deviceId: string): DeviceRecord {
    const rec = this.store.devices.get(deviceId);
    if (!rec) throw new PairingError(`unknown device "${deviceId}"`, 'DEVICE_NOT_FOUND');
    return rec;
  }

  private take(requestId: string): PairRequest {
    this.prune();
    const req = this.pending.get(requestId);
    if (!req) throw new PairingError(`no pending pairing request "${requestId}" (it may have expired after 5 minutes; the device can ask again)`, 'APPROVAL_NOT_FOUND');
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
