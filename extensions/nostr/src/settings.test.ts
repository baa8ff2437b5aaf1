import { describe, expect, it } from 'vitest';
import * as nip19 from 'nostr-tools/nip19';
import { generateSecretKey, getPublicKey } from 'nostr-tools/pure';
import { checkNostrConfig, parseEventId, resolveNostrSettings } from './settings.js';

describe('Nostr settings', () => {
  const sk = generateSecretKey();
  const hex = Buffer.from(sk).toString('hex');
  it.each([
    [{}, /privateKey/],
    [{ privateKey: 'npub1notasecret' }, /nsec1/],
    [{ privateKey: hex }, /relays/],
    [{ privateKey: hex, relays: ['https://relay.example'] }, /not a ws/],
    [{ privateKey: hex, relays: ['wss://relay.example'], chatChannels: ['xyz'] }, /not a channel id/],
  ])('refuses %j', (config, reason) => {
    expect(checkNostrConfig(config)).toMatch(reason);
  });
  it('reads nsec or hex keys, and note ids for channels', () => {
    const id = 'a'.repeat(64);
    const config = { privateKey: nip19.nsecEncode(sk), relays: ['wss://relay.example', 'wss://relay.example/'], chatChannels: [nip19.noteEncode(id)] };
    expect(checkNostrConfig(config)).toBeUndefined();
    const s = resolveNostrSettings(config, 60_000);
    expect(s.publicKey).toBe(getPublicKey(sk));
    expect(s.relays).toEqual(['wss://relay.example/']);
    expect(resolveNostrSettings({ ...config, relays: ['wss://relay.example'] }, 1).relays).toEqual(['wss://relay.example']);
    expect(s.chatChannels).toEqual([id]);
    expect(resolveNostrSettings({ ...config, privateKey: hex }, 1).publicKey).toBe(getPublicKey(sk));
    expect(parseEventId('nope')).toBeUndefined();
  });
});
