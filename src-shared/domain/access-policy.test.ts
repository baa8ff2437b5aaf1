import { describe, expect, it } from 'vitest';
import { decideAccess, decideOutbound, isOwnerSender, isPairingCode, normalizeAllowEntry, pairingCodeFromBytes, type AccessSettings } from './access-policy.js';

const base: AccessSettings = { channel: 'telegram', dmPolicy: 'pairing', allowFrom: [], groupPolicy: 'allowlist', groupAllowFrom: [], requireMention: true };
const dm = (senderId: string, paired: string[] = []) => ({ peerKind: 'direct' as const, senderId, peerId: senderId, mentioned: false, paired: new Set(paired) });
const group = (senderId: string, mentioned: boolean, paired: string[] = [], peerId = '-100') => ({ peerKind: 'group' as const, senderId, peerId, mentioned, paired: new Set(paired) });

describe('decideAccess', () => {
  it.each([
    // [what, settings, facts, expected]
    ['pairing: unknown DM is offered a code', {}, dm('9'), { action: 'pair' }],
    ['pairing: allowFrom sender passes', { allowFrom: [9] }, dm('9'), { action: 'allow' }],
    ['pairing: a channel-prefixed entry matches', { allowFrom: ['telegram:9'] }, dm('9'), { action: 'allow' }],
    ['pairing: paired sender passes', {}, dm('9', ['9']), { action: 'allow' }],
    ['allowlist: unknown DM dropped, never paired', { dmPolicy: 'allowlist' }, dm('9'), { action: 'drop', reason: 'not-allowlisted' }],
    ['allowlist: listed sender passes', { dmPolicy: 'allowlist', allowFrom: ['9'] }, dm('9'), { action: 'allow' }],
    ['allowlist: access group member passes', { dmPolicy: 'allowlist', allowFrom: ['accessGroup:family'], accessGroups: { family: ['telegram:9'] } }, dm('9'), { action: 'allow' }],
    ['open without "*" is refused', { dmPolicy: 'open' }, dm('9'), { action: 'drop', reason: 'open-without-wildcard' }],
    ['open with "*" passes', { dmPolicy: 'open', allowFrom: ['*'] }, dm('9'), { action: 'allow' }],
    ['disabled drops even allowlisted senders', { dmPolicy: 'disabled', allowFrom: ['9'] }, dm('9'), { action: 'drop', reason: 'dm-disabled' }],
    ['phone numbers compare without punctuation', { dmPolicy: 'allowlist', allowFrom: ['+1 (555) 000-1001'] }, dm('+15550001001'), { action: 'allow' }],
    ['group: unknown sender dropped silently (no codes in groups)', {}, group('9', true), { action: 'drop', reason: 'group-not-allowed' }],
    ['group: paired sender must still mention', {}, group('9', false, ['9']), { action: 'drop', reason: 'not-mentioned' }],
    ['group: paired sender mentioning passes', {}, group('9', true, ['9']), { action: 'allow' }],
    ['group: allowlisted group id passes for anyone', { groupAllowFrom: ['-100'] }, group('7', true), { action: 'allow' }],
    ['group: groupAllowFrom replaces the DM allowlist', { allowFrom: ['9'], groupAllowFrom: ['8'] }, group('9', true), { action: 'drop', reason: 'group-not-allowed' }],
    ['group: open policy, mention still needed', { groupPolicy: 'open' }, group('7', false), { action: 'drop', reason: 'not-mentioned' }],
    ['group: open policy without mention requirement', { groupPolicy: 'open', requireMention: false }, group('7', false), { action: 'allow' }],
    ['group: per-group requireMention override', { groupPolicy: 'open', groups: { '-100': { requireMention: false } } }, group('7', false), { action: 'allow' }],
    ['group: listed in groups counts as allowed', { groups: { '-100': {} } }, group('7', true), { action: 'allow' }],
    ['group: a disabled group entry drops', { groupPolicy: 'open', groups: { '-100': { enabled: false } } }, group('7', true), { action: 'drop', reason: 'group-disabled' }],
    ['group: disabled policy drops', { groupPolicy: 'disabled', groupAllowFrom: ['*'] }, group('7', true), { action: 'drop', reason: 'group-disabled' }],
  ] as const)('%s', (_what, over, facts, expected) => {
    expect(decideAccess({ ...base, ...over } as AccessSettings, facts)).toEqual(expected);
  });

  it('the owner (self-chat) is always let through in DMs', () => {
    expect(decideAccess({ ...base, dmPolicy: 'allowlist' }, { ...dm('+1555'), fromOwner: true })).toEqual({ action: 'allow' });
  });
});

describe('decideOutbound', () => {
  it('may message allowlisted and paired people and allowed groups, never strangers', () => {
    const s: AccessSettings = { ...base, allowFrom: ['1'], groupAllowFrom: ['-100'] };
    expect(decideOutbound(s, { kind: 'direct', id: '1' }, new Set())).toBe(true);
    expect(decideOutbound(s, { kind: 'direct', id: '2' }, new Set(['2']))).toBe(true);
    expect(decideOutbound(s, { kind: 'direct', id: '3' }, new Set())).toBe(false);
    expect(decideOutbound(s, { kind: 'group', id: '-100' }, new Set())).toBe(true);
    expect(decideOutbound(s, { kind: 'group', id: '-200' }, new Set())).toBe(false);
    expect(decideOutbound({ ...s, dmPolicy: 'allowlist' }, { kind: 'direct', id: '+1555' }, new Set(), '+1555')).toBe(true);
    expect(decideOutbound({ ...s, dmPolicy: 'open', allowFrom: ['*'] }, { kind: 'direct', id: '99' }, new Set())).toBe(true);
  });
});

describe('pairing codes', () => {
  it('are 8 characters from A-HJ-NP-Z2-9', () => {
    const code = pairingCodeFromBytes(Uint8Array.from({ length: 8 }, (_, i) => i * 37));
    expect(code).toMatch(/^[A-HJ-NP-Z2-9]{8}$/);
    expect(isPairingCode(code)).toBe(true);
    expect(isPairingCode('ABCDEFG0')).toBe(false);
    expect(isPairingCode('abcdefgh')).toBe(false);
  });
  it('normalises allow entries', () => {
    expect(normalizeAllowEntry('slack', 'SLACK:U01AB')).toBe('u01ab');
  });
});

describe('isOwnerSender', () => {
  it.each<[string, string[] | undefined, string, string, boolean]>([
    ['prefixed entry on its channel', ['telegram:123'], 'telegram', '123', true],
    ['prefixed entry on another channel', ['telegram:123'], 'discord', '123', false],
    ['bare entry on any channel', ['123'], 'discord', '123', true],
    ['phone numbers compare without spaces', ['whatsapp:+1 555 0001'], 'whatsapp', '+15550001', true],
    ['a bare phone number is not read as a channel prefix', ['+1 (555) 0001'], 'signal', '+15550001', true],
    ['no owners', undefined, 'telegram', '123', false],
    ['someone else', ['telegram:123'], 'telegram', '124', false],
  ])('%s', (_name, owners, channel, sender, expected) => {
    expect(isOwnerSender(owners, channel, sender)).toBe(expected);
  });
});
