/**
 * Linked-device credentials on disk, written the way the adapter reads them
 * (Baileys' multi-file auth state), and registered with the fake WhatsApp so
 * a socket presenting them opens without a QR code.
 */
import { useMultiFileAuthState, type AuthenticationCreds } from '@whiskeysockets/baileys';
import type { FakeWhatsApp } from './fake-whatsapp.js';

/** Writes a linked owner's `creds.json` into `dir` and links it on `fake`. */
export async function seedLinkedCredentials(dir: string, fake: FakeWhatsApp): Promise<AuthenticationCreds> {
  const { state, saveCreds } = await useMultiFileAuthState(dir);
  const me = fake.meContact();
  state.creds.me = { id: me.id, name: me.name };
  state.creds.platform = 'iphone';
  await saveCreds();
  fake.linkDevice(state.creds);
  return state.creds;
}
