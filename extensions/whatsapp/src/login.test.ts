import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ChannelLogger, ChannelPlugin } from '../../../src-shared/domain/channel.js';
import { createAdapterHarness } from '../../../test-support/channel-harness.js';
import { seedLinkedCredentials } from '../../../test-support/fake-whatsapp/credentials.js';
import { FakeWhatsApp } from '../../../test-support/fake-whatsapp/fake-whatsapp.js';
import { fakePlugin } from '../../../test-support/fake-whatsapp/linked-adapter.js';
import { text, type FakeUser } from '../../../test-support/fake-whatsapp/messages.js';

const ana: FakeUser = { phone: '15550001001', lid: '201000000001001', name: 'Ana' };
const quiet: ChannelLogger = { debug() {}, info() {}, warn() {}, error() {} };

let dir: string;
let fake: FakeWhatsApp;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'openclaw-whatsapp-login-'));
  fake = new FakeWhatsApp();
});
afterEach(() => {
  fake.close();
  rmSync(dir, { recursive: true, force: true });
});

function loginCtx(signal = new AbortController().signal) {
  return { channel: 'whatsapp', accountId: 'default', config: {}, dataDir: dir, log: quiet, signal };
}

function readCreds(): { me?: { id?: string; lid?: string }; nextPreKeyId?: number } {
  return JSON.parse(readFileSync(join(dir, 'creds.json'), 'utf8'));
}

/** Starts a login and waits for the first QR code (wrapped, so awaiting this does not await the login). */
async function pair(plugin: ChannelPlugin, qrs: string[]): Promise<{ login: Promise<{ linkedAs?: string }> }> {
  const login = plugin.login!(loginCtx(), { onQr: (qr) => qrs.push(qr), signal: new AbortController().signal });
  await fake.waitForQr(1);
  return { login };
}

describe('WhatsApp QR login', () => {
  it('forwards every QR code, follows the 515 restart after the scan, and resolves with the linked number', async () => {
    const plugin = fakePlugin(fake);
    const qrs: string[] = [];
    const { login } = await pair(plugin, qrs);
    fake.rotateQr();
    await fake.waitForQr(2);
    await fake.scanQr();
    await expect(login).resolves.toEqual({ linkedAs: '+15550009999' });
    expect(qrs).toEqual(fake.qrShown);
    expect(qrs).toHaveLength(2);
    expect(qrs[0]).toMatch(/^https:\/\/wa\.me\/settings\/linked_devices#/);
    // First socket closed with 515 after pairing; the second opened with the saved credentials.
    expect(fake.sockets).toHaveLength(2);
    expect(fake.sockets[0].closeError).toMatchObject({ output: { statusCode: 515 } });
    // Real files: creds.json with the account, and the signal keys Baileys stored.
    expect(readCreds().me?.id).toBe('15550009999:7@s.whatsapp.net');
    expect(readdirSync(dir).some((f) => f.startsWith('pre-key-'))).toBe(true);
  });

  it('credentials persist across restarts: a new plug-in instance connects without a QR code', async () => {
    const qrs: string[] = [];
    const { login } = await pair(fakePlugin(fake), qrs);
    await fake.scanQr();
    await login;
    const shown = fake.qrShown.length;

    // A fresh plug-in (as after an app update) reading the same folder.
    const h = createAdapterHarness(fakePlugin(fake), { livenessMs: 3000 }, { dataDir: dir });
    await h.adapter.start();
    expect(fake.qrShown).toHaveLength(shown);
    // The creds update the server sends on login (our lid) and later ones reach the file.
    fake.updateCreds({ nextPreKeyId: 4242 });
    fake.sendDirect(ana, text('are you linked?'));
    expect((await h.nextInbound())[0].senderId).toBe('+15550001001');
    await h.close();
    const creds = readCreds();
    expect(creds.me?.lid).toBe('190000000000001:7@lid');
    expect(creds.nextPreKeyId).toBe(4242);

    // And once more, after the updates.
    const again = createAdapterHarness(fakePlugin(fake), { livenessMs: 3000 }, { dataDir: dir });
    await again.adapter.start();
    expect(fake.qrShown).toHaveLength(shown);
    await again.close();
  });

  it('running login again while linked reports the link without a new QR code', async () => {
    await seedLinkedCredentials(dir, fake);
    const qrs: string[] = [];
    await expect(fakePlugin(fake).login!(loginCtx(), { onQr: (q) => qrs.push(q), signal: new AbortController().signal })).resolves.toEqual({ linkedAs: '+15550009999' });
    expect(qrs).toEqual([]);
  });

  it('when the stored link was removed on the phone, login starts a fresh pairing', async () => {
    await seedLinkedCredentials(dir, fake);
    fake.unlinkFromPhone();
    const qrs: string[] = [];
    const login = fakePlugin(fake).login!(loginCtx(), { onQr: (q) => qrs.push(q), signal: new AbortController().signal });
    await fake.waitForQr(1);
    await fake.scanQr();
    await expect(login).resolves.toEqual({ linkedAs: '+15550009999' });
    expect(qrs).toHaveLength(1);
    expect(fake.linkedDeviceCount()).toBe(1);
  });

  it('an expired QR code rejects in plain words', async () => {
    const { login } = await pair(fakePlugin(fake), []);
    fake.expireQr();
    await expect(login).rejects.toThrow('The WhatsApp QR code expired before it was scanned. Run the login again.');
  });

  it('with no network it says so, not that the QR code expired', async () => {
    fake.setOffline(true);
    const qrs: string[] = [];
    const login = fakePlugin(fake).login!(loginCtx(), { onQr: (qr) => qrs.push(qr), signal: new AbortController().signal });
    const err = await login.then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(err?.message).not.toContain('expired');
    expect(err?.message).toBe('Could not reach WhatsApp (408 timedOut: WebSocket Error (getaddrinfo ENOTFOUND web.whatsapp.com)). Check the network and try again.');
    expect(qrs).toEqual([]);
  });

  it('cancelling rejects and closes the socket', async () => {
    const abort = new AbortController();
    const login = fakePlugin(fake).login!(loginCtx(), { onQr: () => {}, signal: abort.signal });
    await fake.waitForQr(1);
    abort.abort();
    await expect(login).rejects.toThrow('WhatsApp login was cancelled');
    expect(fake.sockets.every((s) => s.isClosed)).toBe(true);
  });

  it('nobody scanning within loginTimeoutMs rejects with a timeout', async () => {
    const login = fakePlugin(fake, { loginTimeoutMs: 150 }).login!(loginCtx(), { onQr: () => {}, signal: new AbortController().signal });
    await expect(login).rejects.toThrow('WhatsApp login timed out after 150 ms without a scan');
    expect(fake.sockets.every((s) => s.isClosed)).toBe(true);
  });
});

describe('WhatsApp logout', () => {
  it('unlinks the device on WhatsApp and empties the credential folder', async () => {
    await seedLinkedCredentials(dir, fake);
    expect(fake.linkedDeviceCount()).toBe(1);
    await fakePlugin(fake).logout!(loginCtx());
    expect(fake.linkedDeviceCount()).toBe(0);
    expect(existsSync(dir)).toBe(true);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('with no link, just clears the folder without connecting', async () => {
    await fakePlugin(fake).logout!(loginCtx());
    expect(fake.sockets).toHaveLength(0);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('when WhatsApp cannot be reached, still forgets the local link', async () => {
    await seedLinkedCredentials(dir, fake);
    fake.setServerErrors(true);
    await fakePlugin(fake).logout!(loginCtx());
    expect(readdirSync(dir)).toEqual([]);
  });
});
