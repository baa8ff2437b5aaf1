import { describe, expect, it } from 'vitest';
import { deviceName, deviceRequestName, deviceRequestReason, heldMessagesText, isMissingScope, openDeviceRequests, openSenderRequests, senderLabel, type DeviceRequest, type SenderRequest } from './pairing-requests.js';

const at = (ms: number) => new Date(ms).toISOString();

const sender = (code: string, expiresAtMs: number, extra: Partial<SenderRequest> = {}): SenderRequest => ({
  id: `id-${code}`,
  code,
  channel: 'telegram',
  accountId: 'default',
  createdAt: at(0),
  lastSeenAt: at(0),
  expiresAt: at(expiresAtMs),
  meta: { heldMessages: 1 },
  ...extra,
});

const device = (requestId: string, expiresAtMs: number, extra: Partial<DeviceRequest> = {}): DeviceRequest => ({
  requestId,
  deviceId: 'f'.repeat(64),
  publicKey: 'k',
  role: 'operator',
  scopes: ['operator.read'],
  reason: 'not-paired',
  clientId: 'openclaw-control-ui',
  clientMode: 'ui',
  createdAtMs: 0,
  expiresAtMs,
  ...extra,
});

describe('openSenderRequests', () => {
  it('drops expired requests and puts the most urgent first', () => {
    const now = 10_000;
    const list = [sender('LATE', now + 50_000), sender('GONE', now - 1), sender('SOON', now + 1_000), sender('EDGE', now)];
    expect(openSenderRequests(list, now).map((r) => r.code)).toEqual(['SOON', 'LATE']);
  });
});

describe('openDeviceRequests', () => {
  it('drops expired requests and puts the most urgent first', () => {
    expect(openDeviceRequests([device('b', 300), device('a', 200), device('x', 100)], 100).map((r) => r.requestId)).toEqual(['a', 'b']);
  });
});

describe('labels', () => {
  it('names a sender by name and id, or id alone', () => {
    expect(senderLabel(sender('A', 0, { id: '42', meta: { name: 'Ada', heldMessages: 0 } }))).toBe('Ada (42)');
    expect(senderLabel(sender('A', 0, { id: '42' }))).toBe('42');
  });

  it('counts held messages in words', () => {
    expect(heldMessagesText(0)).toBe('no messages held');
    expect(heldMessagesText(1)).toBe('1 message held');
    expect(heldMessagesText(3)).toBe('3 messages held');
  });

  it('explains why a device asks and names it', () => {
    expect(deviceRequestReason('not-paired')).toBe('New device');
    expect(deviceRequestReason('scope-upgrade')).toContain('more permissions');
    expect(deviceRequestReason('something-new')).toBe('something-new');
    expect(deviceRequestName(device('a', 0, { displayName: 'Pixel' }))).toBe('Pixel');
    expect(deviceRequestName(device('a', 0))).toBe('openclaw-control-ui');
    expect(deviceRequestName(device('a', 0, { clientId: '' }))).toBe('ffffffffffff…');
    expect(deviceName({ displayName: 'Pixel', clientId: 'cli' }, 'x')).toBe('Pixel');
    expect(deviceName({ clientId: 'cli' }, 'x')).toBe('cli');
    expect(deviceName({}, 'abcdef0123456789')).toBe('abcdef012345…');
  });
});

describe('isMissingScope', () => {
  it('recognises the gateway refusing a scope', () => {
    expect(isMissingScope({ message: 'missing scope: operator.pairing', code: 'MISSING_SCOPE' })).toBe(true);
    expect(isMissingScope({ message: 'down', code: 'UNAVAILABLE' })).toBe(false);
    expect(isMissingScope(undefined)).toBe(false);
  });
});
