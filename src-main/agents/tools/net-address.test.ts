import { describe, expect, it } from 'vitest';
import { blockedAddressReason, resolveVettedAddresses } from './net-address.js';

const BLOCKED = [
  '127.0.0.1', '127.255.255.254', '0.0.0.0', '0.1.2.3', '10.1.2.3', '172.16.0.1', '172.31.255.255', '192.168.1.1', '169.254.169.254',
  '100.64.0.1', '100.127.255.255', '224.0.0.1', '239.255.255.250', '255.255.255.255', '198.18.0.1',
  '::1', '::', '[::1]', 'fc00::1', 'fd12:3456::1', 'fe80::1', 'fe80::1%eth0', 'ff02::1',
  '::ffff:127.0.0.1', '::ffff:7f00:1', '::ffff:169.254.169.254', '::ffff:10.0.0.1', '::127.0.0.1', '64:ff9b::10.0.0.1', '2002:7f00:1::',
  'not-an-ip',
];
const ALLOWED = ['8.8.8.8', '1.1.1.1', '172.15.255.255', '172.32.0.1', '100.63.255.255', '100.128.0.1', '169.253.0.1', '2606:4700::1111', '::ffff:8.8.8.8', '64:ff9b::8.8.8.8'];

describe('blockedAddressReason', () => {
  it.each(BLOCKED)('blocks %s', (ip) => expect(blockedAddressReason(ip)).toBeDefined());
  it.each(ALLOWED)('allows %s', (ip) => expect(blockedAddressReason(ip)).toBeUndefined());
});

describe('resolveVettedAddresses', () => {
  const fake = (map: Record<string, string[]>) => async (host: string) => {
    const list = map[host];
    if (!list) throw new Error(`ENOTFOUND ${host}`);
    return list.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };
  it('refuses when any address is private', async () => {
    const resolve = fake({ 'mixed.test': ['93.184.216.34', '10.0.0.5'] });
    await expect(resolveVettedAddresses('mixed.test', { resolve, allowPrivate: false })).rejects.toMatchObject({ code: 'BLOCKED_ADDRESS' });
  });
  it('returns vetted public addresses, and everything when private is allowed', async () => {
    const resolve = fake({ 'pub.test': ['93.184.216.34'], 'lo.test': ['127.0.0.1'] });
    expect(await resolveVettedAddresses('pub.test', { resolve, allowPrivate: false })).toEqual([{ address: '93.184.216.34', family: 4 }]);
    expect(await resolveVettedAddresses('lo.test', { resolve, allowPrivate: true })).toEqual([{ address: '127.0.0.1', family: 4 }]);
  });
  it('does not resolve IP literals and reports DNS failures', async () => {
    const resolve = fake({});
    await expect(resolveVettedAddresses('[::1]', { resolve, allowPrivate: false })).rejects.toMatchObject({ code: 'BLOCKED_ADDRESS' });
    await expect(resolveVettedAddresses('nowhere.test', { resolve, allowPrivate: false })).rejects.toMatchObject({ code: 'DNS_FAILED' });
  });
});
